"""`python -m core.data download` against a local HTTP server on 127.0.0.1 serving small IDX files."""

import gzip
import hashlib
import http.server
import threading
from functools import partial

import pytest

from core import data
from core.data import DataError
from tests.unit.test_data import write_idx_folder


@pytest.fixture
def served_folder(tmp_path):
    """A folder of small gzipped IDX files served over HTTP on 127.0.0.1."""
    folder = tmp_path / "served"
    write_idx_folder(folder)

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def small_checksums(served_folder, monkeypatch):
    folder, _ = served_folder
    names = data.DOWNLOADS["mnist"]["md5"]
    checksums = {name: hashlib.md5((folder / name).read_bytes()).hexdigest() for name in names}
    monkeypatch.setitem(data.DOWNLOADS["mnist"], "md5", checksums)
    return checksums


def test_download_fetches_and_verifies(tmp_path, served_folder, small_checksums):
    _, url = served_folder
    target = tmp_path / "target"
    assert data.main(["download", "mnist", "--dir", str(target), "--base-url", url]) == 0
    split = data.load_idx_folder(target, strict_size=False)
    assert split.train_images.shape == (12, 28, 28)
    assert sorted(path.name for path in target.iterdir()) == sorted(small_checksums)


def test_checksum_mismatch_is_refused_and_discarded(tmp_path, served_folder, small_checksums, capsys):
    folder, url = served_folder
    tampered = folder / "t10k-labels-idx1-ubyte.gz"
    raw = bytearray(gzip.decompress(tampered.read_bytes()))
    raw[-1] = (raw[-1] + 1) % 10
    tampered.write_bytes(gzip.compress(bytes(raw)))
    target = tmp_path / "target"
    with pytest.raises(DataError, match="checksum mismatch"):
        data.download("mnist", target, base_url=url)
    assert not (target / "t10k-labels-idx1-ubyte.gz").exists()
    assert sorted(p.name for p in target.iterdir()) == sorted(n for n in small_checksums if "t10k-labels" not in n)
    assert data.main(["download", "mnist", "--dir", str(target), "--base-url", url]) == 1
    assert "checksum mismatch" in capsys.readouterr().err


def test_unreachable_server_is_a_clear_error(tmp_path, small_checksums):
    target = tmp_path / "target"
    with pytest.raises(DataError, match="could not fetch"):
        data.download("mnist", target, base_url="http://127.0.0.1:9/", timeout=2)
    assert list(target.iterdir()) == []


def test_official_checksums_are_listed_for_both_sets():
    values = [value for spec in data.DOWNLOADS.values() for value in spec["md5"].values()]
    assert len(values) == len(set(values)) == 8
    assert all(len(value) == 32 for value in values)

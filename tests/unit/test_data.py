"""The bundled digits, the fixed split, and the IDX loaders (with every kind of bad file)."""

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from core import data
from core.data import DataError

EXPECTED_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


def test_bundled_digits_are_the_10000_distinct_mnist_digits():
    images, labels = data.load_bundled_digits()
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64
    assert np.bincount(labels).tolist() == EXPECTED_COUNTS
    assert len({image.tobytes() for image in images}) == 10000


def test_split_is_fixed_stratified_and_disjoint():
    split = data.bundled_split()
    assert split.train_images.shape == (8000, 28, 28)
    assert split.test_images.shape == (2000, 28, 28)
    assert split.train_images.dtype == np.float32
    assert 0.0 <= split.train_images.min() and split.train_images.max() <= 1.0
    shares = np.bincount(split.test_labels, minlength=10) / 2000
    assert np.allclose(shares, np.array(EXPECTED_COUNTS) / 10000, atol=0.001)
    train_idx, test_idx = data.stratified_split(data.load_bundled_digits()[1], 2000, data.SPLIT_SEED)
    assert not set(train_idx) & set(test_idx)
    assert len(train_idx) + len(test_idx) == 10000
    again = data.bundled_split()
    assert np.array_equal(again.test_images, split.test_images)
    assert np.array_equal(again.train_labels, split.train_labels)


def idx_images(images: np.ndarray) -> bytes:
    return struct.pack(">IIII", 0x803, len(images), 28, 28) + images.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray) -> bytes:
    return struct.pack(">II", 0x801, len(labels)) + labels.astype(np.uint8).tobytes()


def write_idx_folder(folder: Path, n_train: int = 12, n_test: int = 5, gzipped: bool = True) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    for split, count in (("train", n_train), ("t10k", n_test)):
        contents = {
            "images": idx_images(rng.integers(0, 256, (count, 28, 28))),
            "labels": idx_labels(rng.integers(0, 10, count)),
        }
        for kind, raw in contents.items():
            name = data.IDX_FILES[(split, kind)]
            if gzipped:
                (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
            else:
                (folder / name).write_bytes(raw)


@pytest.mark.parametrize("gzipped", [True, False])
def test_idx_folder_loads_gzipped_or_plain(tmp_path, gzipped):
    write_idx_folder(tmp_path, gzipped=gzipped)
    split = data.load_idx_folder(tmp_path, strict_size=False)
    assert split.train_images.shape == (12, 28, 28)
    assert split.test_labels.shape == (5,)
    assert split.train_images.max() <= 1.0


def test_strict_size_rejects_a_subset(tmp_path):
    write_idx_folder(tmp_path)
    with pytest.raises(DataError, match="expected 60000"):
        data.load_idx_folder(tmp_path)


def corrupt(folder: Path, name: str, transform) -> None:
    path = folder / f"{name}.gz"
    path.write_bytes(gzip.compress(transform(gzip.decompress(path.read_bytes()))))


@pytest.mark.parametrize(
    ("file_stem", "transform", "message"),
    [
        ("train-images-idx3-ubyte", lambda raw: raw[:-100], "truncated"),
        ("train-images-idx3-ubyte", lambda raw: struct.pack(">I", 0x801) + raw[4:], "magic number"),
        ("train-labels-idx1-ubyte", lambda raw: struct.pack(">I", 0x803) + raw[4:], "magic number"),
        ("train-labels-idx1-ubyte", lambda raw: raw[:3], "too short"),
        ("t10k-images-idx3-ubyte", lambda raw: raw[:8] + struct.pack(">II", 32, 32) + raw[16:], "32x32"),
        ("t10k-labels-idx1-ubyte", lambda raw: raw[:8] + bytes([42]) + raw[9:], "outside 0-9"),
    ],
)
def test_bad_idx_files_give_clear_errors(tmp_path, file_stem, transform, message):
    write_idx_folder(tmp_path)
    corrupt(tmp_path, file_stem, transform)
    with pytest.raises(DataError, match=message):
        data.load_idx_folder(tmp_path, strict_size=False)


def test_mismatched_image_and_label_counts(tmp_path):
    write_idx_folder(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_labels(np.zeros(11))))
    with pytest.raises(DataError, match="12 images but 11 labels"):
        data.load_idx_folder(tmp_path, strict_size=False)


def test_corrupt_gzip_and_missing_file(tmp_path):
    write_idx_folder(tmp_path)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(DataError, match="gzip"):
        data.load_idx_folder(tmp_path, strict_size=False)
    path.unlink()
    with pytest.raises(DataError, match="no t10k-images"):
        data.load_idx_folder(tmp_path, strict_size=False)


def test_available_folders_lists_only_complete_ones(tmp_path):
    complete, partial = tmp_path / "complete", tmp_path / "partial"
    write_idx_folder(complete)
    write_idx_folder(partial)
    (partial / "t10k-labels-idx1-ubyte.gz").unlink()
    found = data.available_idx_folders([complete, partial])
    assert found.get("complete") == complete
    assert "partial" not in found


@pytest.mark.skipif(
    not data.DEBIAN_FASHION_MNIST.is_dir() and not os.environ.get("CI"),
    reason="Debian's dataset-fashion-mnist is not installed (make test installs it)",
)
def test_debian_fashion_mnist_loads_all_70000_images():
    assert "fashion-mnist" in data.available_idx_folders()
    split = data.load_idx_folder(data.DEBIAN_FASHION_MNIST)
    assert split.train_images.shape == (60000, 28, 28)
    assert split.test_images.shape == (10000, 28, 28)
    assert np.bincount(split.train_labels).tolist() == [6000] * 10
    assert np.bincount(split.test_labels).tolist() == [1000] * 10

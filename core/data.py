"""Digit data: the bundled 10,000 MNIST digits, the fixed split, and IDX loaders for full sets.

Command line:
    python -m core.data download mnist|fashion-mnist --dir DIR [--base-url URL]
    python -m core.data info DIR
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import shutil
import struct
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent.parent / "assets"
BUNDLED_DIGITS = ASSETS / "data" / "mnist_10k.npz"
SPLIT_SEED = 20240611
TRAIN_SIZE = 8000
HELD_OUT_SIZE = 2000
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

IDX_FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("t10k", "images"): "t10k-images-idx3-ubyte",
    ("t10k", "labels"): "t10k-labels-idx1-ubyte",
}
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
SPLIT_SIZES = {"train": 60000, "t10k": 10000}

DOWNLOADS = {
    "mnist": {
        "base_url": "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "md5": {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
    },
    "fashion-mnist": {
        "base_url": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "md5": {
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
    },
}

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


class DataError(ValueError):
    """A data file is missing, truncated, corrupt or does not match its partner."""


@dataclass(frozen=True)
class DigitSplit:
    """Images as float32 in [0, 1], shape (N, 28, 28); labels int64."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def load_bundled_digits(path: Path = BUNDLED_DIGITS) -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 shipped digits: uint8 images (N, 28, 28) and int64 labels."""
    with np.load(path, allow_pickle=False) as archive:
        return archive["images"], archive["labels"]


def stratified_split(labels: np.ndarray, held_out: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held_out) with each class's share kept; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    quotas = np.floor(counts * held_out / len(labels)).astype(int)
    remainders = counts * held_out / len(labels) - quotas
    for index in np.argsort(-remainders, kind="stable")[: held_out - quotas.sum()]:
        quotas[index] += 1
    train_parts, test_parts = [], []
    for cls, quota in zip(classes, quotas):
        members = rng.permutation(np.flatnonzero(labels == cls))
        test_parts.append(members[:quota])
        train_parts.append(members[quota:])
    return np.sort(np.concatenate(train_parts)), np.sort(np.concatenate(test_parts))


def bundled_split() -> DigitSplit:
    """The one fixed 8,000 / 2,000 split every model, test and benchmark uses."""
    images, labels = load_bundled_digits()
    train_idx, test_idx = stratified_split(labels, HELD_OUT_SIZE, SPLIT_SEED)
    scaled = images.astype(np.float32) / 255.0
    return DigitSplit(scaled[train_idx], labels[train_idx], scaled[test_idx], labels[test_idx])


def _open_maybe_gzipped(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DataError(f"{path.name}: the gzip stream is corrupt or truncated ({error})") from error
    return raw


def parse_idx(raw: bytes, expected_magic: int, name: str) -> np.ndarray:
    """Parse an IDX byte string (images: magic 2051, labels: 2049) into a uint8 array."""
    if len(raw) < 8:
        raise DataError(f"{name}: only {len(raw)} bytes, too short for an IDX header")
    magic, count = struct.unpack(">II", raw[:8])
    if magic != expected_magic:
        kind = "images" if expected_magic == IMAGES_MAGIC else "labels"
        raise DataError(f"{name}: magic number {magic:#010x}, expected {expected_magic:#010x} for {kind}")
    if expected_magic == IMAGES_MAGIC:
        if len(raw) < 16:
            raise DataError(f"{name}: truncated header")
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (28, 28):
            raise DataError(f"{name}: images are {rows}x{cols}, expected 28x28")
        shape, offset = (count, rows, cols), 16
    else:
        shape, offset = (count,), 8
    needed = int(np.prod(shape))
    body = raw[offset:]
    if len(body) != needed:
        raise DataError(
            f"{name}: header promises {needed} bytes of data, the file holds {len(body)} (truncated or padded)"
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def find_idx_file(folder: Path, split: str, kind: str) -> Path:
    stem = IDX_FILES[(split, kind)]
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    raise DataError(f"{folder}: no {stem}[.gz]")


def load_idx_split(folder: Path, split: str, strict_size: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Images (uint8, N×28×28) and labels (int64) of split 'train' or 't10k' in an IDX folder."""
    folder = Path(folder)
    image_path = find_idx_file(folder, split, "images")
    label_path = find_idx_file(folder, split, "labels")
    images = parse_idx(_open_maybe_gzipped(image_path), IMAGES_MAGIC, image_path.name)
    labels = parse_idx(_open_maybe_gzipped(label_path), LABELS_MAGIC, label_path.name)
    if len(images) != len(labels):
        raise DataError(f"{folder}: {len(images)} images but {len(labels)} labels in split '{split}'")
    if strict_size and len(images) != SPLIT_SIZES[split]:
        raise DataError(f"{folder}: split '{split}' holds {len(images)} items, expected {SPLIT_SIZES[split]}")
    if labels.size and labels.max() > 9:
        raise DataError(f"{label_path.name}: label {labels.max()} is outside 0-9")
    return images, labels.astype(np.int64)


def load_idx_folder(folder: Path, strict_size: bool = True) -> DigitSplit:
    """A full IDX data set (MNIST or Fashion-MNIST) as a DigitSplit: train and t10k, scaled to [0, 1]."""
    train_images, train_labels = load_idx_split(folder, "train", strict_size)
    test_images, test_labels = load_idx_split(folder, "t10k", strict_size)
    return DigitSplit(
        train_images.astype(np.float32) / 255.0,
        train_labels,
        test_images.astype(np.float32) / 255.0,
        test_labels,
    )


def available_idx_folders(extra: list[Path] | None = None) -> dict[str, Path]:
    """Named IDX folders found on this machine (Debian's Fashion-MNIST and any extra folder)."""
    found = {}
    candidates = [("fashion-mnist", DEBIAN_FASHION_MNIST)]
    candidates += [(Path(folder).name, Path(folder)) for folder in extra or []]
    for name, folder in candidates:
        try:
            for split, kind in IDX_FILES:
                find_idx_file(folder, split, kind)
        except DataError:
            continue
        found[name] = folder
    return found


def md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(dataset: str, folder: Path, base_url: str | None = None, timeout: float = 60.0) -> list[Path]:
    """Fetch the four official files of a data set into folder, verifying each MD5 checksum.

    A file whose checksum does not match is deleted and raises DataError.
    """
    spec = DOWNLOADS[dataset]
    base = base_url or spec["base_url"]
    if not base.endswith("/"):
        base += "/"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, expected in spec["md5"].items():
        target = folder / name
        if target.is_file() and md5_of(target) == expected:
            written.append(target)
            continue
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
            partial = Path(handle.name)
            try:
                with urllib.request.urlopen(base + name, timeout=timeout) as response:
                    shutil.copyfileobj(response, handle)
            except OSError as error:
                handle.close()
                partial.unlink(missing_ok=True)
                raise DataError(f"could not fetch {base + name}: {error}") from error
        actual = md5_of(partial)
        if actual != expected:
            partial.unlink()
            raise DataError(f"{name}: checksum mismatch (md5 {actual}, expected {expected}); file discarded")
        partial.replace(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.data", description="Digit data tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("download", help="fetch and verify the official IDX files")
    fetch.add_argument("dataset", choices=sorted(DOWNLOADS))
    fetch.add_argument("--dir", type=Path, required=True)
    fetch.add_argument("--base-url", help="another server holding the same files")
    info = commands.add_parser("info", help="check an IDX folder and print its sizes")
    info.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "download":
            for path in download(args.dataset, args.dir, args.base_url):
                print(f"ok  {path}")
        else:
            split = load_idx_folder(args.folder)
            print(f"train {split.train_images.shape}, t10k {split.test_images.shape}")
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

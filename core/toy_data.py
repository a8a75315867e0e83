"""Two-dimensional teaching data: toy shapes, train/test splits, and the student's own points (CSV)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

SHAPES = ("circle", "xor", "gaussians", "spiral", "moons")
MULTICLASS_SHAPES = ("gaussians", "spiral")
PLANE = (-3.0, 3.0)
MAX_CSV_ROWS = 5000
MIN_CLASSES, MAX_CLASSES = 2, 10
CSV_COLUMNS = ("x", "y", "label")


@dataclass(frozen=True)
class PointSet:
    """Points (N, 2) float32 with integer labels 0..C−1 and the class count C."""

    points: np.ndarray
    labels: np.ndarray
    n_classes: int

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Split2D:
    train: PointSet
    test: PointSet
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max of the plotted plane


class CsvError(ValueError):
    """An uploaded CSV cannot be used; `reason` is a short code, `details` fill the message."""

    def __init__(self, reason: str, **details: object):
        super().__init__(f"{reason}: {details}")
        self.reason = reason
        self.details = details


def make_shape(shape: str, n_points: int, noise: float, seed: int, n_classes: int = 2) -> PointSet:
    """A toy set in the plane [-3, 3]²; noise is a fraction of the plane's half-width (0 … 0.5)."""
    rng = np.random.default_rng(seed)
    builders = {
        "circle": _circle,
        "xor": _xor,
        "gaussians": _gaussians,
        "spiral": _spiral,
        "moons": _moons,
    }
    classes = n_classes if shape in MULTICLASS_SHAPES else 2
    points, labels = builders[shape](rng, n_points, classes)
    points = points + rng.normal(0.0, noise * PLANE[1] * 0.5, size=points.shape)
    points = np.clip(points, PLANE[0], PLANE[1])
    return PointSet(points.astype(np.float32), labels.astype(np.int64), classes)


def _circle(rng, n, _classes):
    inner = n // 2
    radius = np.concatenate([rng.uniform(0, 1.2, inner), rng.uniform(1.8, 2.7, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    labels = np.concatenate([np.zeros(inner), np.ones(n - inner)])
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1), labels


def _xor(rng, n, _classes):
    points = rng.uniform(0.25, 2.75, size=(n, 2)) * rng.choice([-1.0, 1.0], size=(n, 2))
    labels = (points[:, 0] * points[:, 1] < 0).astype(int)
    return points, labels


def _gaussians(rng, n, classes):
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = 1.6 * np.stack([np.cos(angles), np.sin(angles)], 1)
    labels = np.arange(n) % classes
    return centres[labels] + rng.normal(0, 0.45, size=(n, 2)), labels


def _spiral(rng, n, classes):
    labels = np.arange(n) % classes
    t = rng.uniform(0.0, 1.0, n)
    radius = 0.2 + 2.5 * t
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * labels / classes
    return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1), labels


def _moons(rng, n, _classes):
    upper = n // 2
    angle = np.concatenate([rng.uniform(0, np.pi, upper), rng.uniform(0, np.pi, n - upper)])
    labels = np.concatenate([np.zeros(upper), np.ones(n - upper)])
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    return 1.6 * np.stack([x - 0.5, y - 0.25], 1), labels


def split_points(points: PointSet, train_fraction: float, seed: int) -> Split2D:
    """Shuffle and split; at least one training point; the plane covers every point."""
    rng = np.random.default_rng(seed + 1)
    order = rng.permutation(len(points))
    n_train = min(len(points), max(1, round(train_fraction * len(points))))
    train_idx, test_idx = order[:n_train], order[n_train:]
    part = lambda idx: PointSet(points.points[idx], points.labels[idx], points.n_classes)  # noqa: E731
    return Split2D(part(train_idx), part(test_idx), plane_extent(points.points))


def plane_extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """The default plane [-3, 3]², widened (with a margin) to hold every point."""
    if len(points) == 0:
        return (PLANE[0], PLANE[1], PLANE[0], PLANE[1])
    lows, highs = points.min(0), points.max(0)
    margin = 0.1 * np.maximum(highs - lows, 1e-6)
    x_min, y_min = np.minimum(lows - margin, PLANE[0])
    x_max, y_max = np.maximum(highs + margin, PLANE[1])
    return (float(x_min), float(x_max), float(y_min), float(y_max))


def read_points_csv(raw: bytes) -> PointSet:
    """Parse `x,y,label` CSV bytes (header required); labels may be any text or numbers.

    Raises CsvError with reason: encoding, no_header, missing_columns, no_rows, too_many_rows,
    not_a_number, not_finite, missing_value, single_class, too_many_classes.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvError("encoding") from error
    rows = list(csv.reader(io.StringIO(text)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CsvError("no_header")
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in CSV_COLUMNS if name not in header]
    if missing:
        raise CsvError("missing_columns", missing=", ".join(missing), found=", ".join(rows[0]) or "—")
    body = rows[1:]
    if not body:
        raise CsvError("no_rows")
    if len(body) > MAX_CSV_ROWS:
        raise CsvError("too_many_rows", rows=len(body), limit=MAX_CSV_ROWS)
    columns = {name: header.index(name) for name in CSV_COLUMNS}
    coordinates = np.empty((len(body), 2), dtype=np.float64)
    raw_labels = []
    for line, row in enumerate(body, start=2):
        cells = {name: row[index].strip() if index < len(row) else "" for name, index in columns.items()}
        for axis, name in enumerate(("x", "y")):
            coordinates[line - 2, axis] = _number(cells[name], name, line)
        if not cells["label"]:
            raise CsvError("missing_value", column="label", line=line)
        raw_labels.append(cells["label"])
    classes = sorted(set(raw_labels), key=_label_order)
    if len(classes) < MIN_CLASSES:
        raise CsvError("single_class", label=classes[0])
    if len(classes) > MAX_CLASSES:
        raise CsvError("too_many_classes", classes=len(classes), limit=MAX_CLASSES)
    index = {label: position for position, label in enumerate(classes)}
    labels = np.array([index[label] for label in raw_labels], dtype=np.int64)
    return PointSet(coordinates.astype(np.float32), labels, len(classes))


def _number(cell: str, column: str, line: int) -> float:
    if not cell:
        raise CsvError("missing_value", column=column, line=line)
    try:
        value = float(cell)
    except ValueError as error:
        raise CsvError("not_a_number", column=column, line=line, value=cell[:20]) from error
    if not np.isfinite(value) or abs(value) > 1e6:
        raise CsvError("not_finite", column=column, line=line, value=cell[:20])
    return value


def _label_order(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def add_point(points: PointSet, x: float, y: float, label: int) -> PointSet:
    """A new set with one more point; the class count grows to include label."""
    return PointSet(
        np.vstack([points.points, np.array([[x, y]], dtype=np.float32)]),
        np.append(points.labels, np.int64(label)),
        max(points.n_classes, label + 1),
    )


def empty_points() -> PointSet:
    return PointSet(np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=np.int64), 2)


def points_to_csv(points: PointSet) -> bytes:
    """The set as `x,y,label` CSV (the format the reader accepts)."""
    lines = ["x,y,label"] + [f"{x:.4f},{y:.4f},{label}" for (x, y), label in zip(points.points, points.labels)]
    return ("\n".join(lines) + "\n").encode()

"""Toy 2-D data sets and the CSV reader, with every bad case."""

from __future__ import annotations

import numpy as np
import pytest

from core import toy_data


@pytest.mark.parametrize("shape", toy_data.SHAPES)
def test_every_shape_has_points_in_the_plane_and_balanced_classes(shape):
    points = toy_data.make_shape(shape, 300, 0.1, seed=3, n_classes=3)
    assert points.points.shape == (300, 2) and points.points.dtype == np.float32
    assert (np.abs(points.points) <= 3.0).all()
    counts = np.bincount(points.labels)
    assert len(counts) == points.n_classes
    assert counts.min() >= 0.4 * 300 / points.n_classes


def test_xor_labels_follow_the_quadrants_without_noise():
    points = toy_data.make_shape("xor", 500, 0.0, seed=1)
    product = points.points[:, 0] * points.points[:, 1]
    assert ((product < 0) == (points.labels == 1)).all()


def test_shapes_are_reproducible_and_seeds_differ():
    a = toy_data.make_shape("spiral", 100, 0.2, seed=7, n_classes=4)
    b = toy_data.make_shape("spiral", 100, 0.2, seed=7, n_classes=4)
    c = toy_data.make_shape("spiral", 100, 0.2, seed=8, n_classes=4)
    assert np.array_equal(a.points, b.points) and not np.array_equal(a.points, c.points)
    assert a.n_classes == 4


def test_split_keeps_every_point_once():
    points = toy_data.make_shape("moons", 101, 0.0, seed=0)
    split = toy_data.split_points(points, 0.7, seed=0)
    assert len(split.train) == 71 and len(split.test) == 30
    merged = np.vstack([split.train.points, split.test.points])
    assert sorted(map(tuple, merged)) == sorted(map(tuple, points.points))


def test_extent_grows_for_far_points():
    extent = toy_data.plane_extent(np.array([[10.0, -20.0], [0.0, 0.0]], dtype=np.float32))
    assert extent[1] > 10 and extent[2] < -20 and extent[0] == -3.0


def test_csv_round_trip_with_word_labels():
    raw = b"label,x,y\ncat,1,2\ndog,-1.5,0.25\ncat,0,0\n"
    points = toy_data.read_points_csv(raw)
    assert points.n_classes == 2
    assert points.points.tolist() == [[1.0, 2.0], [-1.5, 0.25], [0.0, 0.0]]
    assert points.labels.tolist() == [0, 1, 0]
    again = toy_data.read_points_csv(toy_data.points_to_csv(points))
    assert np.array_equal(again.labels, points.labels) and np.allclose(again.points, points.points)


def test_csv_numeric_labels_are_ordered_numerically():
    points = toy_data.read_points_csv(b"x,y,label\n0,0,10\n1,1,2\n2,2,2\n")
    assert points.labels.tolist() == [1, 0, 0]


def test_csv_accepts_a_byte_order_mark_and_blank_lines():
    points = toy_data.read_points_csv("\ufeffx,y,label\n\n1,2,a\n3,4,b\n\n".encode())
    assert len(points) == 2


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "no_header"),
        (b"\n\n", "no_header"),
        (b"a,b,c\n1,2,3\n", "missing_columns"),
        (b"x,y\n1,2\n", "missing_columns"),
        (b"x,y,label\n", "no_rows"),
        (b"x,y,label\n1,nan,0\n2,3,1\n", "not_finite"),
        (b"x,y,label\n1,inf,0\n2,3,1\n", "not_finite"),
        (b"x,y,label\n1,two,0\n2,3,1\n", "not_a_number"),
        (b"x,y,label\n1,,0\n2,3,1\n", "missing_value"),
        (b"x,y,label\n1,2\n2,3,1\n", "missing_value"),
        (b"x,y,label\n1,2,\n2,3,1\n", "missing_value"),
        (b"x,y,label\n1,2,a\n2,3,a\n", "single_class"),
        (b"\xff\xfe\x00x", "encoding"),
    ],
)
def test_csv_bad_cases(raw, reason):
    with pytest.raises(toy_data.CsvError) as caught:
        toy_data.read_points_csv(raw)
    assert caught.value.reason == reason


def test_csv_too_many_rows():
    rows = "".join(f"{i},{i},{i % 2}\n" for i in range(toy_data.MAX_CSV_ROWS + 1))
    with pytest.raises(toy_data.CsvError) as caught:
        toy_data.read_points_csv(("x,y,label\n" + rows).encode())
    assert caught.value.reason == "too_many_rows"
    assert caught.value.details == {"rows": 5001, "limit": 5000}
    ok = "".join(f"{i},{i},{i % 2}\n" for i in range(toy_data.MAX_CSV_ROWS))
    assert len(toy_data.read_points_csv(("x,y,label\n" + ok).encode())) == 5000


def test_csv_too_many_classes():
    rows = "".join(f"{i},{i},{i}\n" for i in range(11))
    with pytest.raises(toy_data.CsvError) as caught:
        toy_data.read_points_csv(("x,y,label\n" + rows).encode())
    assert caught.value.reason == "too_many_classes"


def test_csv_error_details_name_the_line_and_column():
    with pytest.raises(toy_data.CsvError) as caught:
        toy_data.read_points_csv(b"x,y,label\n1,2,0\n3,abc,1\n")
    assert caught.value.details == {"column": "y", "line": 3, "value": "abc"}


def test_add_point_grows_the_classes():
    points = toy_data.add_point(toy_data.empty_points(), 0.5, -0.5, 4)
    assert len(points) == 1 and points.n_classes == 5 and points.points.tolist() == [[0.5, -0.5]]

"""The page's preprocessing on the 2,000 held-out digits drawn as on the 280×280 canvas."""

from __future__ import annotations

import numpy as np
import pytest

from core.drawn_digits import LARGEST, SMALLEST, accuracy, drawn_tensors, render_as_drawing
from core.models import load_shipped
from core.preprocess import bounding_box, canvas_ink


def test_a_rendered_digit_looks_like_a_canvas_drawing(split):
    rng = np.random.default_rng(5)
    for image in split.test_images[:20]:
        rgba = render_as_drawing(image, rng)
        assert rgba.shape == (280, 280, 4) and rgba.dtype == np.uint8
        assert (rgba[..., 3] == 255).all()
        ink = canvas_ink(rgba)
        assert ink.max() == pytest.approx(1.0, abs=0.01)  # solid strokes
        edges = ((ink > 0.05) & (ink < 0.95)).sum()
        assert 0 < edges < (ink > 0.95).sum()  # anti-aliased edges, thinner than the stroke
        top, left, bottom, right = bounding_box(ink)
        assert SMALLEST - 4 <= max(bottom - top, right - left) <= LARGEST + 4


def test_the_cnn_reads_at_least_97_percent_of_the_drawn_held_out_digits(split):
    tensors, blanks = drawn_tensors(split.test_images, seed=0)
    assert len(tensors) == 2000 and blanks == 0
    assert tensors.min() >= 0.0 and tensors.max() <= 1.0
    assert accuracy(load_shipped("cnn"), tensors, split.test_labels) >= 0.97

"""Held-out digits as they would arrive from the 280×280 canvas, and how well a model reads them.

A digit is cut to its bounding box, scaled up so its longer side is 120–250 pixels, turned into a
solid stroke with anti-aliased edges (black on white, like the canvas), and put at a random place
on the canvas. Running these through the page's preprocessing measures what each step is worth.
"""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image
from torch import nn

from core.data import DigitSplit
from core.preprocess import ALL_STEPS, Preprocessed, Steps, bounding_box, preprocess_drawing

CANVAS = 280
SMALLEST, LARGEST = 120, 250  # the longer side of a drawn digit, in canvas pixels
EDGE_LOW, EDGE_HIGH = 0.25, 0.55  # grey levels mapped to the stroke's anti-aliased edge


def render_as_drawing(image: np.ndarray, rng: np.random.Generator, canvas: int = CANVAS) -> np.ndarray:
    """One 28×28 digit in [0, 1] as an RGBA canvas drawing: scaled up, solid anti-aliased strokes."""
    box = bounding_box(image)
    if box is None:
        return np.full((canvas, canvas, 4), 255, dtype=np.uint8)
    top, left, bottom, right = box
    crop = image[top:bottom, left:right].astype(np.float32)
    longer = int(rng.integers(SMALLEST, LARGEST + 1))
    scale = longer / max(crop.shape)
    height, width = max(1, round(crop.shape[0] * scale)), max(1, round(crop.shape[1] * scale))
    big = np.asarray(Image.fromarray(crop).resize((width, height), Image.Resampling.BICUBIC), dtype=np.float32)
    stroke = np.clip((big - EDGE_LOW) / (EDGE_HIGH - EDGE_LOW), 0.0, 1.0)
    ink = np.zeros((canvas, canvas), dtype=np.float32)
    row = int(rng.integers(0, canvas - height + 1))
    col = int(rng.integers(0, canvas - width + 1))
    ink[row : row + height, col : col + width] = stroke
    grey = np.uint8(np.rint(255 * (1.0 - ink)))
    rgba = np.empty((canvas, canvas, 4), dtype=np.uint8)
    rgba[..., :3] = grey[..., None]
    rgba[..., 3] = 255
    return rgba


def drawn_tensors(images: np.ndarray, steps: Steps = ALL_STEPS, seed: int = 0) -> tuple[np.ndarray, int]:
    """The model inputs of every digit drawn and preprocessed; blank results become zeros.

    Returns the (N, 28, 28) inputs and how many came out blank.
    """
    rng = np.random.default_rng(seed)
    tensors = np.zeros((len(images), 28, 28), dtype=np.float32)
    blanks = 0
    for index, image in enumerate(images):
        result: Preprocessed = preprocess_drawing(render_as_drawing(image, rng), steps)
        if result.blank:
            blanks += 1
        else:
            tensors[index] = result.tensor
    return tensors, blanks


@torch.no_grad()
def accuracy(model: nn.Module, tensors: np.ndarray, labels: np.ndarray, batch_size: int = 500) -> float:
    """Share of inputs the model classifies as their label (batched)."""
    x = torch.as_tensor(tensors).reshape(-1, 1, 28, 28)
    predicted = torch.cat([model(chunk).argmax(dim=1) for chunk in x.split(batch_size)]).numpy()
    return float((predicted == np.asarray(labels)).mean())


def drawn_accuracy(model: nn.Module, split: DigitSplit, steps: Steps = ALL_STEPS, count: int = 300,
                   seed: int = 0) -> float:
    """Accuracy on the first `count` held-out digits drawn on the canvas and preprocessed with `steps`."""
    tensors, _ = drawn_tensors(split.test_images[:count], steps, seed)
    return accuracy(model, tensors, split.test_labels[:count])

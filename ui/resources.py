"""Read-only resources shared by every session: cached once per process, never mutated."""

from __future__ import annotations

import numpy as np
import streamlit as st
from torch import nn

from core.data import DigitSplit, bundled_split
from core.models import load_shipped


@st.cache_resource(show_spinner=False)
def shipped_model(key: str) -> nn.Module:
    """A shipped model in eval() mode with frozen parameters; shared, so never modify it."""
    return load_shipped(key)


@st.cache_resource(show_spinner=False)
def digit_split() -> DigitSplit:
    """The bundled 8,000 / 2,000 split, with read-only arrays."""
    split = bundled_split()
    for array in (split.train_images, split.train_labels, split.test_images, split.test_labels):
        array.setflags(write=False)
    return split


def held_out_digit(index: int) -> tuple[np.ndarray, int]:
    split = digit_split()
    return split.test_images[index], int(split.test_labels[index])

"""What one student's session carries from page to page (st.session_state, never shared).

- the current digit: set by the drawing page (drawn, uploaded or sampled), read by the attack
  and forward/backward pages;
- the playground network: set by the playground page, read by the forward/backward and
  drawing pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from torch import nn

CURRENT_DIGIT_KEY = "current_digit"
PLAYGROUND_NETWORK_KEY = "playground_network"


@dataclass
class CurrentDigit:
    """A 28×28 float32 image in [0, 1] (white ink on black), as the models see it."""

    image: np.ndarray
    source: str  # "drawing", "upload" or "held_out"
    label: int | None = None  # the true class when known (held-out digits)
    held_out_index: int | None = None


@dataclass
class PlaygroundNetwork:
    """The network a student trained on the playground, with what is needed to reuse it."""

    model: nn.Module  # a core.models.MLP, owned by this session
    dataset: str  # e.g. "digits", "fashion-mnist", "xor", "spiral"
    input_size: int  # 784 for digit sets, 2 for the 2-D sets
    classes: list[str] = field(default_factory=list)
    loss: str = "cross_entropy"  # "cross_entropy", "bce" or "squared_error"
    epochs_trained: int = 0

    @property
    def is_digit_model(self) -> bool:
        return self.input_size == 784 and self.dataset in ("digits", "mnist")


def set_current_digit(digit: CurrentDigit) -> None:
    image = np.asarray(digit.image, dtype=np.float32)
    if image.shape != (28, 28) or not np.isfinite(image).all() or image.min() < 0 or image.max() > 1:
        raise ValueError("the current digit must be a finite 28×28 image in [0, 1]")
    digit.image = image
    st.session_state[CURRENT_DIGIT_KEY] = digit


def current_digit() -> CurrentDigit | None:
    return st.session_state.get(CURRENT_DIGIT_KEY)


def set_playground_network(network: PlaygroundNetwork) -> None:
    st.session_state[PLAYGROUND_NETWORK_KEY] = network


def playground_network() -> PlaygroundNetwork | None:
    return st.session_state.get(PLAYGROUND_NETWORK_KEY)

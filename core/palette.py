"""Colours every figure shares: the Okabe–Ito set, distinguishable with every common colour-vision deficiency."""

BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
ORANGE = "#E69F00"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#7F7F7F"
BROWN = "#8C564B"

SERIES = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK, BROWN)
"""Lines and markers of several series, in the order they are assigned."""

CLASSES = (ORANGE, BLUE, GREEN, VERMILLION, PURPLE, SKY, BLACK, BROWN, GREY, YELLOW)
"""Ten classes; the first two are the playground's two-class orange and blue."""

POSITIVE = BLUE
NEGATIVE = ORANGE
NEAR_ZERO = "#f4f4f4"
SIGNED = [[0.0, NEGATIVE], [0.5, NEAR_ZERO], [1.0, POSITIVE]]
"""The app's one colour code for a signed number (a weight, its gradient, δ): orange below 0, blue above."""


def sign_legend_traces(positive: str, negative: str) -> list[dict]:
    """Two legend entries, drawn nowhere, that name the sign colours of a network's edges."""
    return [
        {"type": "scatter", "x": [None], "y": [None], "mode": "lines", "name": name, "showlegend": True,
         "hoverinfo": "skip", "line": {"color": colour, "width": 4}}
        for name, colour in ((positive, POSITIVE), (negative, NEGATIVE))
    ]

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

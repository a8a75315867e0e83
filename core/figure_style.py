"""Lecture styling of a finished Plotly figure: larger type, thicker lines, taller plots, for a hall's back row."""

from __future__ import annotations

import plotly.graph_objects as go

TEXT_SCALE = 1.3
LINE_SCALE = 1.6
HEIGHT_SCALE = 1.2
BASE_FONT = 12
MIN_LINE = 2.0


def for_lecture(figure: go.Figure) -> go.Figure:
    """A copy of figure restyled for projection; the original (possibly cached and shared) is left as it is."""
    styled = go.Figure(figure)
    layout = styled.layout
    layout.font.size = round((layout.font.size or BASE_FONT) * TEXT_SCALE)
    if layout.title.font.size:
        layout.title.font.size = round(layout.title.font.size * TEXT_SCALE)
    if layout.height:
        layout.height = round(layout.height * HEIGHT_SCALE)
    for annotation in layout.annotations:
        if annotation.font.size:
            annotation.font.size = round(annotation.font.size * TEXT_SCALE)
    styled.for_each_trace(_thicken)
    return styled


def _thicken(trace) -> None:
    """Scatter lines get thicker (never thinner than MIN_LINE·LINE_SCALE); other traces are left alone."""
    if trace.type not in ("scatter", "scattergl"):
        return
    mode = trace.mode or "lines"
    if "lines" in mode and trace.line.width != 0:
        trace.line.width = max(trace.line.width or MIN_LINE, MIN_LINE) * LINE_SCALE

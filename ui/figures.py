"""Every figure reaches the page through show_figure, so lecture mode restyles them all in one place."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from core.figure_style import for_lecture
from ui.app_settings import lecture_mode


def show_figure(figure: go.Figure, **options):
    """st.plotly_chart(figure, **options), styled for projection in lecture mode; returns its selection state."""
    if lecture_mode():
        figure = for_lecture(figure)
    options.setdefault("width", "stretch")
    return st.plotly_chart(figure, **options)


class LaterFigures:
    """Figures placed on the page now, built and sent after everything else in the run.

    The text and widgets around them reach the browser first and are painted while the figures
    are computed, instead of waiting behind the Plotly work (a live prediction shows at once).
    """

    def __init__(self) -> None:
        self._pending: list[tuple[object, Callable[[], go.Figure], dict]] = []

    def place(self, build: Callable[[], go.Figure], **options) -> None:
        """Reserve the figure's place here; `build` runs in send()."""
        self._pending.append((st.container(), build, options))

    def send(self) -> None:
        """Build every placed figure, then send them all."""
        built = [(slot, build(), options) for slot, build, options in self._pending]
        self._pending.clear()
        for slot, figure, options in built:
            with slot:
                show_figure(figure, **options)

"""Every figure reaches the page through show_figure, so lecture mode restyles them all in one place."""

from __future__ import annotations

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

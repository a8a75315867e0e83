"""Every figure reaches the page through show_figure, so lecture mode restyles them all in one place."""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from core import i18n
from core.figure_style import for_lecture
from ui.app_settings import lecture_mode
from ui.i18n import current_language, t
from ui.live_chart import live_chart

MODEBAR_KEYS = (
    "zoom", "pan", "box_select", "lasso_select", "zoom_in", "zoom_out", "autoscale", "reset_axes", "download_png",
    "download", "spikes", "closest", "compare", "orbit", "turntable", "reset_camera", "reset_camera_last",
    "reset_view", "double_click", "snapshot_taking", "snapshot_ok", "snapshot_failed",
)


def styled_figure(figure: go.Figure) -> go.Figure:
    """The figure restyled for projection in lecture mode (a copy), else the figure itself."""
    return for_lecture(figure) if lecture_mode() else figure


def figure_config(config: dict | None = None) -> dict:
    """Plotly config with its tool-bar tooltips and messages in the session's language."""
    return {**(config or {}), **plotly_locale(current_language())}


def show_figure(figure: go.Figure, *, live: bool = False, **options):
    """st.plotly_chart(figure, **options), styled for projection in lecture mode, with Plotly's own tooltips in
    the session's language; returns its selection state.

    A live figure (one that changes many times in a row: a view while training, a map under a slider)
    goes to a chart that stays mounted and redraws only what changed (ui.live_chart); it needs a key,
    and its on_click callback reads the clicked point with ui.live_chart.clicked_point(key).
    """
    figure = styled_figure(figure)
    config = figure_config(options.get("config"))
    if live:
        return live_chart(figure, key=options["key"], config=config, problem=t("figure.draw_failed"),
                          on_click=options.get("on_click"))
    options.setdefault("width", "stretch")
    options["config"] = config
    return st.plotly_chart(figure, **options)


def plotly_locale(language: str) -> dict:
    """Plotly config that puts its tool-bar tooltips and messages into language (nothing for English)."""
    if language == i18n.DEFAULT_LANGUAGE:
        return {}
    english, own = i18n.DEFAULT_LANGUAGE, language
    dictionary = {
        i18n.translate(english, f"figure.modebar.{key}"): i18n.translate(own, f"figure.modebar.{key}")
        for key in MODEBAR_KEYS
    }
    return {"locale": language, "locales": {language: {"dictionary": dictionary}}}


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

"""A Plotly chart that stays mounted in the browser and redraws only what changed.

st.plotly_chart gives a changed figure a new identity, so the browser builds the chart from
scratch (and then a second time, when it applies the app's theme) on every change. A view that
changes many times a second (the playground while it trains, the descent map under a slider)
goes through this component instead: one frame, mounted once, that applies each new figure
with Plotly.react. The frame loads the plotly.js that ships with the plotly package (nothing is
fetched from the network) and gives the figure the same theme as the app's other charts
(streamlit_template.json, the template Streamlit applies to a chart in this app's light theme).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v1 as components

FRONTEND = Path(__file__).resolve().parent / "live_chart_frontend"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data"

_chart = components.declare_component("live_chart", path=str(FRONTEND))
# Serves plotly.min.js from the installed package to the frame (index.html loads it by this name).
components.declare_component("plotly_js", path=str(PLOTLY_JS))

DEFAULT_HEIGHT = 450


def figure_payload(figure: go.Figure) -> bytes:
    """The figure as the frame reads it: data, layout without its template, frames; NumPy arrays as typed arrays."""
    spec = figure.to_plotly_json()
    layout = {key: value for key, value in spec.get("layout", {}).items() if key != "template"}
    return pio.json.to_json_plotly({"data": spec.get("data", []), "layout": layout,
                                    "frames": spec.get("frames", [])}).encode()


def live_chart(figure: go.Figure, *, key: str, config: dict | None = None, problem: str = "",
               on_click: Callable[[], None] | None = None) -> dict | None:
    """Draw figure in the chart mounted under key; returns the last click ({x, y, curve, index, at}) or None."""
    payload = figure_payload(figure)
    return _chart(
        figure=payload,
        # The browser passes a new figure on only when a JSON argument changes, never for bytes alone.
        revision=hashlib.blake2b(payload, digest_size=12).hexdigest(),
        height=figure.layout.height or DEFAULT_HEIGHT,
        config=config or {},
        clicks=on_click is not None,
        problem=problem,
        key=key,
        on_change=on_click,
        default=None,
    )

"""A Plotly chart that stays mounted in the browser and redraws only what changed.

st.plotly_chart gives a changed figure a new identity, so the browser builds the chart from
scratch (and then a second time, when it applies the app's theme) on every change. A view that
changes many times a second (the playground while it trains, the descent map under a slider) goes
through this component instead: one chart, mounted once in the page itself,
that applies each new figure with Plotly.react (live_chart_frontend/live_chart.js). The page loads
the plotly.js that ships with the plotly package, once, from the app's own server (nothing is
fetched from the network), and the figure gets the same theme as the app's other charts
(live_chart_frontend/streamlit_template.json: the template Streamlit applies to a chart in this
app's light theme).
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections.abc import Callable
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1
import streamlit.components.v2 as components_v2

FRONTEND = Path(__file__).resolve().parent / "live_chart_frontend"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data"
COMPONENT = "live_chart"
DEFAULT_HEIGHT = 450

# The two folders are served by the app's server under /component/ui.live_chart.<name>/ (static files only).
components_v1.declare_component("plotly_js", path=str(PLOTLY_JS))
components_v1.declare_component("live_chart_assets", path=str(FRONTEND))
_chart = components_v2.component(COMPONENT, js=(FRONTEND / "live_chart.js").read_text(encoding="utf-8"),
                                 isolate_styles=False)


def asset_url(folder: str, file: str) -> str:
    """Where the app's server serves a file of one of the folders above."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/component/{__name__}.{folder}/{file}"


def figure_payload(figure: go.Figure) -> bytes:
    """The figure as the chart reads it: data, layout without its template, frames; NumPy arrays as typed arrays."""
    spec = figure.to_plotly_json()
    layout = {key: value for key, value in spec.get("layout", {}).items() if key != "template"}
    return pio.json.to_json_plotly({"data": spec.get("data", []), "layout": layout,
                                    "frames": spec.get("frames", [])}).encode()


_payloads: dict[int, tuple[bytes, str]] = {}


def payload_and_revision(figure: go.Figure) -> tuple[bytes, str]:
    """figure_payload and its digest, computed once for as long as the figure lives.

    A figure cached by a page (st.cache_resource, shared read-only) is serialized once, not on every
    run that shows it; the entry goes when the figure is garbage-collected.
    """
    key = id(figure)
    known = _payloads.get(key)
    if known is None:
        payload = figure_payload(figure)
        known = payload, hashlib.blake2b(payload, digest_size=12).hexdigest()
        _payloads[key] = known
        weakref.finalize(figure, _payloads.pop, key, None)
    return known


def chart_message(figure: go.Figure, key: str, config: dict, problem: str, clicks: bool) -> bytes:
    """What the browser gets: a revision first (a chart skips a figure it already shows), then the rest."""
    payload, figure_revision = payload_and_revision(figure)
    settings = {"key": key, "height": figure.layout.height or DEFAULT_HEIGHT, "config": config, "problem": problem,
                "clicks": clicks, "plotly": asset_url("plotly_js", "plotly.min.js"),
                "template": asset_url("live_chart_assets", "streamlit_template.json")}
    settings_text = json.dumps(settings, ensure_ascii=False)
    revision = f"{figure_revision}-{hashlib.blake2b(settings_text.encode(), digest_size=6).hexdigest()}"
    return (f'{{"revision": "{revision}", "settings": ' + settings_text + ', "figure": ').encode() + payload + b"}"


def live_chart(figure: go.Figure, *, key: str, config: dict | None = None, problem: str = "",
               on_click: Callable[[], None] | None = None):
    """Draw figure in the chart mounted under key. With on_click, a click on a point calls it, and
    clicked_point(key) gives that point."""
    message = chart_message(figure, key, config or {}, problem, on_click is not None)
    callbacks = {"on_click_change": on_click} if on_click is not None else {}
    return _chart(key=key, data=message, **callbacks)


def clicked_point(key: str) -> dict | None:
    """The point ({x, y, curve, index}) of the click that called a live chart's on_click, if any."""
    state = st.session_state.get(key)
    return None if state is None else state.get("click")

"""A view of figures and texts precomputed for every value of a slider, redrawn in the browser as the slider moves.

The slider is an ordinary st.slider with on_change="ignore": moving it runs no script, and Streamlit
sends its value with the next run that happens for another reason, so the server learns the value in
view then. The view (sweep_view_frontend/sweep_view.js) watches that slider in the page and, for each
value, applies the value's patch to each figure (Plotly.react) and shows the value's texts (as text,
never as HTML); a second slider can restyle the opacity of chosen traces. The view that publishes a
slider writes its value into the page's URL (history.replaceState) and into the sidebar's "Share this
view" box, as the page's own link would carry it.

A figure travels once, at the slider's first value, with one patch per value
(core.attack_figures.figure_patch), its arrays as typed arrays; plotly.js and the chart template are
the live chart's, served by the app's own server. The view's data only changes with its inputs, so a
run for another reason sends it again as Streamlit's cached message, not in full. In the browser each
figure keeps two more plots, hidden, drawn at the values next to the one in view while the page is
idle: a step of the slider then only shows a plot already drawn.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import streamlit.components.v2 as components_v2
from _plotly_utils.utils import convert_to_base64

from core.attack_figures import figure_patch
from core.url_state import Param
from ui.figures import figure_config, styled_figure
from ui.i18n import t
from ui.live_chart import asset_url, figure_payload
from ui.page_url import SHARE_BOX_KEY

FRONTEND = Path(__file__).resolve().parent / "sweep_view_frontend"
COMPONENT = "sweep_view"

_view = components_v2.component(COMPONENT, js=(FRONTEND / "sweep_view.js").read_text(encoding="utf-8"),
                                css=(FRONTEND / "sweep_view.css").read_text(encoding="utf-8"), isolate_styles=False)


@dataclass(frozen=True)
class FollowedSlider:
    """An st.slider (by its key, on_change="ignore") whose value a view follows; with `param`, the view writes
    the value into the URL under that parameter."""

    key: str
    values: Sequence[float]  # every value the slider offers, in order
    param: Param | None = None

    def message(self) -> dict:
        follow = {"slider": self.key, "values": [float(value) for value in self.values]}
        if self.param is not None:
            follow["param"] = self.param.key
            follow["query"] = [None if value == self.param.default else self.param.to_text(value)
                               for value in self.values]
        return follow


@dataclass(frozen=True)
class SweepChart:
    """A figure and, for every value of the main slider, the patch that turns it into that value's figure."""

    key: str
    figure: go.Figure
    patches: Sequence[dict]
    opacity_traces: tuple[int, ...] = ()  # traces whose opacity follows the view's opacity slider


@dataclass(frozen=True)
class SweepText:
    """A text for every value of the main slider ('' hides it), shown as `style` (heading, caption, info or
    warning); a heading may carry a badge for every value: (text, "good" or "bad")."""

    key: str
    values: Sequence[str]
    style: str = "caption"
    badges: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class SweepRow:
    """Items side by side with relative widths (one item takes the whole width); narrow screens stack them."""

    items: Sequence[SweepChart | SweepText]
    widths: Sequence[float] = field(default=())


def chart_item(chart: SweepChart) -> dict:
    figure = styled_figure(chart.figure)
    patches = copy.deepcopy(list(chart.patches))
    for patch in patches:
        convert_to_base64(patch)
    return {"kind": "chart", "key": chart.key, "height": figure.layout.height,
            "figure": json.loads(figure_payload(figure)), "patches": patches,
            "opacity_traces": list(chart.opacity_traces)}


def text_item(text: SweepText) -> dict:
    return {"kind": "text", "key": text.key, "style": text.style, "values": list(text.values),
            "badges": [list(badge) for badge in text.badges]}


def view_message(key: str, rows: Sequence[SweepRow], main: FollowedSlider,
                 opacity: FollowedSlider | None = None) -> bytes:
    """What the browser gets: a revision first (a view skips data it already shows), then the view.

    Nothing in it depends on the slider's value in view, so a run after the slider moved sends the same
    message (Streamlit then sends a reference to it, not the message again).
    """
    view = {
        "key": key, "main": main.message(), "opacity": opacity.message() if opacity is not None else None,
        "plotly": asset_url("plotly_js", "plotly.min.js"),
        "template": asset_url("live_chart_assets", "streamlit_template.json"),
        "config": figure_config(), "problem": t("figure.draw_failed"), "share_box": SHARE_BOX_KEY,
        "rows": [{"widths": list(row.widths) or [1] * len(row.items),
                  "items": [chart_item(item) if isinstance(item, SweepChart) else text_item(item)
                            for item in row.items]}
                 for row in rows],
    }
    text = pio.json.to_json_plotly(view).encode()
    revision = hashlib.blake2b(text, digest_size=12).hexdigest()
    return f'{{"revision": "{revision}", "view": '.encode() + text + b"}"


def mount_view(key: str, message: bytes) -> None:
    """Show a view_message under key."""
    _view(key=key, data=message)


def chart_from_specs(key: str, specs: Sequence[dict], opacity_traces: tuple[int, ...] = ()) -> SweepChart:
    """A chart from the figure spec at every value: the first in full, every value as a patch of it."""
    base = specs[0]
    return SweepChart(key, go.Figure(base), [figure_patch(base, spec) for spec in specs], opacity_traces)

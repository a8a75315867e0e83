"""The live chart's message: the figure without its template, a revision that names it, one serialization per figure."""

from __future__ import annotations

import gc
import json

import numpy as np
import plotly.graph_objects as go

from ui import live_chart


def scatter(y: list[float]) -> go.Figure:
    return go.Figure(go.Scatter(x=np.arange(len(y)), y=np.array(y)), layout={"height": 321, "title": {"text": "t"}})


def message(figure: go.Figure, **settings) -> dict:
    options = {"key": "k", "config": {}, "problem": "could not draw", "clicks": False, **settings}
    return json.loads(live_chart.chart_message(figure, **options))


def test_message_carries_the_figure_without_its_template_and_the_chart_settings():
    sent = message(scatter([1.0, 2.0, 4.0]), key="curves", clicks=True)
    assert list(sent) == ["revision", "settings", "figure"]
    assert "template" not in sent["figure"]["layout"]
    assert sent["figure"]["layout"]["title"]["text"] == "t"
    assert sent["figure"]["data"][0]["y"]["dtype"] == "f8"  # NumPy arrays travel as typed arrays
    settings = sent["settings"]
    assert settings["key"] == "curves" and settings["height"] == 321 and settings["clicks"] is True
    assert settings["plotly"].endswith("/component/ui.live_chart.plotly_js/plotly.min.js")
    assert settings["template"].endswith("/component/ui.live_chart.live_chart_assets/streamlit_template.json")


def test_the_files_the_chart_loads_are_where_the_server_serves_them():
    assert (live_chart.PLOTLY_JS / "plotly.min.js").is_file()
    template = json.loads((live_chart.FRONTEND / "streamlit_template.json").read_text())
    assert template["layout"]["font"]["family"].startswith('"Source Sans"')


def test_revision_changes_with_the_figure_and_with_the_settings_only():
    first, same = message(scatter([1.0, 2.0])), message(scatter([1.0, 2.0]))
    assert first["revision"] == same["revision"]
    assert message(scatter([1.0, 3.0]))["revision"] != first["revision"]
    assert message(scatter([1.0, 2.0]), config={"locale": "he"})["revision"] != first["revision"]


def test_a_figure_is_serialized_once_while_it_lives():
    figure = scatter([5.0, 6.0])
    payload, _ = live_chart.payload_and_revision(figure)
    assert live_chart.payload_and_revision(figure)[0] is payload
    key = id(figure)
    assert key in live_chart._payloads
    del figure
    gc.collect()
    assert key not in live_chart._payloads

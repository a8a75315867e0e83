"""AppTest helpers: run a page through app.py so the shared sidebar and navigation run too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60


def run_page(page_path: str, session_state: dict | None = None) -> AppTest:
    """Run app.py, switch to page_path, and return the AppTest after the first run."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in (session_state or {}).items():
        app.session_state[key] = value
    app.run()
    if page_path != "pages/home.py":
        app.switch_page(page_path)
        app.run()
    return app


LIVE_CHART = "live_chart"


def live_charts(app: AppTest) -> list:
    """The page's live charts (ui/live_chart.py), in page order."""
    return [node for node in app.get("bidi_component") if node.proto.component_name == LIVE_CHART]


def live_message(node) -> dict:
    """What a live chart was sent: {"revision", "settings": {"key", "height", ...}, "figure"}."""
    return json.loads(node.proto.bytes)


def live_figure(node) -> dict:
    """The figure a live chart was given: {"data", "layout", "frames"}."""
    return live_message(node)["figure"]


def figures(app: AppTest) -> list[dict]:
    """Every figure on the page, plain st.plotly_chart ones first, then live charts."""
    return [json.loads(node.proto.spec) for node in app.get("plotly_chart")] + [
        live_figure(node) for node in live_charts(app)
    ]


def figure_keys(app: AppTest) -> set[str]:
    """The keys of every figure on the page, plain and live."""
    return {node.key for node in app.get("plotly_chart")} | {
        live_message(node)["settings"]["key"] for node in live_charts(app)
    }


def assert_clean(app: AppTest) -> None:
    """No exception element and no error box on the page."""
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def run_clean_page(page_path: str) -> AppTest:
    """Run a page and check it opened without an exception or error box."""
    app = run_page(page_path)
    assert_clean(app)
    return app


@pytest.fixture
def page_runner():
    return run_page

"""Every string a page shows comes from the catalog: a page run with every catalog text marked shows no
unmarked word — in labels, help, options, messages, metrics, tabs, and its figures' titles, axes, legends
and hover labels."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.runtime.state.common import TESTING_KEY

from core import i18n
from tests.app.conftest import LIVE_CHART, assert_clean, live_figure, run_page
from tests.unit.test_sweep_view import apply_patch

OPEN, CLOSE = "\u27ea", "\u27eb"
TEXT_ELEMENTS = {"title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info",
                 "success", "toast"}
WIDGET_FIELDS = ("label", "help", "placeholder", "options")
NOT_WORDS = [
    re.compile(r"\$\$.*?\$\$", re.S),  # display formulas
    re.compile(r"\$[^$]*\$"),  # inline formulas
    re.compile(r"`[^`]*`"),  # code
    re.compile(r"%\{[^}]*\}"),  # Plotly hover fields
    re.compile(r"<[^>]*>"),  # HTML tags in figure text
    re.compile(r"https?://\S+"),
    re.compile(r":material/[a-z_]+:"),  # icons
    re.compile(r":[a-z]+(-badge|-background)?\["),  # Streamlit colour directives
]
WORD = re.compile(r"[A-Za-z]{3,}")
SWEEP_VIEW = "sweep_view"


def marked_translate(original):
    def translate(language: str, key: str, **params: object) -> str:
        return OPEN + original(language, key, **params) + CLOSE

    return translate


def unmarked(text: str) -> str:
    """What is left of text once every catalog string, formula, code span and markup is taken out."""
    previous = None
    while previous != text:
        previous, text = text, re.sub(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}", " ", text)
    for pattern in NOT_WORDS:
        text = pattern.sub(" ", text)
    return text


def nodes(block) -> Iterator:
    for child in getattr(block, "children", {}).values():
        yield child
        yield from nodes(child)


def figure_texts(spec: dict) -> Iterator[str]:
    """Titles, axis titles, annotations, legend names, hover templates and button labels of one figure."""
    layout = spec.get("layout", {})
    traces = list(spec.get("data", []))
    for frame in spec.get("frames", []):
        traces.extend(frame.get("data", []))
    yield from _titles(layout)
    for annotation in layout.get("annotations", []):
        yield str(annotation.get("text", ""))
    for menu in layout.get("updatemenus", []) + layout.get("sliders", []):
        for item in menu.get("buttons", []) + menu.get("steps", []):
            yield str(item.get("label", ""))
        yield str(menu.get("currentvalue", {}).get("prefix", ""))
    for trace in traces:
        for field in ("name", "hovertemplate", "legendgrouptitle"):
            value = trace.get(field)
            yield value.get("text", "") if isinstance(value, dict) else str(value or "")
        yield from _titles(trace)


def _titles(node) -> Iterator[str]:
    """Every title text below node (layout, axes, colour bars)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "title":
                yield value.get("text", "") if isinstance(value, dict) else str(value)
            elif key not in ("data", "frames"):
                yield from _titles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _titles(value)


def shown_texts(app) -> Iterator[tuple[str, str]]:
    """(where, text) for every text the page shows."""
    for root in (app.main, app.sidebar):
        for node in nodes(root):
            kind = getattr(node, "type", "")
            if kind in TEXT_ELEMENTS or kind in ("tab", "expander"):
                field = "label" if kind in ("tab", "expander") else "value"
                yield kind, str(getattr(node, field, "") or "")
                continue
            if kind == "plotly_chart":
                for text in figure_texts(json.loads(node.proto.spec)):
                    yield "figure", text
                continue
            if kind == "bidi_component" and node.proto.component_name == LIVE_CHART:
                for text in figure_texts(live_figure(node)):
                    yield "figure", text
                continue
            if kind == "bidi_component" and node.proto.component_name == SWEEP_VIEW:
                yield from sweep_view_texts(json.loads(node.proto.bytes)["view"])
                continue
            for field in WIDGET_FIELDS:
                try:
                    value = getattr(node, field, None)
                except Exception:
                    continue
                for text in value if isinstance(value, list | tuple) else [value]:
                    if isinstance(text, str):
                        yield f"{kind}.{field}", text


def sweep_view_texts(view: dict) -> Iterator[tuple[str, str]]:
    """Every text of a sweep view (ui/sweep_view.py) at every value of its slider, its figures' included."""
    for row in view["rows"]:
        for item in row["items"]:
            if item["kind"] == "text":
                for value in item["values"]:
                    yield "sweep_view", value
                for badge, _tone in item["badges"]:
                    yield "sweep_view", badge
                continue
            for patch in item["patches"]:
                for text in figure_texts(apply_patch(item["figure"], patch)):
                    yield "figure", text


def bypasses(app) -> str:
    """A report of every shown text with words outside the catalog ('' when there are none)."""
    own_names = {i18n.language_name(code) for code in i18n.available_languages()}  # each catalog's "_meta.name"
    found = {
        f"{where}: {text!r}"
        for where, text in shown_texts(app)
        if text not in own_names and WORD.search(unmarked(text))
    }
    return "\n".join(sorted(found))


PAGES = ["pages/home.py", "pages/playground.py", "pages/backprop.py", "pages/descent.py", "pages/draw.py",
         "pages/attack.py"]


@pytest.fixture
def marked(monkeypatch):
    """Every catalog text marked; what the server cached for every session (texts included) built again."""
    monkeypatch.setattr(i18n, "translate", marked_translate(i18n.translate))
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_shows_no_text_that_bypasses_the_catalog(marked, page):
    app = run_page(page)
    assert_clean(app)
    assert list(shown_texts(app)), "the walk found no text at all"
    assert bypasses(app) == ""


@pytest.mark.parametrize("tab", ["explain", "curves", "defences"])
def test_every_attack_tab_shows_only_catalog_text(marked, tab):
    app = run_page("pages/attack.py", {"attack_tab": tab})
    assert_clean(app)
    assert bypasses(app) == ""


def test_the_check_finds_a_hard_coded_string():
    assert WORD.search(unmarked(f"{OPEN}Learning rate{CLOSE} (log scale)"))
    assert not WORD.search(unmarked(f"{OPEN}Loss {OPEN}after{CLOSE}{CLOSE}: 0.25, $\\sigma(u)$, `torch.optim`"))


def choice_widgets(app) -> list[tuple[str, str, list]]:
    """(kind, key, values) of every keyed select box, radio and toggle the page shows now."""
    found = []
    for root in (app.main, app.sidebar):
        for node in nodes(root):
            kind, key = getattr(node, "type", ""), getattr(node, "key", None)
            if not key or key.startswith("$$"):
                continue
            if kind in ("selectbox", "radio"):
                found.append((kind, key, list(range(len(node.options)))))
            elif kind in ("toggle", "checkbox"):
                found.append((kind, key, [True, False]))
    return found


def choose(app, kind: str, key: str, value) -> None:
    """Set a select box or radio to the option at index value, or a toggle to value, and rerun."""
    widget = getattr(app, kind)(key=key)
    if kind in ("selectbox", "radio"):
        if value >= len(widget.options):
            raise ValueError(f"{key} has only {len(widget.options)} options now")
        widget.root.session_state[TESTING_KEY][widget.id] = str  # pick by the label the page shows
        widget.set_value(widget.options[value])
    else:
        widget.set_value(value)
    app.run()


@pytest.mark.parametrize("page", PAGES[1:])
def test_every_choice_on_a_page_shows_only_catalog_text(marked, page):
    app = run_page(page)
    report = set()
    for kind, key, values in choice_widgets(app):
        for value in values:
            try:
                choose(app, kind, key, value)
            except (KeyError, ValueError):
                break  # the widget went away after an earlier choice
            assert_clean(app)
            if found := bypasses(app):
                report.add(f"after {key}={value}:\n{found}")
    assert not report, "\n".join(sorted(report))

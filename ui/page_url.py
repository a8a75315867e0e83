"""A page's settings in the URL: read when a link is opened, written back after every run.

read_page_query parses a query this session did not write itself (a link just opened): bad and
unknown parameters are noted for the URL notice and the values wait for the page. app.py calls it
before any page runs (the home page has no settings of its own), and the page again through
restore_page_settings once its own defaults exist (its widgets pick the values up); the page
calls publish_page_settings at its end. A query without page settings (the sidebar's page links
drop them) brings back the settings this session last had on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from core.url_state import Problem, parse_query, to_query
from ui.app_settings import PROBLEMS_KEY, app_query_keys
from ui.i18n import t
from ui.page_params import Binding, page_bindings

PENDING_KEY = "_url_pending"
PUBLISHED_KEY = "_url_published"


def page_query() -> dict[str, str]:
    """The URL's parameters other than the app's own (language, lecture mode, Streamlit's)."""
    app_keys = app_query_keys()
    return {key: st.query_params.get(key, "") for key in st.query_params if key not in app_keys}


def published(page: str) -> dict[str, str] | None:
    return st.session_state.get(PUBLISHED_KEY, {}).get(page)


def read_page_query(page: str) -> None:
    """Parse a query for `page` that this session did not write; note bad ones, drop unknown keys.

    A query without any (a sidebar link back to the page) brings back what this session last wrote
    for the page: Streamlit forgets the values of widgets a page switch took off the screen. A query
    that differs from the last one written only by what the browser wrote itself for sliders that run
    nothing (their values in it are the values they send now) is this session's own as well.
    """
    query, last = page_query(), published(page)
    if query == last or not (query or last):
        return
    if last is not None and query == with_browser_values(page, last):
        st.session_state[PUBLISHED_KEY][page] = query
        return
    query = query or last
    bindings = page_bindings(page)
    known = {binding.key for binding in bindings}
    values, problems = parse_query(query, [binding.param for binding in bindings])
    if known & set(query):
        st.session_state[PENDING_KEY] = {page: values}
    note_problems(problems)
    for key in page_query():
        if key not in known:
            del st.query_params[key]


def with_browser_values(page: str, query: dict[str, str]) -> dict[str, str]:
    """query with the settings the browser writes (Binding.browser_writes) at the values their sliders send now."""
    expected = dict(query)
    for binding in page_bindings(page):
        if binding.browser_writes and binding.state_key in st.session_state:
            text = to_query({binding.key: st.session_state[binding.state_key]}, [binding.param]).get(binding.key)
            if text is None:
                expected.pop(binding.key, None)
            else:
                expected[binding.key] = text
    return expected


def note_problems(problems: list[Problem]) -> None:
    """Add problems to the URL notice (each parameter once)."""
    noted = list(st.session_state.get(PROBLEMS_KEY, []))
    noted += [problem for problem in problems if problem not in noted]
    st.session_state[PROBLEMS_KEY] = noted


def restore_page_settings(page: str, apply: Callable[[dict[str, Any]], None] | None = None) -> dict | None:
    """Put the settings of a link just opened into session state (absent ones at their defaults).

    Bindings with a session-state key are set here; `apply` gets every value to restore the rest
    and check those that depend on others. Returns the values, or None when there was no new link.
    """
    read_page_query(page)
    values = st.session_state.get(PENDING_KEY, {}).pop(page, None)
    if values is None:
        return None
    for binding in page_bindings(page):
        if binding.state_key is None:
            continue
        if values[binding.key] is None:
            st.session_state.pop(binding.state_key, None)
        else:
            st.session_state[binding.state_key] = values[binding.key]
    if apply is not None:
        apply(values)
    return values


def widget_values(bindings: tuple[Binding, ...]) -> dict[str, Any]:
    """The current value of every binding with a session-state key (its default when absent)."""
    return {
        binding.key: st.session_state.get(binding.state_key, binding.param.default)
        for binding in bindings
        if binding.state_key is not None
    }


def publish_page_settings(page: str, values: Mapping[str, Any] | None = None, skip: tuple[str, ...] = ()) -> None:
    """Write the page's settings into the URL: defaults and keys in `skip` left out, other keys removed.

    `values` adds to (or replaces) the widget values read from session state.
    """
    bindings = page_bindings(page)
    current = {**widget_values(bindings), **(values or {})}
    for key in skip:
        current.pop(key, None)
    wanted = to_query(current, [binding.param for binding in bindings])
    query = page_query()
    for key in query:
        if key not in wanted:
            del st.query_params[key]
    for key, text in wanted.items():
        if query.get(key) != text:
            st.query_params[key] = text
    st.session_state.setdefault(PUBLISHED_KEY, {})[page] = wanted


def current_link(url_path: str) -> str:
    """The full link of the current view: the page's address and every parameter in the URL."""
    base = st.context.url or f"/{url_path}"
    query = urlencode({key: st.query_params.get(key, "") for key in st.query_params})
    return f"{base}?{query}" if query else base


SHARE_BOX_KEY = "share_link"  # a view that changes the link in the browser (ui.sweep_view) finds the box by it


def share_link(url_path: str) -> None:
    """The sidebar's "Share this view": the current link in a code box with a copy button."""
    with st.popover(t("share.button"), icon=":material/link:", width="stretch"):
        st.caption(t("share.help"))
        with st.container(key=SHARE_BOX_KEY):
            st.code(current_link(url_path), language=None, wrap_lines=True)

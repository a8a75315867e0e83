"""The current session's language and the `t()` lookup every page uses for its text."""

from __future__ import annotations

import streamlit as st

from core import i18n

LANGUAGE_KEY = "language"


def current_language() -> str:
    return st.session_state.get(LANGUAGE_KEY, i18n.DEFAULT_LANGUAGE)


def t(key: str, **params: object) -> str:
    """The UI text for key in the session's language."""
    return i18n.translate(current_language(), key, **params)

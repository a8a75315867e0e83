"""Entry point: page setup, the shared sidebar, and navigation over the pages."""

import streamlit as st

from core import i18n
from ui.i18n import LANGUAGE_KEY, current_language, t
from ui.navigation import FEATURE_PAGES, HOME

st.set_page_config(page_title="Neural Network Explainer", page_icon="assets/icon.png", layout="wide")


def language_selector() -> None:
    languages = i18n.available_languages()
    if len(languages) > 1:
        st.sidebar.selectbox(t("sidebar.language"), languages, format_func=i18n.language_name, key=LANGUAGE_KEY)


def build_navigation() -> st.navigation:
    entries = [HOME, *FEATURE_PAGES]
    pages = [
        st.Page(entry.path, title=t(entry.title_key), icon=entry.icon, url_path=entry.url_path, default=entry is HOME)
        for entry in entries
    ]
    return st.navigation(pages)


if LANGUAGE_KEY not in st.session_state:
    st.session_state[LANGUAGE_KEY] = i18n.DEFAULT_LANGUAGE
language_selector()
navigation = build_navigation()
st.html(f'<div class="app-language" lang="{current_language()}" dir="{i18n.direction(current_language())}"></div>')
navigation.run()

"""Entry point: page setup, the shared sidebar, and navigation over the pages."""

import streamlit as st

from core import i18n
from ui.app_settings import (
    LECTURE_KEY,
    apply_direction,
    apply_lecture_style,
    lecture_requested_by_url,
    publish_to_url,
    restore_from_url,
    show_url_problems,
)
from ui.i18n import LANGUAGE_KEY, current_language, t
from ui.navigation import FEATURE_PAGES, HOME
from ui.page_url import read_page_query, share_link

st.set_page_config(
    page_title="Neural Network Explainer",
    page_icon="assets/icon.png",
    layout="wide",
    initial_sidebar_state="collapsed" if lecture_requested_by_url() else "auto",
)


def sidebar_settings() -> None:
    languages = i18n.available_languages()
    if len(languages) > 1:
        st.sidebar.selectbox(t("sidebar.language"), languages, format_func=i18n.language_name, key=LANGUAGE_KEY)
    st.sidebar.toggle(t("sidebar.lecture_mode"), key=LECTURE_KEY, help=t("sidebar.lecture_mode_help"))


def build_navigation() -> st.navigation:
    entries = [HOME, *FEATURE_PAGES]
    pages = [
        st.Page(entry.path, title=t(entry.title_key), icon=entry.icon, url_path=entry.url_path, default=entry is HOME)
        for entry in entries
    ]
    return st.navigation(pages)


restore_from_url()
sidebar_settings()
share_slot = st.sidebar.container()
navigation = build_navigation()
read_page_query(navigation.url_path)
publish_to_url()
apply_lecture_style()
apply_direction(current_language())
url_notice = st.container()
navigation.run()
with url_notice:
    show_url_problems()
with share_slot:
    share_link(navigation.url_path)

"""Home: what the app offers, and a link to every page."""

import streamlit as st

from core.models import SHIPPED_MODELS
from ui.i18n import t
from ui.navigation import FEATURE_PAGES

st.title(t("home.title"))
st.markdown(t("home.intro"))

if FEATURE_PAGES:
    columns = st.columns(min(3, len(FEATURE_PAGES)))
    for index, entry in enumerate(FEATURE_PAGES):
        with columns[index % len(columns)].container(border=True):
            st.page_link(entry.path, label=t(entry.title_key), icon=entry.icon)
            st.caption(t(entry.summary_key))
else:
    st.info(t("home.no_pages_yet"))

st.subheader(t("home.inside_title"))
st.markdown(t("home.inside_data"))
st.markdown("\n".join(f"- `{key}`: {t('model.' + key)}" for key in SHIPPED_MODELS))
st.caption(t("home.offline_note"))

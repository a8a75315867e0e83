"""Home: what the app offers, and a link to every page."""

import streamlit as st

from core.models import SHIPPED_MODELS
from core.scenes import SCENES
from ui.i18n import t
from ui.navigation import FEATURE_PAGES

PAGE_PATHS = {entry.url_path: entry.path for entry in FEATURE_PAGES}

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

st.subheader(t("home.scenes_title"))
st.caption(t("home.scenes_intro"))
scene_columns = st.columns(2)  # scene titles are long: two to a row keeps them whole
for index, scene in enumerate(SCENES):
    with scene_columns[index % len(scene_columns)].container(border=True):
        st.page_link(PAGE_PATHS[scene.page], label=t(scene.title_key), icon=scene.icon, query_params=scene.query)
        st.caption(t(scene.summary_key))

st.subheader(t("home.inside_title"))
st.markdown(t("home.inside_data"))
st.markdown("\n".join(f"- `{key}`: {t('model.' + key)}" for key in SHIPPED_MODELS))
st.caption(t("home.offline_note"))

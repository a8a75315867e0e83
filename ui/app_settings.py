"""App-wide settings that travel in the URL: the language (?lang=) and lecture mode (?lecture=1)."""

from __future__ import annotations

import streamlit as st

from core import i18n
from core.url_state import Param, Problem, parse_query, to_query
from ui.i18n import LANGUAGE_KEY, t

LECTURE_KEY = "lecture_mode"
RESTORED_KEY = "_app_url_restored"
PROBLEMS_KEY = "_app_url_problems"
STREAMLIT_KEYS = ("embed", "embed_options")

LECTURE_CSS = """
<style>
[data-testid="stMain"] { font-size: 1.25rem; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] label { font-size: 1.2rem !important; }
[data-testid="stMain"] h1 { font-size: 3.2rem !important; }
[data-testid="stMain"] h2, [data-testid="stMain"] h3 { font-size: 2.2rem !important; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-left: 2rem; padding-right: 2rem; }
[data-testid="stMainMenu"], [data-testid="stToolbarActions"], [data-testid="stAppDeployButton"] { display: none; }
</style>
"""

RTL_CSS = """
<style>
[dir="rtl"] { text-align: right; }
[dir="rtl"] .katex, [dir="rtl"] code, [dir="rtl"] pre, [dir="rtl"] .js-plotly-plot,
[dir="rtl"] [data-testid="stMetricValue"], [dir="rtl"] [data-baseweb="slider"],
[dir="rtl"] [data-testid="stSliderThumbValue"], [dir="rtl"] [data-testid="stSliderTickBar"],
[dir="rtl"] input[type="number"], [dir="rtl"] [data-testid="stDataFrame"], [dir="rtl"] canvas {
  direction: ltr; unicode-bidi: isolate;
}
[dir="rtl"] .katex-display, [dir="rtl"] pre { text-align: left; }
</style>
"""

DIRECTION_SCRIPT = """
<script>
for (const selector of ['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']) {{
  const element = window.parent.document.querySelector(selector) || document.querySelector(selector);
  if (element) {{ element.setAttribute("dir", "{direction}"); element.setAttribute("lang", "{language}"); }}
}}
</script>
<span class="app-language" lang="{language}" dir="{direction}"></span>
"""


def app_params() -> list[Param]:
    return [
        Param("lang", i18n.DEFAULT_LANGUAGE, "choice", options=tuple(i18n.available_languages())),
        Param("lecture", False, "bool"),
    ]


def app_query_keys() -> set[str]:
    """The URL keys the app itself uses on every page (the pages' own are in ui.page_params)."""
    return {*(param.key for param in app_params()), *STREAMLIT_KEYS}


def restore_from_url() -> None:
    """On a session's first run, take the language and lecture mode from the URL; note bad values.

    Other keys are the page's: ui.page_url reads them (and reports those no page knows).
    """
    if st.session_state.get(RESTORED_KEY):
        return
    query = {key: st.query_params.get(key, "") for key in st.query_params if key in app_query_keys()}
    values, problems = parse_query(query, app_params())
    st.session_state[LANGUAGE_KEY] = values["lang"]
    st.session_state[LECTURE_KEY] = values["lecture"]
    st.session_state[PROBLEMS_KEY] = problems
    st.session_state[RESTORED_KEY] = True


def publish_to_url() -> None:
    """Write the current app settings into the URL (a default is left out)."""
    values = {"lang": st.session_state.get(LANGUAGE_KEY), "lecture": st.session_state.get(LECTURE_KEY, False)}
    wanted = to_query(values, app_params())
    for param in app_params():
        if param.key in wanted and st.query_params.get(param.key) != wanted[param.key]:
            st.query_params[param.key] = wanted[param.key]
        elif param.key not in wanted and param.key in st.query_params:
            del st.query_params[param.key]


def show_url_problems() -> None:
    """A visible notice for every URL parameter that was ignored, until the student dismisses it."""
    problems: list[Problem] = st.session_state.get(PROBLEMS_KEY, [])
    if not problems:
        return
    lines = [t(f"url.problem_{problem.reason}", name=i18n.literal(problem.key)) for problem in problems]
    st.warning(t("url.problems_title") + "\n\n" + "\n".join(f"- {line}" for line in lines))
    if st.button(t("url.dismiss"), key="dismiss_url_problems"):
        st.session_state[PROBLEMS_KEY] = []
        st.rerun()


def lecture_mode() -> bool:
    return bool(st.session_state.get(LECTURE_KEY, False))


def lecture_requested_by_url() -> bool:
    """Whether the URL asks for lecture mode (read before the page is set up, to start with the sidebar closed)."""
    try:
        lecture = next(param for param in app_params() if param.key == "lecture")
        return bool(lecture.parse(st.query_params.get("lecture", "0")))
    except ValueError:
        return False


def apply_lecture_style() -> None:
    if lecture_mode():
        st.html(LECTURE_CSS)


def apply_direction(language: str) -> None:
    """Lay the main area and the sidebar out in the language's direction (formulas, code, numbers stay LTR)."""
    direction = i18n.direction(language)
    if direction == "rtl":
        st.html(RTL_CSS)
    st.html(DIRECTION_SCRIPT.format(direction=direction, language=language), unsafe_allow_javascript=True)

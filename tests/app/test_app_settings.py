"""Lecture mode and the language travel in the URL; a bad URL parameter gets a visible notice."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, assert_clean
from ui.app_settings import LECTURE_KEY

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def app_with_query(**query: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def warnings_text(app: AppTest) -> str:
    return " ".join(warning.value for warning in app.warning)


def test_lecture_flag_in_the_url_turns_lecture_mode_on():
    app = app_with_query(lecture="1")
    assert_clean(app)
    assert app.session_state[LECTURE_KEY] is True
    assert app.toggle(key=LECTURE_KEY).value is True
    assert not app.warning


def test_bad_and_unknown_parameters_fall_back_with_a_notice():
    app = app_with_query(lecture="banana", lang="xx", color="red")
    assert_clean(app)
    assert app.session_state[LECTURE_KEY] is False
    assert app.session_state["language"] == "en"
    text = warnings_text(app)
    assert "`lecture`" in text and "`lang`" in text and "`color`" in text


def test_a_very_long_parameter_is_refused_and_the_notice_can_be_dismissed():
    app = app_with_query(lecture="1" * 5000)
    assert "too long" in warnings_text(app)
    app.button(key="dismiss_url_problems").click().run()
    assert not app.warning


def test_a_link_cannot_put_its_own_links_images_or_markup_into_the_notice():
    app = app_with_query(**{
        "[Session expired: log in again](https://example.invalid/login)": "1",
        "![t](http://example.invalid/t.png)": "1",
        "<b>x</b>": "1",
    })
    assert_clean(app)
    text = warnings_text(app)
    assert "`[Session expired: log in again](https://example.invalid/login)`" in text
    assert "`![t](http://example.invalid/t.png)`" in text and "`<b>x</b>`" in text
    outside_code = "".join(text.split("`")[0::2])
    assert "](" not in outside_code and "<b>" not in outside_code

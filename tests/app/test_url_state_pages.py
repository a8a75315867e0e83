"""Every page's settings travel in its URL: a link restores them, a change is written back, and a
bad or unknown parameter falls back to its default with the notice (never an exception)."""

from __future__ import annotations

import pytest
from streamlit.runtime import pages_manager
from streamlit.testing.v1 import AppTest

from core import i18n
from tests.app.conftest import APP, TIMEOUT, assert_clean, run_page
from ui.app_settings import LECTURE_KEY


@pytest.fixture(autouse=True)
def pages_through_navigation(monkeypatch):
    """Run pages through app.py's st.navigation as the server does (ui.serve), not as a pages/ folder."""
    original = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


def open_link(page: str, **query: str) -> AppTest:
    """A fresh session opening /page?query."""
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.switch_page(f"pages/{page}.py")
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


NOTICE_TITLE = i18n.translate("en", "url.problems_title")


def notice(app: AppTest) -> str:
    """The text of the URL notice ("" when there is none)."""
    return " ".join(warning.value for warning in app.warning if warning.value.startswith(NOTICE_TITLE))


def share_text(app: AppTest) -> str:
    return app.sidebar.get("code")[0].value


# ---------------------------------------------------------------- round trips, page by page


def test_playground_round_trip():
    app = open_link("playground", shape="circle", noise="20", seed="5", layers="0", act="relu", lr="0.1",
                    batch="32", opt="momentum")
    assert_clean(app)
    assert not notice(app)
    assert app.selectbox(key="pg_shape").value == "circle"
    assert app.slider(key="pg_noise").value == 20
    assert app.number_input(key="pg_seed").value == 5
    assert app.slider(key="pg_layers").value == 0
    assert app.selectbox(key="pg_activation").value == "relu"
    assert app.select_slider(key="pg_lr").value == 0.1
    assert app.select_slider(key="pg_batch").value == 32
    assert app.selectbox(key="pg_optimizer").value == "momentum"
    app.slider(key="pg_layers").set_value(1).run()
    app.selectbox(key="pg_optimizer").set_value("adam").run()
    assert app.query_params["opt"] == "adam"
    assert "layers" not in app.query_params  # back at its default
    assert "w1" not in app.query_params  # one layer of the default width
    assert app.query_params["act"] == "relu" and app.query_params["seed"] == "5"


def test_backprop_round_trip():
    app = open_link("backprop", source="exercise", seed="7", step="6", lr="0.25")
    assert_clean(app)
    assert not notice(app)
    lesson = app.session_state["bp_lesson"]
    assert app.selectbox(key="bp_source").value == "exercise"
    assert (lesson.source, lesson.seed, lesson.step, lesson.learning_rate) == ("exercise", 7, 6, 0.25)
    app.button(key="bp_next").click().run()
    assert app.query_params["step"] == "7" and app.query_params["seed"] == "7"
    app.button(key="bp_next").click().run()
    assert app.query_params["cycle"] == "1" and "step" not in app.query_params


def test_backprop_lecture_network_at_a_step_of_a_later_cycle():
    app = open_link("backprop", cycle="2", step="4", hidden="tanh")
    assert_clean(app)
    lesson = app.session_state["bp_lesson"]
    assert (lesson.source, lesson.cycle, lesson.step) == ("lecture", 2, 4)
    assert lesson.network.activations[:2] == ["tanh", "tanh"]
    assert dict(app.query_params) == {"cycle": "2", "step": "4", "hidden": "tanh"}


def test_descent_round_trip():
    app = open_link("descent", surface="eggholder", racers="3", opt1="sgd", lr1="5", opt2="adam", lr2="20",
                    opt3="momentum", lr3="0.123", momentum3="0.5", steps="50", seed="3", noise="2")
    assert_clean(app)
    assert not notice(app)
    assert app.selectbox(key="descent_surface").value == "eggholder"
    assert app.slider(key="descent_racer_count").value == 3
    assert app.selectbox(key="descent_racer1_kind").value == "adam"
    assert app.select_slider(key="descent_racer0_lr").value == 5
    assert app.select_slider(key="descent_racer1_lr").value == 20
    assert app.text_input(key="descent_racer2_lr_typed").value == "0.123"
    assert app.slider(key="descent_racer2_momentum").value == 0.5
    assert app.slider(key="descent_steps").value == 50
    app.slider(key="descent_steps").set_value(80).run()
    assert app.query_params["steps"] == "80"
    assert app.query_params["lr3"] == "0.123" and app.query_params["opt2"] == "adam"


def test_descent_course_experiment_from_a_link_matches_the_button():
    link = open_link("descent", steps="10", racers="2", lr1="5", opt2="sgd", lr2="5", schedule2="course_decay")
    button = open_link("descent")
    button.button(key="descent_load_course").click().run()
    assert_clean(link)
    for key in ("descent_surface", "descent_start_x", "descent_start_y", "descent_steps", "descent_racer_count",
                "descent_racer0_kind", "descent_racer0_lr", "descent_racer1_kind", "descent_racer1_lr",
                "descent_racer1_schedule"):
        assert link.session_state[key] == button.session_state[key], key
    assert dict(button.query_params) == dict(link.query_params)


def test_draw_round_trip():
    app = open_link("draw", source="held_out", **{"class": "7"}, index="1402", model="mlp_keras")
    assert_clean(app)
    assert not notice(app)
    assert app.selectbox(key="draw.model").value == "mlp_keras"
    assert app.selectbox(key="draw.held_out_class").value == 7
    assert app.session_state["draw.held_out_index"] == 1402
    app.selectbox(key="draw.held_out_class").set_value(3).run()
    index = int(app.query_params["index"])
    assert app.query_params["class"] == "3" and index != 1402
    again = open_link("draw", **dict(app.query_params))
    assert again.session_state["draw.held_out_index"] == index


def test_draw_a_digit_of_another_class_is_refused():
    app = open_link("draw", source="held_out", **{"class": "7"}, index="0")
    assert_clean(app)
    assert "`index`" in notice(app)
    assert app.session_state["draw.held_out_index"] != 0


def test_attack_round_trip():
    app = open_link("attack", index="7", model="cnn_robust", attack="targeted_fgsm", target="3", eps="0.25",
                    tab="sanity")
    assert_clean(app)
    assert not notice(app)
    assert app.number_input(key="attack_index").value == 7
    assert app.selectbox(key="attack_model").value == "cnn_robust"
    assert app.selectbox(key="attack_kind").value == "targeted_fgsm"
    assert app.selectbox(key="attack_target").value == 3
    assert app.slider(key="attack_eps").value == 0.25
    assert app.session_state["attack_tab"] == "Sanity check"
    app.slider(key="attack_eps").set_value(0.3).run()
    assert dict(app.query_params) == {"index": "7", "model": "cnn_robust", "attack": "targeted_fgsm", "target": "3",
                                      "eps": "0.3", "tab": "sanity"}
    assert share_text(app).endswith("/attack?index=7&model=cnn_robust&attack=targeted_fgsm&target=3&eps=0.3&tab=sanity")


# ---------------------------------------------------------------- bad parameters

BAD_CASES = {
    # page: (int key, its widget key and default, float key, its widget key and default)
    "playground": ("layers", "pg_layers", 1, "lr", "pg_lr", 0.3),
    "descent": ("steps", "descent_steps", 100, "noise", "descent_noise", 0.0),
    "draw": ("brush", "draw.brush", 20, "brush", "draw.brush", 20),
    "attack": ("index", "attack_index", 0, "eps", "attack_eps", 0.1),
}


@pytest.mark.parametrize("page", list(BAD_CASES))
@pytest.mark.parametrize("bad", ["wrong_type", "out_of_range", "nan", "too_long"])
def test_a_bad_parameter_falls_back_to_its_default_with_a_notice(page, bad):
    int_key, int_state, int_default, float_key, float_state, float_default = BAD_CASES[page]
    key, state, default = (float_key, float_state, float_default) if bad == "nan" else (int_key, int_state, int_default)
    text = {"wrong_type": "two", "out_of_range": "99999", "nan": "nan", "too_long": "7" * 200}[bad]
    app = open_link(page, **{key: text, "made_up": "1"})
    assert_clean(app)
    assert app.session_state[state] == default
    assert f"`{key}`" in notice(app) and "`made_up`" in notice(app)
    assert ("too long" in notice(app)) == (bad == "too_long")
    assert key not in app.query_params and "made_up" not in app.query_params


@pytest.mark.parametrize("query", [{"step": "two"}, {"lr": "nan"}, {"cycle": "999"}, {"source": "x" * 200},
                                   {"hidden": "softmax"}])
def test_backprop_bad_parameters_fall_back(query):
    app = open_link("backprop", **query, made_up="1")
    assert_clean(app)
    lesson = app.session_state["bp_lesson"]
    assert (lesson.source, lesson.step, lesson.cycle, lesson.learning_rate) == ("lecture", 0, 0, 0.1)
    key = next(iter(query))
    assert f"`{key}`" in notice(app) and "`made_up`" in notice(app)


def test_a_step_past_the_last_of_the_network_is_refused():
    app = open_link("backprop", source="neuron", step="7")
    assert_clean(app)
    assert app.session_state["bp_lesson"].step == 0
    assert "`step`" in notice(app)


def test_the_session_digit_of_another_browser_falls_back_to_a_held_out_one():
    app = open_link("attack", source="current", index="12")
    assert_clean(app)
    assert app.radio(key="attack_source").value == "held_out"
    assert app.number_input(key="attack_index").value == 12
    assert "`source`" in notice(app)


def test_a_key_of_another_page_is_unknown_here():
    app = open_link("draw", eps="0.2")
    assert_clean(app)
    assert "`eps`" in notice(app)


# ---------------------------------------------------------------- navigation, app settings, the share box


def test_returning_to_a_page_without_parameters_keeps_its_settings():
    app = open_link("descent", steps="40", surface="rosenbrock")
    app.query_params.clear()  # the sidebar's page links carry no page settings
    app.run()
    assert app.slider(key="descent_steps").value == 40
    assert app.selectbox(key="descent_surface").value == "rosenbrock"
    assert app.query_params["steps"] == "40" and app.query_params["surface"] == "rosenbrock"
    assert not notice(app)


def switch_through_home(app: AppTest, page: str) -> AppTest:
    """Go to the home page and back with the sidebar's links (they carry no page settings)."""
    for path in ("pages/home.py", f"pages/{page}.py"):
        app.query_params.clear()
        app.switch_page(path).run()
    return app


@pytest.mark.parametrize(("page", "query", "widget", "key", "value"), [
    ("descent", {"steps": "40", "surface": "rosenbrock"}, "slider", "descent_steps", 40),
    ("attack", {"eps": "0.3", "attack": "pgd"}, "slider", "attack_eps", 0.3),
    ("playground", {"act": "relu", "layers": "2"}, "selectbox", "pg_activation", "relu"),
    ("draw", {"source": "held_out", "class": "4"}, "selectbox", "draw.held_out_class", 4),
])
def test_coming_back_from_another_page_brings_the_settings_back(page, query, widget, key, value):
    app = open_link(page, **query)
    link = dict(app.query_params)
    switch_through_home(app, page)
    assert_clean(app)
    assert getattr(app, widget)(key=key).value == value
    assert dict(app.query_params) == link
    assert not notice(app)


def test_coming_back_to_forward_backward_keeps_the_lesson_itself():
    app = open_link("backprop", source="exercise", seed="3")
    app.button(key="bp_next").click().run()
    lesson = app.session_state["bp_lesson"]
    switch_through_home(app, "backprop")
    assert app.session_state["bp_lesson"] is lesson
    assert app.selectbox(key="bp_source").value == "exercise"
    assert dict(app.query_params) == {"source": "exercise", "seed": "3", "step": "1"}


def test_lecture_mode_and_page_settings_share_the_url():
    app = open_link("attack", lecture="1", eps="0.2")
    assert_clean(app)
    assert not notice(app)
    assert app.session_state[LECTURE_KEY] is True
    assert app.slider(key="attack_eps").value == 0.2
    assert dict(app.query_params) == {"lecture": "1", "eps": "0.2"}


def test_the_share_box_shows_the_link_of_the_view():
    app = open_link("playground", act="relu")
    assert share_text(app) == "/playground?act=relu"
    app.toggle(key=LECTURE_KEY).set_value(True).run()
    assert share_text(app) == "/playground?act=relu&lecture=1"


def test_a_draw_link_says_that_its_drawing_is_not_in_it():
    app = open_link("draw", source="drawing", brush="30")
    assert_clean(app)
    message = i18n.translate("en", "draw.drawing_not_in_link")
    assert any(info.value == message for info in app.info)
    plain = run_page("pages/draw.py")
    assert not any(info.value == message for info in plain.info)

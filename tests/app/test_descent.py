"""The gradient-descent page through AppTest: every control, the course preset, and bad input kept harmless."""

import pytest

from core.i18n import translate
from core.optim_paths import OPTIMIZER_KINDS, SCHEDULE_KINDS
from core.surfaces import SURFACE_KEYS, build_surface
from tests.app.conftest import assert_clean, figures, run_clean_page

PAGE = "pages/descent.py"


def tr(key: str, **params) -> str:
    return translate("en", key, **params)


def racer(index: int, name: str) -> str:
    return f"descent_racer{index}_{name}"


def open_tab(app, name: str):
    """Select a tab as a click does: only the open tab's content runs."""
    app.session_state["descent_tab"] = tr(f"descent.tab.{name}")
    return app.run()


def summary(app):
    """The race's summary table as a list of row dicts."""
    return app.dataframe[0].value.to_dict("records")


@pytest.fixture
def app():
    return run_clean_page(PAGE)


def test_default_race_shows_map_curves_and_summary(app):
    assert app.title[0].value == tr("descent.title")
    # the race tab alone runs: the map, and the loss / learning-rate / distance panels in one figure
    assert len(figures(app)) == 2
    rows = summary(app)
    assert len(rows) == 3
    assert all(row[tr("descent.col.steps")] == 100 for row in rows)
    assert [tab.label for tab in app.tabs] == [tr("descent.tab.race"), tr("descent.tab.course"),
                                               tr("descent.tab.lesson"), tr("descent.tab.restarts")]


def test_other_tabs_keep_the_race_settings(app):
    app.slider(key="descent_steps").set_value(40).run()
    app.select_slider(key=racer(0, "lr")).set_value(2.0).run()
    app.slider(key=racer(1, "momentum")).set_value(0.5).run()
    for name in ("course", "lesson", "restarts"):
        open_tab(app, name)
        assert_clean(app)
        assert not figures(app) or name == "lesson"
    open_tab(app, "race")
    assert app.slider(key="descent_steps").value == 40
    assert app.select_slider(key=racer(0, "lr")).value == 2.0
    assert app.slider(key=racer(1, "momentum")).value == 0.5
    assert summary(app)[0][tr("descent.col.racer")] == "1: SGD, lr 2"


def test_course_preset_loads_the_course_run(app):
    app.button(key="descent_load_course").click().run()
    assert_clean(app)
    assert app.selectbox(key="descent_surface").value == "eggholder"
    assert (app.number_input(key="descent_start_x").value, app.number_input(key="descent_start_y").value) == (300, 135)
    assert app.slider(key="descent_steps").value == 10
    assert app.slider(key="descent_racer_count").value == 2
    assert [app.selectbox(key=racer(i, "schedule")).value for i in range(2)] == ["none", "course_decay"]
    assert [app.select_slider(key=racer(i, "lr")).value for i in range(2)] == [5.0, 5.0]
    rows = summary(app)
    assert len(rows) == 2 and all(row[tr("descent.col.steps")] == 10 for row in rows)
    # the course tab's tables: 11 points each, starting at (300, 135)
    open_tab(app, "course")
    plain, decayed = app.dataframe[0].value, app.dataframe[1].value
    assert len(plain) == 11 and len(decayed) == 11
    assert (plain["w₀"][0], plain["w₁"][0]) == (300.0, 135.0)
    assert plain["w₀"][1] == pytest.approx(296.0009, abs=1e-3)
    assert decayed[tr("descent.col.lr_next")][1] == pytest.approx(4.5)
    app.button(key="descent_load_course_2").click().run()
    assert_clean(app)
    assert len(summary(app)) == 2  # the course tab's button opens the race it loaded


def test_every_surface_runs_and_resets_the_start(app):
    for key in SURFACE_KEYS:
        app.selectbox(key="descent_surface").set_value(key).run()
        assert_clean(app)
        start = build_surface(key).start
        assert app.number_input(key="descent_start_x").value == pytest.approx(start[0])
        assert app.number_input(key="descent_start_y").value == pytest.approx(start[1])
    app.selectbox(key="descent_surface").set_value("bowl").run()
    app.slider(key="descent_condition").set_value(50.0).run()
    assert_clean(app)


def test_every_optimizer_and_its_settings(app):
    app.selectbox(key="descent_surface").set_value("himmelblau").run()
    for kind in OPTIMIZER_KINDS:
        app.selectbox(key=racer(0, "kind")).set_value(kind).run()
        assert_clean(app)
        assert app.select_slider(key=racer(0, "lr")).value > 0
    app.selectbox(key=racer(0, "kind")).set_value("nesterov").run()
    app.slider(key=racer(0, "momentum")).set_value(0.5).run()
    app.selectbox(key=racer(0, "kind")).set_value("adam").run()
    app.slider(key=racer(0, "beta1")).set_value(0.8).run()
    app.select_slider(key=racer(0, "beta2")).set_value(0.99).run()
    app.slider(key=racer(0, "eps_exponent")).set_value(-6).run()
    app.select_slider(key=racer(0, "lr")).set_value(0.2).run()
    assert_clean(app)
    assert summary(app)[0][tr("descent.col.racer")].startswith("1: Adam, lr 0.2")
    app.selectbox(key=racer(0, "kind")).set_value("rmsprop").run()
    app.slider(key=racer(0, "alpha")).set_value(0.9).run()
    assert_clean(app)


def test_every_schedule_and_gamma(app):
    for schedule in SCHEDULE_KINDS:
        app.selectbox(key=racer(1, "schedule")).set_value(schedule).run()
        assert_clean(app)
    app.selectbox(key=racer(1, "schedule")).set_value("exponential").run()
    app.slider(key=racer(1, "gamma")).set_value(0.95).run()
    assert_clean(app)


def test_racer_count_steps_noise_seed_and_view(app):
    app.slider(key="descent_racer_count").set_value(6).run()
    app.slider(key="descent_steps").set_value(1000).run()
    assert_clean(app)
    rows = summary(app)
    assert len(rows) == 6
    app.slider(key="descent_noise").set_value(15.0).run()
    app.number_input(key="descent_seed").set_value(7).run()
    assert_clean(app)
    app.radio(key="descent_view").set_value("surface3d").run()
    assert_clean(app)


def test_leaving_the_box_is_reported_and_projection_prevents_it(app):
    app.button(key="descent_load_course").click().run()
    app.slider(key="descent_racer_count").set_value(1).run()
    app.select_slider(key=racer(0, "lr")).set_value(10.0).run()
    warnings = " ".join(w.value for w in app.warning)
    assert tr("descent.left_domain_stays", name=tr("descent.racer_name", number=1, optimizer="SGD", lr="10"),
              step=3) in warnings
    app.toggle(key="descent_project").set_value(True).run()
    assert_clean(app)
    assert not any("left the domain" in w.value for w in app.warning)
    assert tr("descent.status.ok") in summary(app)[0][tr("descent.col.status")]


@pytest.mark.parametrize("typed, problem", [("0", "zero"), ("-1", "negative"), ("abc", "not_a_number"),
                                            ("1e9", "too_large")])
def test_bad_learning_rates_give_a_message_and_keep_the_previous_result(app, typed, problem):
    before = summary(app)
    app.text_input(key=racer(0, "lr_typed")).input(typed).run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert tr(f"descent.bad_lr.{problem}", number=1, lr=f"{float(typed):g}" if problem != "not_a_number" else "nan",
              limit="10000") in errors
    assert any(i.value == tr("descent.showing_previous") for i in app.info)
    assert summary(app) == before
    app.text_input(key=racer(0, "lr_typed")).input("0.5").run()
    assert_clean(app)
    assert summary(app)[0][tr("descent.col.racer")].startswith("1: SGD, lr 0.5")


def test_a_start_outside_the_domain_is_refused_and_the_previous_result_kept(app):
    before = summary(app)
    app.number_input(key="descent_start_x").set_value(900.0).run()
    assert not app.exception
    assert any("outside the surface's domain" in e.value for e in app.error)
    assert summary(app) == before


def test_a_start_on_a_ridge_gives_nan_and_is_explained(app):
    app.number_input(key="descent_start_x").set_value(0.0).run()
    app.number_input(key="descent_start_y").set_value(-47.0).run()
    assert not app.exception
    assert any("is NaN" in w.value for w in app.warning)
    assert any(e.value == tr("descent.nothing_to_show") for e in app.error)
    assert any(i.value == tr("descent.showing_previous") for i in app.info)


def test_a_diverging_optimizer_is_stopped_and_explained(app):
    app.selectbox(key="descent_surface").set_value("rosenbrock").run()
    app.select_slider(key=racer(0, "lr")).set_value(1.0).run()
    assert not app.exception
    assert any("diverged at step" in w.value for w in app.warning)
    assert "diverged" in summary(app)[0][tr("descent.col.status")]


def test_lesson_steps_and_random_restarts(app):
    open_tab(app, "lesson")
    assert len(figures(app)) == 1
    app.slider(key="descent_lesson_steps").set_value(20).run()
    assert_clean(app)
    open_tab(app, "restarts")
    app.slider(key="descent_restart_count").set_value(20).run()
    app.number_input(key="descent_restart_seed").set_value(3).run()
    assert any(c.value == tr("descent.restarts_first_racer") for c in app.caption)
    open_tab(app, "race")
    app.select_slider(key=racer(0, "lr")).set_value(2.0).run()
    open_tab(app, "restarts")
    assert app.slider(key="descent_restart_count").value == 20
    app.button(key="descent_run_restarts").click().run()
    assert_clean(app)
    assert any("best found at" in s.value for s in app.success)
    # the run used the race tab's first optimizer as it is now, and says so
    assert any(c.value == tr("descent.restarts_uses", name="1: SGD, lr 2", steps=100) for c in app.caption)


def test_restarts_that_all_leave_the_domain_report_no_best_point(app):
    app.select_slider(key=racer(0, "lr")).set_value(100.0).run()
    open_tab(app, "restarts")
    app.button(key="descent_run_restarts").click().run()
    assert_clean(app)
    assert not app.success
    assert any(w.value == tr("descent.restarts_none_inside", count=30) for w in app.warning)

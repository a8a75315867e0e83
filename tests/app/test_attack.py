"""The attack page in AppTest: every control, the messages for bad input, and the live results."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.data import bundled_split
from core.i18n import translate
from tests.app.conftest import assert_clean, figure_keys, figures, run_clean_page, run_page
from ui.session import CURRENT_DIGIT_KEY, CurrentDigit

PAGE = "pages/attack.py"
CURVES_TIMEOUT = 600


def en(key: str, **params) -> str:
    return translate("en", key, **params)


def texts(app) -> str:
    parts = [element.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
             for element in getattr(app, kind)]
    return "\n".join(str(part) for part in parts)


MAIN_CHARTS = {"attack_images", "attack_probabilities"}
MAP_CHARTS = {"attack_maps", "attack_difference"}


def chart_text(app) -> str:
    """Every Plotly figure's JSON, with its text unescaped."""
    return " ".join(json.dumps(figure, ensure_ascii=False) for figure in figures(app))


def open_tab(app, key: str, timeout: float | None = None):
    app.session_state["attack_tab"] = en(key)
    app.run(timeout=timeout)
    assert_clean(app)
    return app


@pytest.fixture(scope="module")
def split():
    return bundled_split()


@pytest.fixture
def app():
    return run_clean_page(PAGE)


def test_opens_with_a_held_out_digit_and_every_figure(app):
    assert app.title[0].value == en("attack.title")
    assert en("attack.no_current_digit") in texts(app)
    assert figure_keys(app) == MAIN_CHARTS | MAP_CHARTS
    assert "‖δ‖∞ = 0.100" in texts(app)
    assert en("gradcam.caption_relu", layer="conv2", rows=14, cols=14) in texts(app)
    assert en("attack.map_all_zero") not in texts(app), "the default view shows a map, not a blank"


def test_eps_slider_recomputes_and_eps_zero_is_explained(app):
    app.slider(key="attack_eps").set_value(0.0).run()
    assert_clean(app)
    assert en("attack.eps_zero") in texts(app)
    assert "‖δ‖∞ = 0.000" in texts(app)
    app.slider(key="attack_eps").set_value(0.35).run()
    assert_clean(app)
    assert en("attack.eps_zero") not in texts(app)
    assert "‖δ‖∞ = 0.350" in texts(app)


def test_the_prediction_flips_as_eps_grows(app):
    app.number_input(key="attack_index").set_value(7).run()
    app.selectbox(key="attack_kind").set_value("pgd").run()
    app.slider(key="attack_eps").set_value(0.3).run()
    assert_clean(app)
    assert f":red-badge[{en('attack.flipped')}]" in texts(app)
    assert en("attack.flip_at", step=1, digit=0)[:30] in texts(app)


@pytest.mark.parametrize("kind", ["fgsm", "targeted_fgsm", "ifgsm", "pgd", "noise"])
def test_every_attack_runs(app, kind):
    app.selectbox(key="attack_kind").set_value(kind).run()
    assert_clean(app)
    steps = {"attack_steps_figure"} if kind in ("ifgsm", "pgd") else set()
    assert figure_keys(app) == MAIN_CHARTS | MAP_CHARTS | steps
    if kind == "noise":
        assert en("attack.noise_note") in texts(app)


def test_iterative_controls_and_the_steps_cap(app):
    app.selectbox(key="attack_kind").set_value("ifgsm").run()
    app.slider(key="attack_alpha").set_value(0.005).run()
    app.number_input(key="attack_steps").set_value(20).run()
    assert_clean(app)
    assert not app.warning
    app.number_input(key="attack_steps").set_value(5000).run()
    assert_clean(app)
    assert app.warning[0].value == en("attack.steps_capped", steps=5000, cap=100)
    app.number_input(key="attack_steps").set_value(3).run()
    assert en("attack.alpha_too_small", reach=0.015, eps=0.1) in texts(app)


def test_pgd_takes_the_standard_step_unless_told_otherwise_and_warns_when_it_cannot_reach_epsilon(app):
    app.selectbox(key="attack_kind").set_value("pgd").run()
    app.slider(key="attack_eps").set_value(0.2).run()
    assert_clean(app)
    assert en("attack.alpha_standard_value", alpha=0.05) in texts(app)
    assert not app.warning
    app.number_input(key="attack_steps").set_value(40).run()
    assert en("attack.alpha_standard_value", alpha=0.0125) in texts(app)
    app.toggle(key="attack_alpha_standard").set_value(False).run()
    assert_clean(app)
    assert app.slider(key="attack_alpha").value == 0.01
    assert not app.warning
    app.number_input(key="attack_steps").set_value(10).run()
    assert app.warning[0].value == en("attack.alpha_too_small", reach=0.1, eps=0.2)


def test_pgd_seed_changes_the_random_start(app):
    app.selectbox(key="attack_kind").set_value("pgd").run()
    first = texts(app)
    app.number_input(key="attack_seed").set_value(3).run()
    assert_clean(app)
    assert texts(app) != first


def test_target_equal_to_the_true_class_is_explained(app, split):
    app.selectbox(key="attack_kind").set_value("targeted_fgsm").run()
    true_class = int(split.test_labels[0])
    app.selectbox(key="attack_target").set_value((true_class + 1) % 10).run()
    assert en("attack.target_is_true_class", target=true_class) not in texts(app)
    app.selectbox(key="attack_target").set_value(true_class).run()
    assert_clean(app)
    assert en("attack.target_is_true_class", target=true_class) in texts(app)
    assert f":green-badge[{en('attack.not_flipped')}]" in texts(app)


@pytest.mark.parametrize("model", ["cnn_robust", "mlp_keras", "mlp_3b1b"])
def test_every_model(app, model):
    app.selectbox(key="attack_model").set_value(model).run()
    assert_clean(app)
    if model.startswith("mlp"):
        assert en("attack.mlp_note") in texts(app)
        app.radio(key="attack_mlp_method").set_value("integrated_gradients").run()
        assert_clean(app)
        assert figure_keys(app) == MAIN_CHARTS | MAP_CHARTS


def test_grad_cam_controls(app):
    assert en("gradcam.caption_relu", layer="conv2", rows=14, cols=14) in texts(app)
    app.selectbox(key="attack_layer").set_value("conv3").run()
    assert en("gradcam.caption_relu", layer="conv3", rows=7, cols=7) in texts(app)
    app.toggle(key="attack_relu").set_value(False).run()
    assert_clean(app)
    assert en("gradcam.caption_signed", layer="conv3", rows=7, cols=7) in texts(app)
    for choice in ("clean_prediction", "adversarial_prediction", "true"):
        app.selectbox(key="attack_explained").set_value(choice).run()
        assert_clean(app)
    app.selectbox(key="attack_explained").set_value("any").run()
    app.selectbox(key="attack_explained_any").set_value(6).run()
    app.slider(key="attack_opacity").set_value(0.2).run()
    assert_clean(app)
    assert en("attack.map_clean", method=en("attack.method_grad_cam"), digit=6) in chart_text(app)


def test_current_digit_from_the_session(split):
    digit = CurrentDigit(split.test_images[10].copy(), "drawing")
    app = run_page(PAGE, {CURRENT_DIGIT_KEY: digit})
    assert_clean(app)
    assert app.radio(key="attack_source").value == "current"
    assert en("attack.label_unknown", prediction=int(split.test_labels[10])) in texts(app)
    assert en("attack.origin_drawing") in texts(app)
    app.radio(key="attack_source").set_value("held_out").run()
    assert_clean(app)
    assert app.number_input(key="attack_index")


def test_blank_current_digit_is_explained_and_a_held_out_digit_is_used():
    app = run_page(PAGE, {CURRENT_DIGIT_KEY: CurrentDigit(np.zeros((28, 28), np.float32), "drawing")})
    assert_clean(app)
    assert app.warning[0].value == en("attack.blank_digit")
    assert figure_keys(app) == MAIN_CHARTS | MAP_CHARTS


def test_sanity_check_tab(app):
    open_tab(app, "attack.tab_sanity")
    assert figure_keys(app) == MAIN_CHARTS | {"attack_sanity_real", "attack_sanity_random"}
    assert "Correlation" in texts(app)


def test_defences_tab_every_control(app):
    open_tab(app, "attack.tab_defences", timeout=CURVES_TIMEOUT)
    app.slider(key="attack_bits").set_value(3).run()
    app.selectbox(key="attack_median").set_value(3).run()
    assert_clean(app)
    assert en("attack.squeeze_median", size=3, l1=0)[:10] in chart_text(app)
    assert en("attack.rates_not_measured") in texts(app)
    app.select_slider(key="attack_rate_eps").set_value(0.1).run()
    app.button(key="attack_measure_rates").click().run(timeout=CURVES_TIMEOUT)
    assert_clean(app)
    assert app.dataframe and "ε = 0.10" in texts(app)
    app.slider(key="attack_fine_tune_batches").set_value(10).run()
    app.button(key="attack_fine_tune").click().run(timeout=CURVES_TIMEOUT)
    assert_clean(app)
    assert en("attack.model_fine_tuned") in app.selectbox(key="attack_model").options
    app.selectbox(key="attack_model").set_value("fine_tuned").run()
    assert_clean(app)


def test_robustness_curves_tab(app):
    app.slider(key="attack_eps").set_value(0.2).run()
    open_tab(app, "attack.tab_curves", timeout=CURVES_TIMEOUT)
    figure_specs = chart_text(app)
    assert en("attack.current_eps", eps=0.2) in figure_specs
    assert en("attack.curve_pgd", model=en("attack.model_cnn_robust")) in figure_specs
    assert app.dataframe

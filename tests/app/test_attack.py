"""The attack page in AppTest: every control, the messages for bad input, and the live results."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from core import attacks
from core.data import bundled_split
from core.i18n import translate
from tests.app.conftest import assert_clean, figures, run_clean_page, run_page
from tests.app.conftest import figure_keys as page_figure_keys
from tests.unit.test_sweep_view import apply_patch
from ui.session import CURRENT_DIGIT_KEY, CurrentDigit

PAGE = "pages/attack.py"
CURVES_TIMEOUT = 600


def en(key: str, **params) -> str:
    return translate("en", key, **params)


SWEEP_VIEW = "sweep_view"


def views(app) -> dict[str, dict]:
    """The page's sweep views (ui/sweep_view.py) by key: what each was sent for every ε."""
    found = [json.loads(node.proto.bytes)["view"] for node in app.get("bidi_component")
             if node.proto.component_name == SWEEP_VIEW]
    return {view["key"]: view for view in found}


def view_items(app, kind: str) -> list[dict]:
    return [item for view in views(app).values() for row in view["rows"] for item in row["items"]
            if item["kind"] == kind]


def eps_index(app) -> int:
    """The entry of every view that the ε slider shows (what the browser draws)."""
    return int(np.abs(np.array(attacks.SWEEP_EPSILONS) - app.slider(key="attack_eps").value).argmin())


def view_texts(app, styles: tuple[str, ...] = ("heading", "caption", "info", "warning")) -> list[str]:
    """The views' texts shown at the slider's ε."""
    index = eps_index(app)
    return [item["values"][index] for item in view_items(app, "text") if item["style"] in styles and
            item["values"][index]]


def texts(app) -> str:
    parts = [element.value for kind in ("markdown", "caption", "info", "warning", "success", "error")
             for element in getattr(app, kind)]
    return "\n".join([str(part) for part in parts] + view_texts(app))


def warnings(app) -> list[str]:
    return [element.value for element in app.warning] + view_texts(app, ("warning",))


def outcome(app) -> tuple[str, str, str]:
    """(outcome line, badge, its tone) at the slider's ε."""
    item = next(item for item in view_items(app, "text") if item["key"] == "attack_outcome")
    index = eps_index(app)
    return item["values"][index], *item["badges"][index]


def view_figures(app, index: int | None = None) -> dict[str, dict]:
    """Every view's figure at an ε (the slider's by default), as the browser draws it."""
    index = eps_index(app) if index is None else index
    return {item["key"]: apply_patch(item["figure"], item["patches"][index]) for item in view_items(app, "chart")}


MAIN_CHARTS = {"attack_images", "attack_probabilities"}
MAP_CHARTS = {"attack_maps", "attack_difference"}


def figure_keys(app) -> set[str]:
    return page_figure_keys(app) | set(view_figures(app))


def chart_text(app) -> str:
    """Every Plotly figure's JSON, with its text unescaped."""
    every = [*figures(app), *view_figures(app).values()]
    return " ".join(json.dumps(figure, ensure_ascii=False) for figure in every)


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
    assert outcome(app)[1:] == (en("attack.flipped"), "bad")
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
    assert not warnings(app)
    app.number_input(key="attack_steps").set_value(5000).run()
    assert_clean(app)
    assert warnings(app) == [en("attack.steps_capped", steps=5000, cap=100)]
    app.number_input(key="attack_steps").set_value(3).run()
    assert en("attack.alpha_too_small", reach=0.015, eps=0.1) in texts(app)


def test_pgd_takes_the_standard_step_unless_told_otherwise_and_warns_when_it_cannot_reach_epsilon(app):
    app.selectbox(key="attack_kind").set_value("pgd").run()
    app.slider(key="attack_eps").set_value(0.2).run()
    assert_clean(app)
    assert en("attack.alpha_standard_value", alpha=0.05) in texts(app)
    assert not warnings(app)
    app.number_input(key="attack_steps").set_value(40).run()
    assert en("attack.alpha_standard_value", alpha=0.0125) in texts(app)
    app.toggle(key="attack_alpha_standard").set_value(False).run()
    assert_clean(app)
    assert app.slider(key="attack_alpha").value == 0.01
    assert not warnings(app)
    app.number_input(key="attack_steps").set_value(10).run()
    assert warnings(app) == [en("attack.alpha_too_small", reach=0.1, eps=0.2)]


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
    assert outcome(app)[1:] == (en("attack.not_flipped"), "good")


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


# ---------------------------------------------------------------------------------------------
# ε in the browser: every ε sent once, nothing run when it moves, the sweep computed once for everyone


def test_eps_runs_nothing_where_the_page_drew_every_eps(app):
    assert app.slider(key="attack_eps").proto.ignore_rerun, "the explanation tab draws every ε in the browser"
    assert app.slider(key="attack_opacity").proto.ignore_rerun
    open_tab(app, "attack.tab_sanity")
    assert app.slider(key="attack_eps").proto.ignore_rerun
    open_tab(app, "attack.tab_defences", timeout=CURVES_TIMEOUT)
    assert not app.slider(key="attack_eps").proto.ignore_rerun, "the defences are computed from ε on the server"


def test_every_view_has_every_eps_and_follows_the_eps_slider(app):
    every = views(app)
    assert set(every) == {"attack_view", "attack_probabilities_view", "attack_maps_view"}
    count = len(attacks.SWEEP_EPSILONS)
    for view in every.values():
        assert view["main"]["slider"] == "attack_eps" and len(view["main"]["values"]) == count
        for row in view["rows"]:
            for item in row["items"]:
                assert len(item["patches" if item["kind"] == "chart" else "values"]) == count
    publishers = [view["key"] for view in every.values() if "param" in view["main"]]
    assert publishers == ["attack_view"], "one view writes ε into the link"
    assert every["attack_view"]["main"]["query"][10] is None and every["attack_view"]["main"]["query"][35] == "0.35"
    opacity = every["attack_maps_view"]["opacity"]
    assert opacity["slider"] == "attack_opacity" and opacity["param"] == "opacity" and len(opacity["values"]) == 21
    assert every["attack_maps_view"]["rows"][0]["widths"] == [2, 1]


def test_the_views_sent_at_one_eps_show_at_another_what_a_run_there_shows(app, split):
    sent = views(app)
    app.slider(key="attack_eps").set_value(0.35).run()
    assert_clean(app)
    assert views(app) == sent, "the views do not depend on the ε the server saw"
    single = attacks.run_attack(attacks_model(), split.test_images[0], int(split.test_labels[0]),
                                attacks.AttackSettings("fgsm", 0.35))
    line = en("attack.outcome", before=single.clean_prediction, p_before=single.clean_probabilities[
        single.clean_prediction], after=single.adversarial_prediction, p_after=single.adversarial_probabilities[
        single.adversarial_prediction])
    assert outcome(app)[0] == line
    images = view_figures(app)["attack_images"]
    np.testing.assert_allclose(decoded(images["data"][2]["z"]), single.adversarial, atol=1e-7)
    assert en("attack.adversarial_title", eps=0.35) in images["layout"]["annotations"][2]["text"]
    bars = view_figures(app)["attack_probabilities"]["data"][1]
    np.testing.assert_allclose(decoded(bars["y"]), single.adversarial_probabilities, atol=1e-6)
    assert "‖δ‖∞ = 0.350" in texts(app)


def attacks_model():
    from core.models import load_shipped

    return load_shipped("cnn")


def decoded(values) -> np.ndarray:
    """A figure's array, plain or as a Plotly typed array."""
    if isinstance(values, dict):
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        return array.reshape([int(size) for size in values["shape"].split(",")]) if "shape" in values else array
    return np.asarray(values)


def test_a_shipped_model_on_a_held_out_digit_is_attacked_once_for_everyone(monkeypatch, split):
    computed = []
    sweep = attacks.attack_sweep

    def counted(model, image, label, settings, epsilons):
        computed.append((label, settings.kind, settings.seed))
        return sweep(model, image, label, settings, epsilons)

    monkeypatch.setattr(attacks, "attack_sweep", counted)
    for _ in range(2):
        app = run_clean_page(PAGE)
        app.selectbox(key="attack_kind").set_value("noise").run()
        app.number_input(key="attack_seed").set_value(4321).run()
        assert_clean(app)
    assert computed.count((0, "noise", 4321)) == 1, "the second session reuses the first one's sweep"


def test_a_drawing_is_attacked_for_its_session_only(monkeypatch, split):
    computed = []
    sweep = attacks.attack_sweep

    def counted(model, image, label, settings, epsilons):
        computed.append(settings.kind)
        return sweep(model, image, label, settings, epsilons)

    monkeypatch.setattr(attacks, "attack_sweep", counted)
    for _ in range(2):
        app = run_page(PAGE, {CURRENT_DIGIT_KEY: CurrentDigit(split.test_images[20].copy(), "drawing")})
        assert_clean(app)
        assert app.radio(key="attack_source").value == "current"
        app.run()
    assert computed == ["fgsm", "fgsm"], "each session attacks its own drawing, once"


def test_the_eps_the_browser_wrote_into_the_link_is_not_taken_for_a_new_link(app):
    """After ε moved in the browser, the next run comes with the link the browser rewrote and the slider's new
    value: the page keeps the rest of its state (here the tab just opened) instead of restoring a link."""
    app.query_params["eps"] = "0.3"
    app.slider(key="attack_eps").set_value(0.3)
    open_tab(app, "attack.tab_curves", timeout=CURVES_TIMEOUT)
    assert app.session_state["attack_tab"] == en("attack.tab_curves")
    assert "attack_curves" in figure_keys(app)
    assert dict(app.query_params) == {"eps": "0.3", "tab": "curves"}
    assert en("attack.current_eps", eps=0.3) in chart_text(app)

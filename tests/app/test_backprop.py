"""AppTest of the forward/backward page: presets, the stepper, edits, bad input and every widget."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import torch

from core import propagation as bp
from core.data import bundled_split
from core.i18n import LOCALES_DIR
from core.models import MLP
from tests.app.conftest import assert_clean, run_page
from ui.session import CURRENT_DIGIT_KEY, PLAYGROUND_NETWORK_KEY, CurrentDigit, PlaygroundNetwork

PAGE = "pages/backprop.py"
ENGLISH = json.loads((LOCALES_DIR / "en.json").read_text(encoding="utf-8"))


def text(key: str, **params) -> str:
    return ENGLISH[key].format(**params) if params else ENGLISH[key]


def latex(app) -> str:
    return "\n".join(element.value for element in app.latex)


def markdown(app) -> str:
    return "\n".join(element.value for element in app.markdown)


def progress(app) -> str:
    return app.get("progress")[0].proto.text


def lesson(app):
    return app.session_state["bp_lesson"]


def click(app, key: str):
    app.button(key=key).click().run()
    return app


def choose_source(app, source: str):
    app.selectbox(key="bp_source").select(source).run()
    return app


def metric_values(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


@pytest.fixture(scope="module")
def lecture():
    return run_page(PAGE)


def test_page_opens_on_the_lecture_mlp_with_its_notation(lecture):
    app = lecture
    assert_clean(app)
    assert app.title[0].value == text("backprop.title")
    assert "u_\\ell = W_\\ell" in markdown(app)
    caption = " ".join(c.value for c in app.caption)
    assert "2‑3‑2 · 23 parameters" in caption
    assert progress(app) == text("backprop.step_of", cycle=1, n=1, total=8, name="forward, layer 1")
    assert r"u_1 = W_1\,a_0 + b_1" in latex(app)
    assert "0.7311" in latex(app)
    assert len(app.get("plotly_chart")) >= 2


def test_a_full_cycle_forward_loss_backward_update_and_back_again():
    app = run_page(PAGE)
    names = [
        "forward, layer 2",
        "forward, layer 3",
        "loss",
        "backward, layer 3",
        "backward, layer 2",
        "backward, layer 1",
        "update",
    ]
    for n, name in enumerate(names, start=2):
        click(app, "bp_next")
        assert_clean(app)
        assert progress(app) == text("backprop.step_of", cycle=1, n=n, total=8, name=name)
        if name == "loss":
            assert "3.049942" in latex(app)
            assert text("backprop.loss_sum_note", n=2) in " ".join(c.value for c in app.caption)
        if name == "backward, layer 3":
            assert "-2.548" in latex(app) and "2.389" in latex(app)
        if name == "backward, layer 2":
            assert r"\delta_2 = (W_3^\top \delta_3) \odot \sigma'(u_2)" in latex(app)
            assert "-0.3384" in latex(app) and "0.6546" in latex(app)
        if name == "backward, layer 1":
            assert "-0.1373" in latex(app) and "0.3819" in latex(app)
    metrics = metric_values(app)
    assert metrics[text("backprop.loss_before")] == "3.049942"
    assert metrics[text("backprop.loss_after")] == "0.873236"
    table = app.dataframe[-1].value
    assert list(table.columns) == [
        text("backprop.table_parameter"),
        text("backprop.table_old"),
        text("backprop.table_gradient"),
        text("backprop.table_new"),
    ]
    first = table.iloc[0]
    assert first.iloc[0] == "W1[1,1]" and first.iloc[1] == 0.5
    assert first.iloc[3] == pytest.approx(0.5 - 0.1 * -0.137303, abs=1e-6)
    assert app.button(key="bp_next").label == text("backprop.apply_update")

    click(app, "bp_next")
    assert_clean(app)
    assert lesson(app).cycle == 1
    assert progress(app) == text("backprop.step_of", cycle=2, n=1, total=8, name="forward, layer 1")
    np.testing.assert_allclose(lesson(app).network.weights[0][0, 0], 0.5 + 0.1 * 0.137303, atol=1e-6)

    click(app, "bp_back")
    assert progress(app) == text("backprop.step_of", cycle=1, n=8, total=8, name="update")
    assert lesson(app).cycle == 0
    click(app, "bp_back")
    assert progress(app) == text("backprop.step_of", cycle=1, n=7, total=8, name="backward, layer 1")
    click(app, "bp_first")
    assert progress(app) == text("backprop.step_of", cycle=1, n=1, total=8, name="forward, layer 1")
    assert app.button(key="bp_first").disabled and app.button(key="bp_back").disabled


def test_single_neuron_preset_is_oracle_a():
    app = choose_source(run_page(PAGE), "neuron")
    assert_clean(app)
    assert lesson(app).learning_rate == 1.0
    click(app, "bp_next")
    assert "0.225645" in latex(app)
    click(app, "bp_next")
    assert "-0.2369" in latex(app)
    click(app, "bp_next")
    metrics = metric_values(app)
    assert metrics[text("backprop.loss_after")] == "0.120281"
    assert "0.4369" in latex(app) and "-0.2815" in latex(app) and "0.3369" in latex(app)


def test_exercise_net_hand_set_random_seed_and_dead_relu():
    app = choose_source(run_page(PAGE), "exercise")
    assert_clean(app)
    assert "2‑1‑2‑1 · 10 parameters" in " ".join(c.value for c in app.caption)
    click(app, "bp_exercise_random")
    seed = lesson(app).seed
    assert seed is not None and text("backprop.exercise_seed", seed=seed) in markdown(app)
    expected = bp.exercise_net_random(seed).network
    for mine, theirs in zip(bp.parameters(lesson(app).network), bp.parameters(expected)):
        np.testing.assert_array_equal(mine, theirs)

    seed_input = next(n for n in app.number_input if n.label == text("backprop.exercise_seed_input"))
    seed_input.set_value(0).run()  # seed 0: the first ReLU is off at X = (1, 1)
    assert lesson(app).seed == 0
    for _ in range(4):
        click(app, "bp_next")
    assert progress(app).endswith("backward, layer 3")
    infos = " ".join(i.value for i in app.info)
    assert "Dead ReLU" in infos and "u1,1" in infos
    assert text("backprop.dead_relu_layers", layers="1") in infos
    for _ in range(3):
        click(app, "bp_next")
    gradients = app.dataframe[-1].value[text("backprop.table_gradient")].tolist()
    assert gradients[:3] == [0.0, 0.0, 0.0]  # W1[1,1], W1[1,2], b1[1]: exactly zero

    click(app, "bp_exercise_hand")
    assert lesson(app).seed is None
    assert text("backprop.exercise_hand_set_note") in " ".join(c.value for c in app.caption)


def test_bad_text_in_number_fields_is_refused_and_the_state_kept():
    app = run_page(PAGE)
    key_x = lesson(app).key("x")
    app.text_input(key=key_x).input("1, abc").run()
    assert_clean_except_errors(app)
    assert text("backprop.error_not_number", name=text("backprop.input_name"), text="abc") in errors(app)
    np.testing.assert_array_equal(lesson(app).x, [1.0, -1.0])
    assert "0.7311" in latex(app)

    app.text_input(key=key_x).input("").run()
    assert text("backprop.error_empty", name=text("backprop.input_name")) in errors(app)
    app.text_input(key=key_x).input("1").run()
    assert text("backprop.error_count", name=text("backprop.input_name"), size=2, count=1) in errors(app)
    app.text_input(key=key_x).input("1e999, 0").run()
    assert "not a finite number" in errors(app)
    np.testing.assert_array_equal(lesson(app).x, [1.0, -1.0])

    app.text_input(key=key_x).input("2, 0.5").run()
    assert not app.error
    np.testing.assert_array_equal(lesson(app).x, [2.0, 0.5])

    key_lr = lesson(app).key("lr")
    for bad in ("fast", "0", "-1", ""):
        app.text_input(key=key_lr).input(bad).run()
        assert app.error, bad
        assert lesson(app).learning_rate == 0.1
    app.text_input(key=key_lr).input("0.05").run()
    assert not app.error and lesson(app).learning_rate == 0.05


def errors(app) -> str:
    return " ".join(e.value for e in app.error)


def assert_clean_except_errors(app) -> None:
    assert not app.exception, [e.value for e in app.exception]


def test_target_must_fit_the_loss():
    app = run_page(PAGE)
    app.selectbox(key=lesson(app).key("loss", True)).select("bce").run()
    assert lesson(app).network.activations[-1] == "sigmoid"
    app.text_input(key=lesson(app).key("y")).input("2, 0").run()
    assert text("backprop.error_bce_target") in errors(app)
    np.testing.assert_array_equal(lesson(app).y, [1.0, 0.0])


def test_huge_values_overflow_are_shown_explained_and_the_update_refused():
    app = run_page(PAGE)
    current = lesson(app)
    rows = [label for label, *_ in _rows(current.network)]
    position = rows.index("W3[1,1]")
    app.session_state[current.key("params", True)] = {
        "edited_rows": {position: {"value": 1e300}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert_clean_except_errors(app)
    assert lesson(app).network.weights[2][0, 0] == 1e300
    for _ in range(7):
        click(app, "bp_next")
        assert_clean_except_errors(app)
    warnings = " ".join(w.value for w in app.warning)
    assert "overflowed" in warnings
    assert r"\infty" in latex(app) or "NaN" in latex(app)
    assert text("backprop.proof_not_finite") in " ".join(i.value for i in app.info)
    click(app, "bp_next")  # apply the update: refused, the weights are kept
    assert text("backprop.update_not_finite") in errors(app)
    assert lesson(app).cycle == 0 and lesson(app).network.weights[2][0, 0] == 1e300
    click(app, "bp_reset")
    assert lesson(app).network.weights[2][0, 0] == 1.0


def _rows(net):
    rows = []
    for index, w in enumerate(net.weights):
        for j in range(w.shape[0]):
            rows += [(f"W{index + 1}[{j + 1},{i + 1}]",) for i in range(w.shape[1])]
        rows += [(f"b{index + 1}[{j + 1}]",) for j in range(w.shape[0])]
    return rows


def test_table_edits_change_the_network_and_an_empty_cell_is_refused():
    app = run_page(PAGE)
    current = lesson(app)
    table = app.data_editor[0].value
    assert table["parameter"].tolist()[:3] == ["W1[1,1]", "W1[1,2]", "W1[2,1]"]
    assert table["value"].tolist()[:3] == [0.5, -0.5, 1.0]
    app.session_state[current.key("params", True)] = {
        "edited_rows": {0: {"value": 2.0}, 1: {"value": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    assert lesson(app).network.weights[0][0].tolist() == [2.0, -0.5]
    assert text("backprop.error_empty", name="W1[1,2]") in errors(app)
    assert app.data_editor[0].value["value"].tolist()[:2] == [2.0, -0.5]
    assert r"\begin{bmatrix}2 & -0.5" in latex(app)


def test_activation_and_loss_choices_rewrite_the_equations():
    app = run_page(PAGE)
    app.selectbox(key=lesson(app).key("hidden", True)).select("relu").run()
    assert_clean(app)
    assert lesson(app).network.activations == ["relu", "relu", "linear"]
    assert r"\mathrm{ReLU}(u_1)" in latex(app)
    app.selectbox(key=lesson(app).key("loss", True)).select("softmax_ce").run()
    assert lesson(app).network.activations[-1] == "softmax" and lesson(app).network.loss == "softmax_ce"
    for _ in range(4):
        click(app, "bp_next")
    assert r"\delta_3 = \frac{\partial L}{\partial u_3} = a_3 - y" in latex(app)
    assert_clean(app)
    app.selectbox(key=lesson(app).key("loss", True)).select("squared_error").run()
    app.selectbox(key=lesson(app).key("output", True)).select("tanh_half").run()
    assert lesson(app).network.activations[-1] == "tanh_half"
    assert_clean(app)


def test_chain_rule_panel_sums_every_path():
    app = run_page(PAGE)
    for _ in range(6):
        click(app, "bp_next")
    app.selectbox(key="bp_weight").select("W1[1,2]").run()
    assert_clean(app)
    body = latex(app)
    assert r"\sum_{\text{6}}" in body
    assert "0.13730" in body  # ∂L/∂W1[1,2] = 0.137303 (oracle B)
    assert text("backprop.chain_intro", count=6) in markdown(app)


def test_chain_rule_panel_waits_for_the_backward_pass():
    app = run_page(PAGE)
    assert text("backprop.chain_wait", layer=1) in " ".join(c.value for c in app.caption)


def test_proof_panel_shows_tiny_errors(lecture):
    metrics = metric_values(lecture)
    for key in (
        "backprop.proof_autograd_abs",
        "backprop.proof_autograd_rel",
        "backprop.proof_fd_abs",
        "backprop.proof_fd_rel",
    ):
        assert float(metrics[text(key)]) < 1e-6, key
    assert float(metrics[text("backprop.proof_autograd_abs")]) < 1e-12
    assert text("backprop.proof_ok") in " ".join(s.value for s in lecture.success)


def test_play_animates_the_whole_cycle_on_the_diagram():
    app = run_page(PAGE)
    click(app, "bp_next")
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert [frame["name"] for frame in spec["frames"]] == [str(k) for k in range(8)]
    buttons = spec["layout"]["updatemenus"][0]["buttons"]
    assert len(buttons) == 1 and buttons[0]["label"].endswith(text("backprop.play"))
    assert buttons[0]["method"] == "animate" and buttons[0]["args"][1]["fromcurrent"]
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == 1
    assert [s["label"] for s in slider["steps"]][3:5] == ["loss", "backward, layer 3"]
    loss_frame = spec["frames"][3]["data"]
    assert any(trace.get("text") == ["L=3.050"] for trace in loss_frame)
    first_frame = spec["frames"][0]["data"]
    assert any(trace.get("text") == ["L"] for trace in first_frame)


def test_playground_without_a_network_says_how_to_get_one():
    app = choose_source(run_page(PAGE), "playground")
    assert_clean(app)
    assert text("backprop.no_playground") in " ".join(i.value for i in app.info)


def test_playground_network_is_copied_not_modified():
    torch.manual_seed(0)
    model = MLP([2, 3, 2], "tanh", "softmax")
    before = [p.detach().clone() for p in model.parameters()]
    network = PlaygroundNetwork(model=model, dataset="xor", input_size=2, classes=["A", "B"], loss="cross_entropy")
    app = run_page(PAGE, {PLAYGROUND_NETWORK_KEY: network})
    choose_source(app, "playground")
    assert_clean(app)
    assert lesson(app).network.activations == ["tanh", "softmax"] and lesson(app).network.loss == "softmax_ce"
    for _ in range(5):
        click(app, "bp_next")
    click(app, "bp_next")  # apply the update to the copy
    assert_clean(app)
    assert lesson(app).cycle == 1
    for old, now in zip(before, model.parameters()):
        assert torch.equal(old, now)


def test_playground_digit_network_uses_digit_views():
    torch.manual_seed(1)
    network = PlaygroundNetwork(
        model=MLP([784, 12, 10], "relu", "softmax"),
        dataset="digits",
        input_size=784,
        classes=[str(k) for k in range(10)],
    )
    app = run_page(PAGE, {PLAYGROUND_NETWORK_KEY: network})
    choose_source(app, "playground")
    assert_clean(app)
    assert "784‑12‑10" in " ".join(c.value for c in app.caption)
    assert lesson(app).x.shape == (784,) and lesson(app).x.max() > 0


def test_digit_net_on_a_held_out_sample():
    app = choose_source(run_page(PAGE), "digits")
    assert_clean(app)
    caption = " ".join(c.value for c in app.caption)
    assert "784‑16‑16‑10 · 13,002 parameters" in caption
    assert text("backprop.editor_too_big", count="13,002", limit=300) in caption
    assert lesson(app).network.activations == ["sigmoid", "sigmoid", "sigmoid"]
    assert lesson(app).network.loss == "squared_error"
    index_input = app.number_input(key="bp_digit_index")
    index_input.set_value(7).run()
    split = bundled_split()
    np.testing.assert_allclose(lesson(app).x, split.test_images[7].reshape(-1).astype(np.float64))
    assert lesson(app).y.argmax() == split.test_labels[7]
    charts_before = len(app.get("plotly_chart"))
    for _ in range(6):
        click(app, "bp_next")
    assert_clean(app)
    assert progress(app).endswith("backward, layer 1")
    assert len(app.get("plotly_chart")) == charts_before + 1  # the 28×28 gradient image appears
    app.selectbox(key="bp_view_neuron").select(5).run()
    app.selectbox(key="bp_weight_layer").select(2).run()
    assert_clean(app)
    assert r"\sum_{\text{10}}" in latex(app)  # a layer-2 weight reaches the loss through the 10 outputs
    assert float(metric_values(app)[text("backprop.proof_autograd_rel")]) < 1e-9
    app.selectbox(key=lesson(app).key("target_h7")).select(3).run()
    assert lesson(app).y.argmax() == 3


def test_digit_net_on_the_current_drawing():
    image = np.zeros((28, 28), dtype=np.float32)
    image[6:22, 13:15] = 1.0
    app = run_page(PAGE, {CURRENT_DIGIT_KEY: CurrentDigit(image=image, source="drawing")})
    choose_source(app, "digits")
    app.radio(key="bp_digit_source").set_value("drawing").run()
    assert_clean(app)
    np.testing.assert_array_equal(lesson(app).x, image.reshape(-1))


def test_drawing_missing_falls_back_with_a_message():
    app = choose_source(run_page(PAGE), "digits")
    app.radio(key="bp_digit_source").set_value("drawing").run()
    assert_clean(app)
    assert text("backprop.no_drawing") in " ".join(i.value for i in app.info)


def test_softmax_widget_preset_is_the_oracle_and_bad_logits_are_refused(lecture):
    body = latex(lecture)
    assert "0.6590011" in body and "0.41703" in body and "-0.3409989" in body
    app = run_page(PAGE)
    app.text_input(key="bp_softmax_logits").input("1, two, 3").run()
    assert "“two” is not a number" in errors(app)
    assert "0.6590011" in latex(app)
    app.text_input(key="bp_softmax_logits").input("0, 0").run()
    app.selectbox(key="bp_softmax_class").select(1).run()
    assert not app.error
    assert r"H = -\log p_{1} = 0.6931472" in latex(app)


def test_activation_explorer_shows_every_activation():
    app = run_page(PAGE)
    for name in ("step", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear"):
        app.radio(key="bp_explorer").set_value(name).run()
        assert_clean(app)
        assert text(f"backprop.explorer_note_{name}") in markdown(app)


def test_every_dynamic_catalog_key_exists():
    source = (LOCALES_DIR.parent / PAGE).read_text(encoding="utf-8")
    prefixes = set(re.findall(r't\(f"(backprop\.[a-z_]+)\{', source))
    expected = {
        "backprop.act_": ["sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear", "step"],
        "backprop.loss_": list(bp.LOSSES),
        "backprop.source_": ["lecture", "exercise", "neuron", "playground", "digits"],
        "backprop.step_": ["forward", "loss", "backward", "update"],
        "backprop.explain_": [
            "forward",
            "loss",
            "backward_hidden",
            "backward_output",
            "backward_output_fused",
            "update",
        ],
        "backprop.head_for_": ["bce", "softmax_ce"],
        "backprop.digit_": ["held_out", "drawing"],
        "backprop.explorer_note_": ["step", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear"],
    }
    assert prefixes == set(expected)
    for prefix, names in expected.items():
        for name in names:
            assert prefix + name in ENGLISH

"""The playground page through AppTest: every control, bad input, divergence, export/import."""

from __future__ import annotations

import io
import json

import pytest
import torch

from core import playground as pg
from core.i18n import translate
from tests.app.conftest import assert_clean, figures, run_page
from ui.session import PLAYGROUND_NETWORK_KEY

PAGE = "pages/playground.py"
STATE = "playground.state"


def en(key: str, **params) -> str:
    return translate("en", key, **params)


def metric(app, key: str) -> str:
    label = en(key)
    return next(m.value for m in app.metric if m.label == label)


def button(app, key: str, **params):
    label = en(key, **params)
    return next(b for b in app.button if b.label == label)


def widget(collection, key: str):
    return next(w for w in collection if w.key == key)


def trainer(app) -> pg.Trainer:
    return app.session_state[STATE].trainer


@pytest.fixture(scope="module")
def base_app():
    return run_page(PAGE)


def fresh():
    return run_page(PAGE)


def test_page_opens_with_an_untrained_network(base_app):
    app = base_app
    assert_clean(app)
    assert app.title[0].value == en("playground.title")
    assert metric(app, "playground.metric_epoch") == "0"
    assert len(figures(app)) >= 3
    text = " ".join(m.value for m in app.markdown)
    assert "parameters" in text and "17" in text  # 2-4-1: 12 + 5


def test_step_buttons_play_pause_and_reset():
    app = fresh()
    button(app, "playground.step_batch").click().run()
    assert trainer(app).batches_done == 1
    assert app.session_state[PLAYGROUND_NETWORK_KEY].input_size == 2  # published for the other pages
    button(app, "playground.step_epoch").click().run()
    assert metric(app, "playground.metric_epoch") == "1"
    losses = trainer(app).history.train_loss
    assert len(losses) == 2
    button(app, "playground.play").click().run()
    assert app.session_state["pg_playing"] is True
    assert trainer(app).batches_done > 1 + 13  # the live view trained on this run
    button(app, "playground.pause").click().run()
    assert app.session_state["pg_playing"] is False
    button(app, "playground.reset").click().run()
    assert metric(app, "playground.metric_epoch") == "0"
    assert_clean(app)


@pytest.mark.parametrize("shape", ["circle", "xor", "gaussians", "spiral", "moons"])
def test_every_shape(shape):
    app = fresh()
    widget(app.selectbox, "pg_shape").set_value(shape).run()
    assert_clean(app)
    assert trainer(app).data.n_classes == (3 if shape in ("gaussians", "spiral") else 2)


def test_data_sliders_and_seed():
    app = fresh()
    widget(app.selectbox, "pg_shape").set_value("spiral").run()
    widget(app.slider, "pg_classes").set_value(5).run()
    assert trainer(app).data.n_classes == 5
    assert trainer(app).architecture.output_size == 5
    widget(app.slider, "pg_noise").set_value(40).run()
    widget(app.select_slider, "pg_points").set_value(1000).run()
    widget(app.slider, "pg_train_pct").set_value(80).run()
    data = trainer(app).data
    assert len(data.train_y) == 800 and len(data.test_y) == 200
    before = data.train_x.clone()
    widget(app.number_input, "pg_seed").set_value(42).run()
    assert not torch.equal(before, trainer(app).data.train_x)
    assert_clean(app)


def test_architecture_controls_and_live_parameter_count():
    app = fresh()
    widget(app.slider, "pg_layers").set_value(3).run()
    widget(app.number_input, "pg_width_0").set_value(8).run()
    widget(app.number_input, "pg_width_2").set_value(16).run()
    widget(app.selectbox, "pg_activation").set_value("relu").run()
    assert trainer(app).architecture.widths == [2, 8, 4, 16, 1]
    text = " ".join(m.value for m in app.markdown)
    expected = 2 * 8 + 8 + 8 * 4 + 4 + 4 * 16 + 16 + 16 + 1
    assert f"**{expected} parameters**" in text
    assert "layer 3: 4×16 weights + 16 biases = 80" in text
    for head in pg.HEADS:
        widget(app.selectbox, "pg_head").set_value(head).run()
        assert trainer(app).architecture.head == head
        assert_clean(app)
    for activation in pg.ACTIVATION_NAMES:
        widget(app.selectbox, "pg_activation").set_value(activation).run()
        button(app, "playground.step_epoch").click().run()
        assert_clean(app)
    widget(app.selectbox, "pg_head").set_value("sigmoid_bce").run()
    widget(app.slider, "pg_layers").set_value(0).run()
    assert trainer(app).architecture.widths == [2, 1]
    assert any(en("playground.no_hidden_note") == info.value for info in app.info)


def test_width_is_capped_at_16_for_2d_data():
    app = fresh()
    width = widget(app.number_input, "pg_width_0")
    assert width.max == 16
    width.set_value(16).run()
    assert trainer(app).architecture.hidden == (16,)


@pytest.mark.parametrize("name", ["xor_2_4_1", "deep_2_8_8_1", "linear_stack", "exercise_net", "lecture_mlp"])
def test_2d_presets(name):
    app = fresh()
    widget(app.selectbox, "pg_preset").set_value(name).run()
    preset = pg.PRESETS[name]
    assert trainer(app).architecture.hidden == preset.hidden
    assert trainer(app).settings.optimizer == preset.optimizer
    assert trainer(app).settings.learning_rate == preset.learning_rate
    button(app, "playground.step_epoch").click().run()
    assert_clean(app)


def test_training_controls_change_settings_without_resetting():
    app = fresh()
    button(app, "playground.step_epoch").click().run()
    weights = {k: v.clone() for k, v in trainer(app).model.state_dict().items()}
    widget(app.selectbox, "pg_optimizer").set_value("adam").run()
    widget(app.select_slider, "pg_lr").set_value(0.01).run()
    widget(app.select_slider, "pg_batch").set_value(64).run()
    widget(app.selectbox, "pg_reg").set_value("l2").run()
    widget(app.select_slider, "pg_reg_rate").set_value(0.001).run()
    widget(app.slider, "pg_dropout").set_value(0.2).run()
    settings = trainer(app).settings
    assert settings == pg.Settings("adam", 0.01, 64, "l2", 0.001, 0.2)
    assert all(torch.equal(weights[k], v) for k, v in trainer(app).model.state_dict().items())
    widget(app.selectbox, "pg_reg").set_value("l1").run()
    widget(app.selectbox, "pg_optimizer").set_value("momentum").run()
    button(app, "playground.step_epoch").click().run()
    assert metric(app, "playground.metric_epoch") == "2"
    widget(app.select_slider, "pg_batch").set_value(512).run()
    assert any("full-batch" in info.value for info in app.info)
    widget(app.number_input, "pg_example").set_value(5).run()
    assert_clean(app)


def test_learning_rate_slider_is_logarithmic():
    app = fresh()
    options = widget(app.select_slider, "pg_lr").options
    assert options[0] == "0.0001" and options[-1] == "10"
    assert len(options) == len(pg.LEARNING_RATES)


def test_divergence_is_caught_explained_and_remedied():
    app = fresh()
    widget(app.selectbox, "pg_activation").set_value("relu").run()
    widget(app.selectbox, "pg_head").set_value("linear_squared").run()
    widget(app.select_slider, "pg_lr").set_value(10.0).run()
    widget(app.select_slider, "pg_batch").set_value(4).run()
    for _ in range(5):
        button(app, "playground.step_epoch").click().run()
        if trainer(app).divergence is not None:
            break
    assert not app.exception
    info = trainer(app).divergence
    assert info is not None
    assert any(e.value.startswith("Training stopped at epoch") for e in app.error)
    assert button(app, "playground.step_epoch").disabled
    button(app, "playground.remedy_lower", lr="1").click().run()
    assert trainer(app).divergence is None
    assert app.session_state["pg_lr"] == 1.0
    assert not app.error
    button(app, "playground.step_batch").click().run()
    assert_clean(app)


def test_restore_remedy_keeps_the_rate():
    app = fresh()
    widget(app.selectbox, "pg_activation").set_value("relu").run()
    widget(app.selectbox, "pg_head").set_value("linear_squared").run()
    widget(app.select_slider, "pg_lr").set_value(10.0).run()
    widget(app.select_slider, "pg_batch").set_value(4).run()
    for _ in range(5):
        button(app, "playground.step_epoch").click().run()
        if trainer(app).divergence is not None:
            break
    assert trainer(app).divergence is not None
    button(app, "playground.remedy_restore").click().run()
    assert trainer(app).divergence is None and trainer(app).settings.learning_rate == 10.0
    assert_clean(app)


def test_linear_activation_shows_the_collapse():
    app = fresh()
    widget(app.selectbox, "pg_preset").set_value("linear_stack").run()
    assert any(en("playground.collapse_title") == e.label for e in app.expander)
    assert app.latex and "W' =" in app.latex[0].value
    assert any("straight line" in m.value for m in app.markdown)


def own_points_app():
    app = fresh()
    widget(app.selectbox, "pg_source").set_value("own").run()
    return app


def test_own_points_start_empty_and_can_start_from_the_toy_shape():
    app = own_points_app()
    assert_clean(app)
    assert any(en("playground.need_two_classes") == info.value for info in app.info)
    button(app, "playground.start_from_toy").click().run()
    assert trainer(app) is not None and len(app.session_state[STATE].own_points) == 200
    widget(app.selectbox, "pg_click_class").set_value(2).run()
    button(app, "playground.clear_points").click().run()
    assert trainer(app) is None
    assert_clean(app)


def upload_csv(app, raw: bytes):
    widget(app.file_uploader, "pg_csv").set_value(("points.csv", raw, "text/csv")).run()
    return app


def test_csv_upload_good_file_trains():
    app = own_points_app()
    rows = "".join(f"{i % 7},{i % 5},{'ab'[i % 2]}\n" for i in range(40))
    upload_csv(app, ("x,y,label\n" + rows).encode())
    assert_clean(app)
    assert any(en("playground.csv_loaded", rows=40, classes=2) == s.value for s in app.success)
    button(app, "playground.step_epoch").click().run()
    assert metric(app, "playground.metric_epoch") == "1"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"a,b,c\n1,2,3\n", "missing_columns"),
        (b"x,y,label\n", "no_rows"),
        (b"x,y,label\n1,nan,0\n2,3,1\n", "not_finite"),
        (b"x,y,label\n1,two,0\n2,3,1\n", "not_a_number"),
        (b"x,y,label\n1,2,a\n2,3,a\n", "single_class"),
        (("x,y,label\n" + "1,1,0\n" * 5001).encode(), "too_many_rows"),
        (b"", "no_header"),
    ],
)
def test_bad_csv_keeps_the_previous_data_model_and_history(raw, reason):
    app = own_points_app()
    upload_csv(app, b"x,y,label\n0,0,a\n1,1,b\n2,2,a\n3,3,b\n")
    button(app, "playground.step_epoch").click().run()
    before = trainer(app)
    points = app.session_state[STATE].own_points
    upload_csv(app, raw)
    assert not app.exception
    assert app.error and en("playground.previous_kept") in app.error[0].value
    assert app.session_state[STATE].own_points is points
    assert trainer(app) is before and metric(app, "playground.metric_epoch") == "1"


def test_digits_with_course_presets():
    app = fresh()
    widget(app.selectbox, "pg_source").set_value("digits").run()
    assert_clean(app)
    assert trainer(app).architecture.input_size == 784
    assert widget(app.number_input, "pg_width_0").max == 256
    for name, count in (("net_3b1b", "13,002"), ("keras_40_line", "101,770"), ("backprop_unit", "15,910")):
        widget(app.selectbox, "pg_preset").set_value(name).run()
        assert any(f"**{count} parameters**" in m.value for m in app.markdown)
    button(app, "playground.step_batch").click().run()
    assert_clean(app)
    titles = [json.dumps(figure) for figure in figures(app)]
    assert any("Confusion matrix" in spec for spec in titles)


def test_fashion_mnist_when_installed():
    app = fresh()
    if en("playground.source.fashion-mnist") not in widget(app.selectbox, "pg_source").options:
        pytest.skip("no Fashion-MNIST folder on this machine")
    widget(app.selectbox, "pg_source").set_value("fashion-mnist").run()
    assert_clean(app)
    assert trainer(app).data.examples_per_epoch == 6000
    assert any("6,000" in c.value for c in app.caption)


def test_export_and_import_weights():
    app = fresh()
    button(app, "playground.step_epoch").click().run()
    architecture = trainer(app).architecture
    exported = pg.export_weights(trainer(app).model)
    x = torch.randn(10, 2)
    expected = trainer(app).model(x)
    assert any("nn.Linear(2, 4)" in code.value for code in app.code)
    button(app, "playground.reset").click().run()
    widget(app.file_uploader, "pg_import").set_value(("w.pt", exported, "application/octet-stream")).run()
    assert any(en("playground.import_ok", architecture=architecture.label()) == s.value for s in app.success)
    assert torch.equal(trainer(app).model(x), expected)
    assert metric(app, "playground.metric_epoch") == "0"


def test_import_with_the_wrong_shape_is_refused_and_keeps_the_network():
    app = fresh()
    other = pg.build_model(pg.Architecture(2, (8,), 2), 0)
    buffer = io.BytesIO()
    torch.save(other.state_dict(), buffer)
    before = {k: v.clone() for k, v in trainer(app).model.state_dict().items()}
    widget(app.file_uploader, "pg_import").set_value(("w.pt", buffer.getvalue(), "application/octet-stream")).run()
    assert not app.exception
    assert app.error and "Shape mismatch" in app.error[0].value
    assert all(torch.equal(before[k], v) for k, v in trainer(app).model.state_dict().items())
    widget(app.file_uploader, "pg_import").set_value(("w.pt", b"garbage", "application/octet-stream")).run()
    assert app.error and "cannot be read as PyTorch weights" in app.error[0].value


def test_two_sessions_do_not_share_a_model():
    first, second = fresh(), fresh()
    button(first, "playground.step_epoch").click().run()
    assert trainer(first) is not trainer(second)
    assert metric(second, "playground.metric_epoch") == "0"
    second.run()
    assert metric(second, "playground.metric_epoch") == "0"

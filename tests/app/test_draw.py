"""The drawing page in AppTest: an injected drawing instead of the canvas, and every control."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from core.i18n import translate
from core.models import MLP
from tests.app.conftest import assert_clean, figures, run_page
from ui.session import CURRENT_DIGIT_KEY, PLAYGROUND_NETWORK_KEY, PlaygroundNetwork

PAGE = "pages/draw.py"
INJECT = "draw.injected_drawing"


def drawing(lines: list[list[tuple[int, int]]], width: int = 18) -> np.ndarray:
    picture = Image.new("RGBA", (280, 280), (255, 255, 255, 255))
    pen = ImageDraw.Draw(picture)
    for line in lines:
        pen.line(line, fill=(0, 0, 0, 255), width=width, joint="curve")
    return np.asarray(picture)


SEVEN = drawing([[(60, 50), (200, 50), (120, 230)]])
ONE = drawing([[(145, 40), (138, 240)]])
BLANK = drawing([])


def text(key: str, **params) -> str:
    return translate("en", key, **params)


def shown(app) -> str:
    """Every piece of text on the page, for 'is this message there' checks."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success")
    parts = [element.value for kind in kinds for element in getattr(app, kind)]
    return "\n".join(str(part) for part in parts)


def prediction(app) -> str:
    return app.metric[0].value


def png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def seven_app():
    app = run_page(PAGE, {INJECT: SEVEN})
    assert_clean(app)
    return app


def test_injected_drawing_is_predicted_and_becomes_the_current_digit(seven_app):
    app = seven_app
    assert prediction(app) == "7"
    assert text("draw.from_drawing", strokes=1) in shown(app)
    assert "Confidence" in shown(app)
    digit = app.session_state[CURRENT_DIGIT_KEY]
    assert digit.source == "drawing" and digit.image.shape == (28, 28) and digit.label is None
    assert len(figures(app)) >= 6  # bars, tensor, stages, three conv layers, Grad-CAM
    assert text("draw.stages_title") in [h.value for h in app.subheader]


def test_blank_drawing_asks_for_a_drawing_and_invents_nothing():
    app = run_page(PAGE, {INJECT: BLANK})
    assert_clean(app)
    assert text("draw.blank") in [i.value for i in app.info]
    assert len(app.metric) == 0
    assert CURRENT_DIGIT_KEY not in app.session_state
    assert not figures(app)


def test_a_dot_and_a_scribble_get_a_low_confidence_warning():
    dot = run_page(PAGE, {INJECT: drawing([[(140, 140), (141, 141)]])})
    assert_clean(dot)
    assert len(dot.metric) == 1
    assert text("draw.flag.tiny") in shown(dot)
    rng = np.random.default_rng(3)
    lines = [[tuple(rng.integers(60, 220, 2)), tuple(rng.integers(60, 220, 2))] for _ in range(60)]
    scribble = run_page(PAGE, {INJECT: drawing(lines, width=22)})
    assert_clean(scribble)
    assert text("draw.flag.dense") in shown(scribble)


def test_a_clear_digit_gets_no_warning(seven_app):
    assert not seven_app.warning


@pytest.mark.parametrize("key", ["cnn", "cnn_robust", "mlp_keras", "mlp_3b1b"])
def test_every_shipped_model_reads_the_drawing(seven_app, key):
    app = seven_app
    app.selectbox(key="draw.model").select(key).run()
    assert_clean(app)
    assert prediction(app) == "7"
    captions = shown(app)
    if key.startswith("mlp"):
        assert text("draw.inside_mlp") in captions
        assert not _has(app, "draw.gradcam_layer")
    else:
        assert text("draw.inside_cnn") in captions
        assert _has(app, "draw.gradcam_layer")


def _has(app, key: str) -> bool:
    try:
        app.segmented_control(key=key)
    except KeyError:
        return False
    return True


def test_grad_cam_controls(seven_app):
    app = seven_app
    captions = lambda: [caption.value for caption in app.caption]  # noqa: E731
    assert text("gradcam.caption_relu", layer="conv2", rows=14, cols=14) in captions()
    app.segmented_control(key="draw.gradcam_layer").set_value("conv3").run()
    assert_clean(app)
    assert text("draw.gradcam_coarse", layer="conv3", height=7, width=7) in _chart_texts(app)
    assert text("gradcam.caption_relu", layer="conv3", rows=7, cols=7) in captions()
    app.toggle(key="draw.gradcam_relu").set_value(False).run()
    assert_clean(app)
    assert text("draw.gradcam_coarse", layer="conv3", height=7, width=7) in _chart_texts(app)
    assert text("gradcam.caption_signed", layer="conv3", rows=7, cols=7) in captions()


def _chart_texts(app) -> str:
    """Every chart's figure as JSON text (titles, annotations and hover templates included)."""
    return "\n".join(json.dumps(figure, ensure_ascii=False) for figure in figures(app))


def test_playground_digit_model_is_offered_and_used():
    network = PlaygroundNetwork(model=MLP([784, 24, 10]).eval(), dataset="digits", input_size=784, epochs_trained=1)
    app = run_page(PAGE, {INJECT: SEVEN, PLAYGROUND_NETWORK_KEY: network})
    options = app.selectbox(key="draw.model").options
    assert text("draw.model.playground") in options
    app.selectbox(key="draw.model").select("playground").run()
    assert_clean(app)
    assert prediction(app).isdigit()
    assert text("draw.hidden_layer", number=1, count=24) in _chart_texts(app)


@pytest.mark.parametrize(("model", "message"), [
    (MLP([784, 8, 10]), "draw.model_not_finite"),  # weights set to NaN below: a diverged training run
    (MLP([100, 10]), "draw.model_failed"),  # layers that do not fit a 28×28 digit
])
def test_a_broken_playground_model_gets_a_message_not_a_crash(model, message):
    if model.widths[0] == 784:
        for parameter in model.parameters():
            parameter.data.fill_(float("nan"))
    network = PlaygroundNetwork(model=model, dataset="digits", input_size=784)
    app = run_page(PAGE, {INJECT: SEVEN, PLAYGROUND_NETWORK_KEY: network})
    app.selectbox(key="draw.model").select("playground").run()
    assert not app.exception
    assert text(message) in [w.value for w in app.warning]
    assert len(app.metric) == 0


def test_a_playground_model_on_other_data_is_not_offered():
    network = PlaygroundNetwork(model=MLP([2, 8, 2]), dataset="xor", input_size=2)
    app = run_page(PAGE, {INJECT: SEVEN, PLAYGROUND_NETWORK_KEY: network})
    assert text("draw.model.playground") not in app.selectbox(key="draw.model").options


def accuracy_shown(app) -> float:
    caption = next(c.value for c in app.caption if "held-out digits drawn" in c.value)
    return float(caption.split("reads ")[1].split("%")[0])


def test_switching_steps_off_changes_the_input_and_the_accuracy():
    app = run_page(PAGE, {INJECT: SEVEN})
    app.selectbox(key="draw.model").select("mlp_keras").run()
    full = accuracy_shown(app)
    full_input = app.session_state[CURRENT_DIGIT_KEY].image.copy()
    for step in ("ink", "crop", "fit", "centre"):
        app.toggle(key=f"draw.step.{step}").set_value(False).run()
        assert_clean(app)
        assert not np.allclose(app.session_state[CURRENT_DIGIT_KEY].image, full_input), step
        if step in ("ink", "crop"):  # the two steps every model needs; fit and centre matter less to some
            assert accuracy_shown(app) < full - 5, step
        else:
            assert accuracy_shown(app) <= full, step
        app.toggle(key=f"draw.step.{step}").set_value(True).run()
    assert accuracy_shown(app) == full
    assert full > 90


def test_brush_undo_and_clear_controls(seven_app):
    app = seven_app
    app.slider(key="draw.brush").set_value(30).run()
    assert_clean(app)
    assert app.session_state["draw.brush"] == 30
    first, second = {"type": "path", "path": [["M", 1, 1]]}, {"type": "path", "path": [["M", 2, 2]]}
    app.session_state["draw.canvas_objects"] = [first, second]
    app.button(key="draw.undo").click().run()
    assert_clean(app)
    assert app.session_state["draw.canvas_initial"]["objects"] == [first]
    app.session_state["draw.canvas_generation"] = 5
    app.button(key="draw.clear").click().run()
    assert_clean(app)
    assert app.session_state["draw.canvas_generation"] == 6
    assert app.session_state["draw.canvas_initial"] is None


def test_the_real_canvas_renders_empty_without_injection():
    app = run_page(PAGE)
    assert_clean(app)
    assert text("draw.blank") in [i.value for i in app.info]
    assert app.button(key="draw.undo").disabled and app.button(key="draw.clear").disabled


def held_out_app():
    app = run_page(PAGE, {INJECT: SEVEN})
    app.segmented_control(key="draw.source").set_value("held_out").run()
    assert_clean(app)
    return app


def test_held_out_digit_by_class_random_and_another():
    app = held_out_app()
    assert all(app.toggle(key=f"draw.step.{step}").disabled for step in ("ink", "crop", "fit", "centre"))
    app.selectbox(key="draw.held_out_class").select(3).run()
    digit = app.session_state[CURRENT_DIGIT_KEY]
    assert digit.source == "held_out" and digit.label == 3 and digit.held_out_index is not None
    assert "true label 3" in shown(app)
    indices = {digit.held_out_index}
    for _ in range(4):
        app.button(key="draw.held_out_another").click().run()
        indices.add(app.session_state[CURRENT_DIGIT_KEY].held_out_index)
    assert len(indices) > 1
    assert app.session_state[CURRENT_DIGIT_KEY].label == 3
    app.radio(key="draw.held_out_mode").set_value("random").run()
    assert_clean(app)
    assert app.session_state[CURRENT_DIGIT_KEY].source == "held_out"


def test_misclassified_held_out_digits_are_wrong():
    app = held_out_app()
    app.selectbox(key="draw.model").select("mlp_3b1b").run()
    app.radio(key="draw.held_out_mode").set_value("misclassified").run()
    assert_clean(app)
    digit = app.session_state[CURRENT_DIGIT_KEY]
    assert prediction(app) != str(digit.label)
    assert text("draw.verdict_wrong", label=digit.label) in shown(app)


def photo_of_one() -> bytes:
    picture = Image.new("L", (200, 260), 215)
    ImageDraw.Draw(picture).line([(105, 30), (95, 230)], fill=30, width=14)
    return png(picture.convert("RGB"))


def upload_app():
    app = run_page(PAGE, {INJECT: SEVEN})
    app.segmented_control(key="draw.source").set_value("upload").run()
    assert_clean(app)
    assert text("draw.upload_prompt") in [i.value for i in app.info]
    return app


def test_uploaded_photo_is_predicted_and_becomes_the_current_digit():
    app = upload_app()
    app.file_uploader(key="draw.upload").upload("one.png", photo_of_one(), "image/png").run()
    assert_clean(app)
    assert prediction(app) == "1"
    assert app.session_state[CURRENT_DIGIT_KEY].source == "upload"
    assert len(app.get("image")) == 1  # the uploaded picture is shown back


def bad_uploads() -> dict[str, bytes]:
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("white", "black")]
    animated = io.BytesIO()
    frames[0].save(animated, format="PNG", save_all=True, append_images=frames[1:])
    transparent = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    good = photo_of_one()
    return {
        "not_an_image": b"name,label\n1,2\n",
        "corrupt": good[: len(good) // 2],
        "too_many_pixels": png(Image.new("L", (8000, 8000), 255)),
        "animated": animated.getvalue(),
        "sixteen_bit": png(Image.fromarray(np.full((40, 40), 40000, np.uint16))),
        "transparent": png(transparent),
        "too_small": png(Image.new("L", (1, 1), 0)),
    }


def test_every_bad_upload_gets_a_clear_message_and_keeps_the_current_digit():
    app = upload_app()
    app.file_uploader(key="draw.upload").upload("one.png", photo_of_one(), "image/png").run()
    before = app.session_state[CURRENT_DIGIT_KEY].image.copy()
    for reason, data in bad_uploads().items():
        app.file_uploader(key="draw.upload").set_value(("bad.png", data, "image/png")).run()
        assert not app.exception, reason
        errors = [e.value for e in app.error]
        assert len(errors) == 1 and errors[0].startswith(message_start(reason)), (reason, errors)
        assert len(app.metric) == 0, reason
        np.testing.assert_array_equal(app.session_state[CURRENT_DIGIT_KEY].image, before)


def message_start(reason: str) -> str:
    """The English message for a refused upload, up to its first placeholder."""
    from core.i18n import catalog

    return catalog("en")[f"draw.upload_error.{reason}"].split("{")[0]

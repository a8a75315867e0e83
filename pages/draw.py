"""Draw a digit: live prediction, with the preprocessing laid bare."""

from __future__ import annotations

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from core import draw_figures as figures
from core import i18n
from core.drawn_digits import accuracy, drawn_tensors
from core.explain import grad_cam
from core.models import SHIPPED_MODELS, DigitCNN
from core.prediction import Prediction, misclassified, predict
from core.preprocess import Preprocessed, Steps, UploadError, preprocess_drawing, preprocess_upload
from core.url_state import Problem
from ui.canvas import send_strokes_on_pen_up
from ui.figures import LaterFigures
from ui.i18n import t
from ui.page_url import note_problems, publish_page_settings, published, restore_page_settings
from ui.resources import digit_split, held_out_digit, shipped_model
from ui.session import CurrentDigit, playground_network, set_current_digit

PAGE = "draw"
INDEX_KEY = "draw.held_out_index"
CHOICE_KEY = "draw.held_out_choice"
DRAWS_KEY = "draw.held_out_draws"
FULL_RUN_KEY = "draw.full_run"  # True while the whole page runs, False when only the fragment reruns
FROM_LINK_KEY = "draw.opened_from_link"  # a link set the page up: its drawing (never in a link) must be drawn again
CANVAS_SIZE = 280
INJECTED_DRAWING_KEY = "draw.injected_drawing"  # a test may put an RGBA array here instead of drawing
PLAYGROUND = "playground"
SOURCES = ("drawing", "held_out", "upload")
HELD_OUT_MODES = ("by_class", "random", "misclassified")
STEP_NAMES = ("ink", "crop", "fit", "centre")
STEP_SAMPLE = 300
MAP_HEIGHTS = {"conv1": 130, "conv2": 140, "conv3": 150}
BIG_PREDICTION = "<style>[data-testid='stMetricValue'] {font-size: 5.5rem; line-height: 1.1;}</style>"
CHART = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


# ---------------------------------------------------------------- cached, shared, read-only


@st.cache_data(show_spinner=False, max_entries=8)
def shipped_misclassified(model_key: str) -> np.ndarray:
    split = digit_split()
    return misclassified(shipped_model(model_key), split.test_images, split.test_labels)


@st.cache_data(show_spinner=False, max_entries=16)
def drawn_inputs(steps: Steps) -> tuple[np.ndarray, np.ndarray]:
    """The first held-out digits drawn on a canvas and preprocessed with these steps."""
    split = digit_split()
    tensors, _ = drawn_tensors(split.test_images[:STEP_SAMPLE], steps)
    return tensors, split.test_labels[:STEP_SAMPLE]


@st.cache_data(show_spinner=False, max_entries=64)
def shipped_step_accuracy(model_key: str, steps: Steps) -> float:
    return accuracy(shipped_model(model_key), *drawn_inputs(steps))


def step_accuracy(model_key: str, model, steps: Steps) -> float:
    """How many drawn held-out digits the model reads right through these preprocessing steps."""
    if model_key == PLAYGROUND:
        return accuracy(model, *drawn_inputs(steps))
    return shipped_step_accuracy(model_key, steps)


# ---------------------------------------------------------------- controls


def model_choice() -> tuple[str, object]:
    """The chosen model's key and module: a shipped model or the student's playground digit model."""
    options = list(SHIPPED_MODELS)
    network = playground_network()
    if network is not None and network.is_digit_model:
        options.append(PLAYGROUND)
    if st.session_state.get("draw.model") not in options:
        st.session_state["draw.model"] = options[0]
    key = st.selectbox(
        t("draw.model_label"), options, format_func=lambda k: t(f"draw.model.{k}"), key="draw.model",
        help=t("draw.model_help"),
    )
    return key, network.model if key == PLAYGROUND else shipped_model(key)


def source_choice() -> str:
    return st.segmented_control(
        t("draw.source_label"), SOURCES, format_func=lambda s: t(f"draw.source.{s}"), key="draw.source",
        default="drawing", required=True,
    )


def step_choice(disabled: bool) -> Steps:
    """The four preprocessing switches (held-out digits are preprocessed already: then they are off limits)."""
    columns = st.columns(len(STEP_NAMES))
    chosen = {
        name: column.toggle(t(f"draw.step.{name}"), True, key=f"draw.step.{name}", help=t(f"draw.step_help.{name}"),
                            disabled=disabled)
        for name, column in zip(STEP_NAMES, columns)
    }
    return Steps(**chosen)


# ---------------------------------------------------------------- the canvas, behind a seam


def clear_canvas() -> None:
    st.session_state["draw.canvas_generation"] = st.session_state.get("draw.canvas_generation", 0) + 1
    st.session_state["draw.canvas_initial"] = None
    st.session_state["draw.stale_image"] = None


def undo_stroke() -> None:
    objects = st.session_state.get("draw.canvas_objects") or []
    if not objects:
        return
    if len(objects) == 1:
        clear_canvas()
        return
    undos = st.session_state.get("draw.undo_count", 0) + 1
    st.session_state["draw.undo_count"] = undos
    st.session_state["draw.canvas_initial"] = {"objects": objects[:-1], "undo": undos}
    st.session_state["draw.stale_image"] = st.session_state.get("draw.canvas_image")


def canvas_drawing(brush: int) -> tuple[np.ndarray | None, int, bool]:
    """The canvas's RGBA pixels (None before the first stroke), its stroke count, and whether an
    undo is still on its way from the browser. A drawing in session_state[INJECTED_DRAWING_KEY]
    replaces the canvas (tests cannot move a mouse)."""
    injected = st.session_state.get(INJECTED_DRAWING_KEY)
    if injected is not None:
        return np.asarray(injected, dtype=np.uint8), 1, False
    generation = st.session_state.get("draw.canvas_generation", 0)
    result = st_canvas(
        stroke_width=brush,
        stroke_color="#000000",
        background_color="#ffffff",
        height=CANVAS_SIZE,
        width=CANVAS_SIZE,
        drawing_mode="freedraw",
        initial_drawing=st.session_state.get("draw.canvas_initial"),
        return_image_data=True,
        key=f"draw.canvas.{generation}",
    )
    objects = (result.json_data or {}).get("objects", [])
    st.session_state["draw.canvas_objects"] = objects
    image_bytes = result.image_bytes
    stale = image_bytes is not None and image_bytes == st.session_state.get("draw.stale_image")
    if not stale:
        st.session_state["draw.stale_image"] = None
    st.session_state["draw.canvas_image"] = image_bytes
    return (None if image_bytes is None else result.image_data), len(objects), stale


def drawing_input(steps: Steps) -> tuple[Preprocessed | None, str]:
    """The drawing panel: canvas, undo, clear and brush; returns the preprocessed drawing and a caption."""
    brush = st.session_state.get("draw.brush", 20)
    st.markdown(f"**{t('draw.canvas_label')}**")
    rgba, strokes, stale = canvas_drawing(brush)
    send_strokes_on_pen_up()
    undo_column, clear_column = st.columns(2)
    undo_column.button(t("draw.undo"), on_click=undo_stroke, icon=":material/undo:", width="stretch",
                       disabled=strokes == 0, key="draw.undo")
    clear_column.button(t("draw.clear"), on_click=clear_canvas, icon=":material/delete:", width="stretch",
                        disabled=strokes == 0, key="draw.clear")
    st.slider(t("draw.brush_label"), 6, 40, key="draw.brush", help=t("draw.brush_help"))
    st.caption(t("draw.canvas_help"))
    if strokes == 0 and st.session_state.get(FROM_LINK_KEY):
        st.info(t("draw.drawing_not_in_link"), icon=":material/link:")
    elif strokes:
        st.session_state[FROM_LINK_KEY] = False
    if stale:
        st.caption(t("draw.updating"))
        return None, ""
    if rgba is None:
        rgba = np.full((CANVAS_SIZE, CANVAS_SIZE, 4), 255, dtype=np.uint8)
    return preprocess_drawing(rgba, steps), t("draw.from_drawing", strokes=strokes)


# ---------------------------------------------------------------- other inputs


def pick_held_out(candidates: np.ndarray, another: bool = False) -> None:
    """A digit among the candidates, drawn from a generator seeded by how many were asked for (the
    first pick of a choice is always the same; the link carries the index itself)."""
    if another:
        st.session_state[DRAWS_KEY] = st.session_state.get(DRAWS_KEY, 0) + 1
    rng = np.random.default_rng(st.session_state.get(DRAWS_KEY, 0))
    st.session_state[INDEX_KEY] = int(rng.choice(candidates)) if len(candidates) else None


def held_out_candidates(mode: str, digit: int, model_key: str, model) -> np.ndarray:
    split = digit_split()
    if mode == "by_class":
        return np.flatnonzero(split.test_labels == digit)
    if mode == "misclassified":
        if model_key == PLAYGROUND:
            return misclassified(model, split.test_images, split.test_labels)
        return shipped_misclassified(model_key)
    return np.arange(len(split.test_labels))


def held_out_choice(mode: str, digit: int, model_key: str) -> tuple:
    return mode, digit, model_key if mode == "misclassified" else None


def held_out_input(model_key: str, model) -> tuple[int, np.ndarray, int] | None:
    """The held-out panel; returns (index, image, true label) or None when nothing fits the choice."""
    mode = st.radio(t("draw.held_out_mode"), HELD_OUT_MODES, format_func=lambda m: t(f"draw.held_out.{m}"),
                    key="draw.held_out_mode", horizontal=True)
    digit = st.selectbox(t("draw.held_out_class"), list(range(10)), key="draw.held_out_class",
                         disabled=mode != "by_class")
    candidates = held_out_candidates(mode, digit, model_key, model)
    choice = held_out_choice(mode, digit, model_key)
    current = st.session_state.get(INDEX_KEY)
    if st.session_state.get(CHOICE_KEY) != choice or current not in set(candidates.tolist()):
        st.session_state[CHOICE_KEY] = choice
        pick_held_out(candidates)
    st.button(t("draw.held_out_another"), on_click=pick_held_out, args=(candidates, True), icon=":material/casino:",
              key="draw.held_out_another",
              disabled=len(candidates) == 0)
    if len(candidates) == 0:
        st.info(t("draw.held_out_none"))
        return None
    index = st.session_state[INDEX_KEY]
    image, label = held_out_digit(index)
    st.caption(t("draw.held_out_caption", index=index, label=label, count=len(candidates)))
    return index, image, label


def upload_input(steps: Steps) -> Preprocessed | None:
    """The upload panel; a bad file gets a message and changes nothing else."""
    uploaded = st.file_uploader(t("draw.upload_label"), type=["png", "jpg", "jpeg"], key="draw.upload",
                                help=t("draw.upload_help"))
    if uploaded is None:
        st.info(t("draw.upload_prompt"))
        return None
    try:
        result = preprocess_upload(uploaded.getvalue(), steps)
    except UploadError as error:
        st.error(t(f"draw.upload_error.{error.reason}", **error.details))
        return None
    st.image(result.raw, caption=t("draw.upload_preview", name=i18n.literal(uploaded.name)), width=CANVAS_SIZE)
    return result


# ---------------------------------------------------------------- show


def safe_predict(model, tensor: np.ndarray) -> Prediction | None:
    """The prediction, or None with a message when the model cannot give a finite one (a diverged
    playground network has NaN weights; a shipped model always answers)."""
    try:
        prediction = predict(model, tensor)
    except RuntimeError:
        st.warning(t("draw.model_failed"))
        return None
    if not np.isfinite(prediction.probabilities).all():
        st.warning(t("draw.model_not_finite"))
        return None
    return prediction


def show_prediction(prediction: Prediction, flags: tuple[str, ...], caption: str, label: int | None,
                    later: LaterFigures) -> None:
    top, confidence = prediction.top, prediction.confidence
    st.html(BIG_PREDICTION)
    st.metric(t("draw.prediction_label"), str(top), help=t("draw.prediction_help"))
    st.markdown(t("draw.confidence", confidence=confidence))
    if caption:
        st.caption(caption)
    if label is not None:
        verdict = "draw.verdict_right" if label == top else "draw.verdict_wrong"
        st.markdown(t(verdict, label=label))
    reasons = [t(f"draw.flag.{flag}") for flag in flags]
    if prediction.low_confidence:
        reasons.append(t("draw.flag.low", confidence=confidence))
    if reasons:
        st.warning(t("draw.low_confidence") + " " + " ".join(reasons), icon=":material/help:")
    later.place(lambda: figures.probability_bars(prediction.probabilities, t("draw.bars_title"), t("draw.class_label"),
                                                 t("draw.probability_label")), config=CHART, live=True, key="draw.bars")


def stages(result: Preprocessed, steps: Steps) -> list[tuple[str, np.ndarray]]:
    """(title, image) of every stage that exists: raw and ink always, the rest when there is ink."""

    def titled(key: str, image: np.ndarray) -> str:
        return f"{t(key)}<br>{image.shape[1]}×{image.shape[0]}"

    shown = [
        (titled("draw.stage.raw", result.raw), result.raw),
        (titled("draw.stage.ink" if steps.ink else "draw.stage.grey", result.ink), result.ink),
    ]
    if result.crop is not None:
        shown += [
            (titled("draw.stage.crop", result.crop), result.crop),
            (titled("draw.stage.fit", result.fitted), result.fitted),
            (titled("draw.stage.centre" if steps.centre else "draw.stage.middle", result.placed), result.placed),
            (titled("draw.stage.tensor_short", result.tensor), result.tensor),
        ]
    return shown


def show_stages(result: Preprocessed, steps: Steps, accuracy: float | None, later: LaterFigures) -> None:
    st.subheader(t("draw.stages_title"))
    st.caption(t("draw.stages_intro"))
    later.place(lambda: figures.stages_figure(stages(result, steps), t("draw.value_label"), t("draw.block_mean")),
                config=CHART, live=True, key="draw.stages")
    if accuracy is not None:
        st.caption(t("draw.step_accuracy", accuracy=accuracy, count=STEP_SAMPLE))


def show_tensor(tensor: np.ndarray, later: LaterFigures) -> None:
    later.place(lambda: figures.tensor_figure(tensor, t("draw.stage.tensor"), t("draw.value_label")),
                config=CHART, live=True, key="draw.tensor")


def show_inside(model, prediction: Prediction, tensor: np.ndarray, later: LaterFigures) -> None:
    st.subheader(t("draw.inside_title"))
    activation = t("draw.activation_label")
    if prediction.hidden:
        titles = [t("draw.hidden_layer", number=i + 1, count=len(h)) for i, h in enumerate(prediction.hidden)]
        st.caption(t("draw.inside_mlp"))
        later.place(
            lambda: figures.mlp_figure(prediction.hidden, prediction.outputs, titles, t("draw.output_layer"),
                                       t("draw.neuron_label"), activation, t("draw.class_label")),
            config=CHART, live=True, key="draw.mlp",
        )
    if isinstance(model, DigitCNN):
        st.caption(t("draw.inside_cnn"))
        for name, maps in prediction.feature_maps.items():
            count, height, width = maps.shape
            title = t("draw.feature_maps_title", layer=name, count=count, height=height, width=width)
            later.place(lambda maps=maps, title=title, name=name: figures.feature_maps_figure(
                maps, title, t("draw.map_label"), activation, columns=16, height=MAP_HEIGHTS[name],
            ), config=CHART, live=True, key=f"draw.maps.{name}")
        show_grad_cam(model, prediction, tensor, later)
    if not isinstance(model, DigitCNN):
        st.caption(t("draw.gradcam_cnn_only"))
    if not prediction.hidden and not isinstance(model, DigitCNN):
        st.info(t("draw.inside_unknown"))


def show_grad_cam(model: DigitCNN, prediction: Prediction, tensor: np.ndarray, later: LaterFigures) -> None:
    st.markdown(f"**{t('draw.gradcam_title', digit=prediction.top)}**")
    layer_column, relu_column = st.columns([1, 2])
    layer = layer_column.segmented_control(t("draw.gradcam_layer"), list(model.gradcam_layers), default="conv2",
                                           required=True, key="draw.gradcam_layer", help=t("draw.gradcam_help"))
    relu = relu_column.toggle(t("draw.gradcam_relu"), True, key="draw.gradcam_relu", help=t("draw.gradcam_relu_help"))
    cam = grad_cam(model, tensor, prediction.top, layer, relu=relu)
    rows, cols = cam.resolution
    later.place(
        lambda: figures.gradcam_figure(tensor, cam.upsampled, cam.coarse,
                                       t("draw.gradcam_overlay", digit=prediction.top),
                                       t("draw.gradcam_coarse", layer=layer, height=rows, width=cols),
                                       t("draw.gradcam_value"), t("draw.value_label")),
        config=CHART, live=True, key="draw.gradcam",
    )
    st.caption(t("gradcam.caption_relu" if relu else "gradcam.caption_signed", layer=layer, rows=rows, cols=cols))
    if relu and float(np.max(cam.coarse)) <= 0:
        st.caption(t("draw.gradcam_empty", layer=layer))


# ---------------------------------------------------------------- the link


def restore_link(values: dict) -> None:
    """A link's held-out digit, kept when it fits the link's choice (class, or misclassified by its model)."""
    st.session_state[FROM_LINK_KEY] = True
    st.session_state.pop(INDEX_KEY, None)
    st.session_state.pop(CHOICE_KEY, None)
    index = values["index"]
    if index is None:
        return
    candidates = held_out_candidates(values["pick"], values["class"], values["model"], None)
    if index not in set(candidates.tolist()):
        note_problems([Problem("index", "invalid")])
        return
    st.session_state[INDEX_KEY] = index
    st.session_state[CHOICE_KEY] = held_out_choice(values["pick"], values["class"], values["model"])


def publish_link(source: str) -> None:
    if source == "held_out":
        publish_page_settings(PAGE, {"index": st.session_state.get(INDEX_KEY)})
    else:
        publish_page_settings(PAGE, skip=("pick", "class", "index"))


def publish_link_from_fragment(source: str) -> None:
    """After a rerun of the fragment alone: the link follows its controls (brush, held-out digit,
    Grad-CAM), and when it changed the whole page reruns so the sidebar's share link shows it."""
    if st.session_state.get(FULL_RUN_KEY):
        return
    before = published(PAGE)
    publish_link(source)
    if published(PAGE) != before:
        st.rerun()


# ---------------------------------------------------------------- the page

st.session_state.setdefault("draw.brush", 20)
restore_page_settings(PAGE, restore_link)
st.title(t("draw.title"))
st.markdown(t("draw.intro"))

settings = st.columns([1, 2])
with settings[0]:
    model_key, model = model_choice()
with settings[1]:
    source = source_choice()

steps = step_choice(disabled=source == "held_out")


@st.fragment
def digit_and_views(model_key: str, model, source: str, steps: Steps) -> None:
    """The input, its prediction and every view of it. A stroke, an upload or another held-out digit
    reruns only this part of the page, and the prediction is sent before the heavier views."""
    input_column, answer_column = st.columns([1, 1], gap="large")
    processed: Preprocessed | None = None
    prediction: Prediction | None = None
    tensor, caption, label, held_out_index = None, "", None, None
    with input_column:
        if source == "drawing":
            processed, caption = drawing_input(steps)
        elif source == "upload":
            processed = upload_input(steps)
            caption = t("draw.from_upload")
        else:
            picked = held_out_input(model_key, model)
            if picked is not None:
                held_out_index, tensor, label = picked
                tensor = tensor.copy()  # the shared split is read-only; this session gets its own copy
                caption = t("draw.from_held_out")
                st.caption(t("draw.held_out_steps"))

    if processed is not None:
        tensor = processed.tensor

    later = LaterFigures()
    with answer_column:
        if processed is not None and processed.blank:
            st.info(t("draw.blank" if source == "drawing" else "draw.upload_blank"), icon=":material/draw:")
        elif tensor is not None:
            prediction = safe_predict(model, tensor)
        if prediction is not None:
            set_current_digit(CurrentDigit(tensor, "held_out" if held_out_index is not None else source, label,
                                           held_out_index))
            show_prediction(prediction, processed.flags if processed is not None else (), caption, label, later)
            show_tensor(tensor, later)

    if processed is not None and not processed.blank:
        show_stages(processed, steps, step_accuracy(model_key, model, steps) if prediction is not None else None,
                    later)

    if prediction is not None:
        show_inside(model, prediction, tensor, later)
    later.send()
    publish_link_from_fragment(source)


st.session_state[FULL_RUN_KEY] = True
try:
    digit_and_views(model_key, model, source, steps)
finally:
    st.session_state[FULL_RUN_KEY] = False
publish_link(source)

"""Playground: build a small network, train it live, and watch it learn."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st

from core import i18n, toy_data
from core import playground as pg
from core.data import FASHION_CLASSES, DataError, available_idx_folders, load_idx_folder
from core.playground_figures import (
    CurveTexts,
    NetworkTexts,
    PlaneTexts,
    confusion_figure,
    curves_figure,
    decision_figure,
    gallery_figure,
    network_figure,
)
from ui.figures import show_figure
from ui.i18n import t
from ui.page_url import publish_page_settings, restore_page_settings
from ui.resources import digit_split
from ui.session import PlaygroundNetwork, set_playground_network

PAGE = "playground"
STATE_KEY = "playground.state"
PLAYING_KEY = "pg_playing"
TICK_SECONDS = 0.15  # the browser asks for the next tick only when it is idle, so this is a ceiling
TRAIN_SECONDS_PER_TICK = {"2d": 0.05, "digits": 0.1}
TILE_RESOLUTION = 20
SURFACE_RESOLUTION = 60
CLICK_GRID = 41
IDX_EPOCH_SIZE = 6000
EXTRA_IDX_FOLDERS = [Path(__file__).resolve().parent.parent / "data" / "mnist"]
DEFAULTS = {
    "pg_source": "toy",
    "pg_shape": "xor",
    "pg_classes": 3,
    "pg_noise": 10,
    "pg_points": 400,
    "pg_train_pct": 50,
    "pg_seed": 1,
    "pg_click_class": 0,
    "pg_preset": "custom",
    "pg_layers": 1,
    "pg_activation": "tanh",
    "pg_head": "sigmoid_bce",
    "pg_optimizer": "sgd",
    "pg_lr": 0.3,
    "pg_batch": 16,
    "pg_reg": "none",
    "pg_reg_rate": 0.0,
    "pg_dropout": 0.0,
    "pg_example": 0,
    PLAYING_KEY: False,
}
DEFAULT_WIDTH = 4


@dataclass
class Workspace:
    """One session's data, trainer and own points (kept across reruns in st.session_state)."""

    data_key: tuple
    data: pg.TrainingData | None
    kind: str  # "2d" or "digits"
    class_names: list[str]
    extent: tuple[float, float, float, float] | None
    trainer: pg.Trainer | None
    own_points: toy_data.PointSet
    own_version: int = 0
    resets: int = 0
    data_message: tuple[str, dict] | None = None
    weights_message: tuple[str, str, dict] | None = None


def init_state() -> Workspace:
    defaults = {**DEFAULTS, **{f"pg_width_{layer}": DEFAULT_WIDTH for layer in range(pg.MAX_HIDDEN_LAYERS)}}
    for key, value in defaults.items():
        # Re-assigning keeps a control's value while it is hidden (Streamlit drops unrendered widget state).
        st.session_state[key] = st.session_state.get(key, value)
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = Workspace((), None, "2d", [], None, None, toy_data.empty_points())
    return st.session_state[STATE_KEY]


@st.cache_resource(show_spinner=False)
def digit_data(source: str) -> pg.TrainingData:
    """The bundled digits or an IDX folder as tensors, shared read-only by every session."""
    if source == "digits":
        return pg.digit_training_data(digit_split())
    return pg.digit_training_data(load_idx_folder(idx_folders()[source]), IDX_EPOCH_SIZE)


def idx_folders() -> dict[str, Path]:
    return available_idx_folders(EXTRA_IDX_FOLDERS)


def class_names_for(source: str, n_classes: int) -> list[str]:
    if source == "fashion-mnist":
        return [t(f"playground.fashion.{index}") for index in range(len(FASHION_CLASSES))]
    if source in ("digits", "mnist") or source in idx_folders():
        return [str(index) for index in range(10)]
    return [t("playground.class_name", number=index + 1) for index in range(n_classes)]


# ---------------------------------------------------------------- controls: data
def data_controls(space: Workspace) -> None:
    sources = ["toy", "own", "digits", *idx_folders()]
    st.sidebar.selectbox(t("playground.source_label"), sources, key="pg_source", format_func=source_name)
    source = st.session_state.pg_source
    if source == "toy":
        st.sidebar.selectbox(
            t("playground.shape_label"),
            toy_data.SHAPES,
            key="pg_shape",
            format_func=lambda s: t(f"playground.shape.{s}"),
        )
        if st.session_state.pg_shape in toy_data.MULTICLASS_SHAPES:
            st.sidebar.slider(t("playground.classes_label"), 2, 6, key="pg_classes")
        st.sidebar.slider(t("playground.noise_label"), 0, 50, step=5, key="pg_noise", format="%d%%")
        st.sidebar.select_slider(t("playground.points_label"), [100, 200, 400, 600, 1000, 2000], key="pg_points")
    if source in ("toy", "own"):
        st.sidebar.slider(t("playground.train_pct_label"), 10, 90, step=5, key="pg_train_pct", format="%d%%")
        st.sidebar.number_input(t("playground.seed_label"), 0, 9999, key="pg_seed")
    if source in idx_folders():
        st.sidebar.caption(t("playground.idx_subsample", size=f"{IDX_EPOCH_SIZE:,}"))


def source_name(source: str) -> str:
    key = f"playground.source.{source}"
    return t(key) if source in ("toy", "own", "digits", "fashion-mnist", "mnist") else source


def current_data(space: Workspace) -> tuple[tuple, pg.TrainingData | None, str, tuple | None, list[str]]:
    """(key, tensors, kind, plane extent, class names) for the data the controls select."""
    source = st.session_state.pg_source
    ratio, seed = st.session_state.pg_train_pct / 100, int(st.session_state.pg_seed)
    if source == "toy":
        shape = st.session_state.pg_shape
        classes = st.session_state.pg_classes if shape in toy_data.MULTICLASS_SHAPES else 2
        key = ("toy", shape, classes, st.session_state.pg_noise, st.session_state.pg_points, ratio, seed)
        if key == space.data_key:
            return key, space.data, "2d", space.extent, space.class_names
        points = toy_data.make_shape(shape, st.session_state.pg_points, st.session_state.pg_noise / 100, seed, classes)
        return (key, *split_to_data(toy_data.split_points(points, ratio, seed)), class_names_for(source, classes))
    if source == "own":
        key = ("own", space.own_version, ratio, seed)
        points = space.own_points
        if key == space.data_key:
            return key, space.data, "2d", space.extent, space.class_names
        if len(np.unique(points.labels)) < 2:
            return key, None, "2d", toy_data.plane_extent(points.points), class_names_for(source, points.n_classes)
        return (
            key,
            *split_to_data(toy_data.split_points(points, ratio, seed)),
            class_names_for(source, points.n_classes),
        )
    try:
        data = digit_data(source)
    except (DataError, OSError) as error:
        st.error(t("playground.idx_error", error=str(error)))
        return space.data_key, space.data, space.kind, space.extent, space.class_names
    return (source,), data, "digits", None, class_names_for(source, 10)


def split_to_data(split: toy_data.Split2D) -> tuple[pg.TrainingData, str, tuple]:
    data = pg.point_training_data(
        split.train.points, split.train.labels, split.test.points, split.test.labels, split.train.n_classes
    )
    return data, "2d", split.extent


def own_points_editor(space: Workspace) -> None:
    """Click on the plot to add a point of the chosen class; CSV upload and download."""
    with st.expander(t("playground.own_title"), expanded=True):
        left, right = st.columns([3, 2])
        with right:
            st.markdown(t("playground.own_help"))
            st.selectbox(
                t("playground.click_class_label"),
                list(range(toy_data.MAX_CLASSES)),
                key="pg_click_class",
                format_func=lambda index: t("playground.class_name", number=index + 1),
            )
            st.file_uploader(t("playground.csv_label"), type=["csv"], key="pg_csv", on_change=on_csv_upload)
            st.caption(t("playground.csv_help", rows=f"{toy_data.MAX_CSV_ROWS:,}"))
            show_data_message(space)
            buttons = st.columns(2)
            buttons[0].button(t("playground.clear_points"), on_click=clear_points, width="stretch")
            buttons[1].button(t("playground.start_from_toy"), on_click=start_from_toy, width="stretch")
            if len(space.own_points):
                st.download_button(
                    t("playground.download_points"),
                    toy_data.points_to_csv(space.own_points),
                    file_name="points.csv",
                    mime="text/csv",
                    width="stretch",
                )
        with left:
            points = space.own_points
            names = class_names_for("own", max(points.n_classes, st.session_state.pg_click_class + 1))
            texts = plane_texts(t("playground.own_plot_title", count=len(points)), names)
            extent = toy_data.plane_extent(points.points)
            figure = decision_figure(
                extent,
                texts,
                (points.points, points.labels),
                (points.points[:0], points.labels[:0]),
                click_grid=CLICK_GRID,
                height=420,
            )
            show_figure(
                figure,
                key="pg_points_plot",
                on_select=on_plot_click,
                selection_mode="points",
                config={"displayModeBar": False},
            )


def on_plot_click() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    selection = st.session_state.get("pg_points_plot", {}).get("selection", {})
    for point in selection.get("points", [])[:1]:
        label = int(st.session_state.pg_click_class)
        space.own_points = toy_data.add_point(space.own_points, float(point["x"]), float(point["y"]), label)
        space.own_version += 1
        space.data_message = None


def on_csv_upload() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    upload = st.session_state.get("pg_csv")
    if upload is None:
        return
    try:
        space.own_points = toy_data.read_points_csv(upload.getvalue())
    except toy_data.CsvError as error:
        details = {name: i18n.literal(value) if isinstance(value, str) else value
                   for name, value in error.details.items()}
        space.data_message = (f"playground.csv_error.{error.reason}", details)
        return
    space.own_version += 1
    space.data_message = (
        "playground.csv_loaded",
        {"rows": len(space.own_points), "classes": space.own_points.n_classes},
    )


def show_data_message(space: Workspace) -> None:
    if space.data_message is None:
        return
    key, details = space.data_message
    if key == "playground.csv_loaded":
        st.success(t(key, **details))
    else:
        st.error(t(key, **details) + " " + t("playground.previous_kept"))


def clear_points() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    space.own_points = toy_data.empty_points()
    space.own_version += 1
    space.data_message = None


def start_from_toy() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    shape = st.session_state.pg_shape
    classes = st.session_state.pg_classes if shape in toy_data.MULTICLASS_SHAPES else 2
    space.own_points = toy_data.make_shape(
        shape, 200, st.session_state.pg_noise / 100, int(st.session_state.pg_seed), classes
    )
    space.own_version += 1
    space.data_message = None


# ---------------------------------------------------------------- controls: network and training
def network_controls(kind: str, n_classes: int, input_size: int) -> pg.Architecture:
    presets = ["custom", *(name for name, preset in pg.PRESETS.items() if preset.kind == kind)]
    if st.session_state.pg_preset not in presets:
        st.session_state.pg_preset = "custom"
    st.sidebar.selectbox(
        t("playground.preset_label"),
        presets,
        key="pg_preset",
        format_func=lambda name: t(f"playground.preset.{name}"),
        on_change=apply_preset,
    )
    max_width = pg.MAX_WIDTH_2D if kind == "2d" else pg.MAX_WIDTH_DIGITS
    for layer in range(pg.MAX_HIDDEN_LAYERS):
        st.session_state[f"pg_width_{layer}"] = min(max(1, st.session_state[f"pg_width_{layer}"]), max_width)
    st.sidebar.slider(t("playground.layers_label"), 0, pg.MAX_HIDDEN_LAYERS, key="pg_layers", on_change=to_custom)
    columns = st.sidebar.columns(3)
    widths = []
    for layer in range(st.session_state.pg_layers):
        widths.append(
            columns[layer % 3].number_input(
                t("playground.width_label", layer=layer + 1), 1, max_width, key=f"pg_width_{layer}", on_change=to_custom
            )
        )
    st.sidebar.caption(t("playground.width_limit", limit=max_width))
    st.sidebar.selectbox(
        t("playground.activation_label"),
        pg.ACTIVATION_NAMES,
        key="pg_activation",
        format_func=lambda name: t(f"playground.activation.{name}"),
        on_change=to_custom,
    )
    st.sidebar.selectbox(
        t("playground.head_label"),
        pg.HEADS,
        key="pg_head",
        format_func=lambda h: t(f"playground.head.{h}"),
        on_change=to_custom,
    )
    architecture = pg.Architecture(
        input_size, tuple(int(w) for w in widths), n_classes, st.session_state.pg_activation, st.session_state.pg_head
    )
    show_parameter_counts(architecture)
    return architecture


def show_parameter_counts(architecture: pg.Architecture) -> None:
    rows = [
        t("playground.param_row", layer=index + 1, fan_in=fan_in, fan_out=fan_out, count=f"{count:,}")
        for index, (fan_in, fan_out, count) in enumerate(pg.layer_parameter_counts(architecture))
    ]
    st.sidebar.markdown(
        t("playground.param_total", total=f"{pg.total_parameters(architecture):,}", widths=architecture.label())
        + "\n\n"
        + "\n".join(f"- {row}" for row in rows)
    )


def apply_preset() -> None:
    preset = pg.PRESETS.get(st.session_state.pg_preset)
    if preset is None:
        return
    st.session_state.pg_layers = len(preset.hidden)
    for layer, width in enumerate(preset.hidden):
        st.session_state[f"pg_width_{layer}"] = width
    st.session_state.pg_activation = preset.activation
    st.session_state.pg_head = preset.head
    st.session_state.pg_optimizer = preset.optimizer
    st.session_state.pg_lr = preset.learning_rate
    st.session_state.pg_batch = preset.batch_size
    st.session_state[PLAYING_KEY] = False


def to_custom() -> None:
    st.session_state.pg_preset = "custom"


def training_controls() -> pg.Settings:
    st.sidebar.selectbox(
        t("playground.optimizer_label"),
        pg.OPTIMIZERS,
        key="pg_optimizer",
        format_func=lambda name: t(f"playground.optimizer.{name}"),
    )
    st.sidebar.select_slider(
        t("playground.lr_label"),
        pg.LEARNING_RATES,
        key="pg_lr",
        format_func=lambda v: f"{v:g}",
        help=t("playground.lr_help"),
    )
    st.sidebar.select_slider(t("playground.batch_label"), pg.BATCH_SIZES, key="pg_batch")
    st.sidebar.selectbox(
        t("playground.reg_label"),
        pg.REGULARIZATIONS,
        key="pg_reg",
        format_func=lambda name: t(f"playground.reg.{name}"),
    )
    st.sidebar.select_slider(
        t("playground.reg_rate_label"),
        pg.REGULARIZATION_RATES,
        key="pg_reg_rate",
        format_func=lambda v: f"{v:g}",
        disabled=st.session_state.pg_reg == "none",
    )
    st.sidebar.slider(t("playground.dropout_label"), 0.0, 0.8, step=0.05, key="pg_dropout")
    return pg.Settings(
        st.session_state.pg_optimizer,
        float(st.session_state.pg_lr),
        int(st.session_state.pg_batch),
        st.session_state.pg_reg,
        float(st.session_state.pg_reg_rate),
        float(st.session_state.pg_dropout),
    )


# ---------------------------------------------------------------- training state
def sync_trainer(space: Workspace, key, data, kind, extent, names, architecture, settings) -> None:
    """Keep the session's trainer in step with the controls: new data or architecture starts afresh."""
    own_edit = bool(space.data_key) and key[0] == "own" == space.data_key[0] and key[2:] == space.data_key[2:]
    same_data = key == space.data_key or (own_edit and space.trainer is not None)
    space.data_key, space.data, space.kind, space.extent, space.class_names = key, data, kind, extent, names
    if data is None:
        space.trainer = None
        st.session_state[PLAYING_KEY] = False
        return
    trainer = space.trainer
    if trainer is None or not same_data or trainer.architecture != architecture:
        space.trainer = pg.Trainer(architecture, data, settings, seed=int(st.session_state.pg_seed) + space.resets)
        st.session_state[PLAYING_KEY] = False
        return
    if trainer.data is not data:
        trainer.replace_data(data)
    trainer.apply_settings(settings)


def on_play(playing: bool) -> None:
    """Set (never toggle) the state the button showed, so a click delivered twice cannot undo itself."""
    st.session_state[PLAYING_KEY] = playing


def on_step(whole_epoch: bool) -> None:
    trainer = st.session_state[STATE_KEY].trainer
    st.session_state[PLAYING_KEY] = False
    if trainer is None:
        return
    if whole_epoch:
        trainer.step_epoch()
    else:
        trainer.step_batch()


def on_reset() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    space.resets += 1
    space.weights_message = None
    st.session_state[PLAYING_KEY] = False
    if space.trainer is not None:
        old = space.trainer
        space.trainer = pg.Trainer(
            old.architecture, old.data, old.settings, seed=int(st.session_state.pg_seed) + space.resets
        )


def on_lower_learning_rate() -> None:
    trainer = st.session_state[STATE_KEY].trainer
    lower = pg.lower_learning_rate(trainer.settings.learning_rate)
    st.session_state.pg_lr = lower
    trainer.resolve_divergence(lower)


def on_restore() -> None:
    st.session_state[STATE_KEY].trainer.resolve_divergence()


def toolbar(space: Workspace) -> None:
    playing = st.session_state[PLAYING_KEY]
    disabled = space.trainer is None or space.trainer.divergence is not None
    columns = st.columns([1.2, 1.4, 1.4, 1, 2.2])
    columns[0].button(
        t("playground.pause") if playing else t("playground.play"),
        key="pg_play_button",
        type="primary",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        on_click=on_play,
        args=(not playing,),
        disabled=disabled,
        width="stretch",
    )
    columns[1].button(
        t("playground.step_batch"),
        key="pg_step_batch",
        on_click=on_step,
        args=(False,),
        disabled=disabled,
        icon=":material/skip_next:",
        width="stretch",
    )
    columns[2].button(
        t("playground.step_epoch"),
        key="pg_step_epoch",
        on_click=on_step,
        args=(True,),
        disabled=disabled,
        icon=":material/fast_forward:",
        width="stretch",
    )
    columns[3].button(
        t("playground.reset"),
        key="pg_reset",
        on_click=on_reset,
        disabled=space.trainer is None,
        icon=":material/restart_alt:",
        width="stretch",
    )
    if space.trainer is not None:
        limit = max(0, len(space.trainer.data.test_y) - 1)
        st.session_state.pg_example = min(st.session_state.pg_example, limit)
        columns[4].number_input(
            t("playground.example_label"), 0, limit, key="pg_example", help=t("playground.example_help")
        )


def divergence_panel(trainer: pg.Trainer) -> None:
    info = trainer.divergence
    if info is None:
        return
    with st.container(border=True):
        st.error(
            t(
                f"playground.diverged.{info.kind}",
                epoch=info.epoch,
                loss=f"{info.loss:.3g}",
                lr=f"{info.learning_rate:g}",
            )
        )
        st.markdown(
            t(
                f"playground.diverged_cause.{info.cause}",
                lr=f"{info.learning_rate:g}",
                largest=f"{info.largest_activation:.3g}",
            )
        )
        st.markdown(t("playground.diverged_kept", epoch=info.good_epoch))
        columns = st.columns(2)
        lower = pg.lower_learning_rate(info.learning_rate)
        columns[0].button(
            t("playground.remedy_lower", lr=f"{lower:g}"),
            key="pg_remedy_lower",
            type="primary",
            on_click=on_lower_learning_rate,
            width="stretch",
        )
        columns[1].button(t("playground.remedy_restore"), key="pg_remedy_restore", on_click=on_restore, width="stretch")


def settings_notes(space: Workspace) -> None:
    trainer = space.trainer
    if trainer is None:
        return
    examples = trainer.data.examples_per_epoch
    if trainer.settings.batch_size >= examples:
        st.info(t("playground.full_batch_note", batch=trainer.settings.batch_size, examples=examples))
    if not trainer.architecture.hidden:
        st.info(t("playground.no_hidden_note"))


# ---------------------------------------------------------------- live view
def live_view() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    trainer = space.trainer
    if trainer is None:
        return
    show_metrics(trainer)
    with pg.one_thread():
        if space.kind == "2d":
            show_plane_views(space)
        else:
            show_digit_views(space)
    if st.session_state[PLAYING_KEY] and trainer.divergence is None:
        # The views are already on their way: the next tick trains while the browser draws them.
        trainer.train_for(TRAIN_SECONDS_PER_TICK[space.kind])
        publish(space)
        if trainer.divergence is not None:
            st.session_state[PLAYING_KEY] = False
            st.rerun()


def show_metrics(trainer: pg.Trainer) -> None:
    history = trainer.history
    columns = st.columns(5)
    columns[0].metric(t("playground.metric_epoch"), f"{trainer.epoch:,}")
    columns[1].metric(t("playground.metric_train_loss"), f"{history.train_loss[-1]:.4f}" if history.epochs else "—")
    columns[2].metric(t("playground.metric_test_loss"), fmt(history.test_loss))
    columns[3].metric(t("playground.metric_train_acc"), fmt(history.train_accuracy, percent=True))
    columns[4].metric(t("playground.metric_test_acc"), fmt(history.test_accuracy, percent=True))


def fmt(values: list[float], percent: bool = False) -> str:
    if not values or not np.isfinite(values[-1]):
        return "—"
    return f"{values[-1]:.1%}" if percent else f"{values[-1]:.4f}"


def network_texts(trainer: pg.Trainer) -> NetworkTexts:
    count = len(trainer.architecture.widths)
    names = [t("playground.layer_input")] + [t("playground.layer_hidden", layer=i) for i in range(1, count - 1)]
    names.append(t("playground.layer_output"))
    return NetworkTexts(
        title=t("playground.network_title"),
        layer_names=names,
        neuron_hover="",
        activation_label=t("playground.hover_activation"),
        weight_label=t("playground.hover_weight"),
        gradient_label=t("playground.hover_gradient"),
        tile_label=t("playground.hover_tile"),
    )


def network_view(space: Workspace, tiles: list[np.ndarray] | None) -> None:
    trainer = space.trainer
    model = trainer.model
    weights = [layer.weight.detach().numpy() for layer in model.linear_layers()]
    gradients = [g.numpy() for g in trainer.gradients()]
    example = trainer.data.test_x[st.session_state.pg_example] if len(trainer.data.test_y) else trainer.data.train_x[0]
    activations = pg.example_activations(model, example)
    figure = network_figure(weights, gradients, activations, network_texts(trainer), tiles)
    show_figure(figure, live=True, config={"displayModeBar": False}, key="pg_network_chart")
    if max(trainer.architecture.widths) > 16:
        st.caption(t("playground.network_subset"))


def plane_texts(title: str, names: list[str]) -> PlaneTexts:
    return PlaneTexts(
        title=title,
        class_names=names,
        train_label=t("playground.train"),
        test_label=t("playground.test"),
        surface_label=t("playground.hover_surface"),
        click_label=t("playground.hover_click"),
    )


def show_plane_views(space: Workspace) -> None:
    trainer = space.trainer
    tiles = pg.neuron_maps(trainer.model, space.extent, TILE_RESOLUTION)
    left, right = st.columns([1.15, 1])
    with left:
        network_view(space, tiles)
    with right:
        surface = pg.decision_surface(trainer.architecture, trainer.model, space.extent, SURFACE_RESOLUTION)
        data = trainer.data
        figure = decision_figure(
            space.extent,
            plane_texts(t("playground.regions_title"), space.class_names),
            (data.train_x.numpy(), data.train_y.numpy()),
            (data.test_x.numpy(), data.test_y.numpy()),
            surface,
            binary=trainer.architecture.output_size == 1,
        )
        show_figure(figure, live=True, config={"displayModeBar": False}, key="pg_regions_chart")
        st.caption(t("playground.regions_caption"))
    show_curves(trainer)


def show_curves(trainer: pg.Trainer) -> None:
    history = trainer.history
    texts = CurveTexts(
        title=t("playground.curves_title"),
        epoch=t("playground.axis_epoch"),
        loss=t("playground.axis_loss"),
        accuracy=t("playground.axis_accuracy"),
        train=t("playground.train"),
        test=t("playground.test"),
    )
    figure = curves_figure(
        history.epochs, history.train_loss, history.test_loss, history.train_accuracy, history.test_accuracy, texts
    )
    show_figure(figure, live=True, config={"displayModeBar": False}, key="pg_curves_chart")
    st.caption(t(f"playground.loss_note.{trainer.architecture.head}"))


def show_digit_views(space: Workspace) -> None:
    trainer = space.trainer
    left, right = st.columns([1.15, 1])
    with left:
        network_view(space, None)
    with right:
        data = trainer.data
        x, y = data.test_x[: pg.EVAL_CAP], data.test_y[: pg.EVAL_CAP]
        counts = pg.confusion_matrix(trainer.architecture, trainer.model, x, y)
        figure = confusion_figure(
            counts,
            space.class_names,
            t("playground.confusion_title", count=f"{len(y):,}"),
            t("playground.axis_true"),
            t("playground.axis_predicted"),
        )
        show_figure(figure, live=True, config={"displayModeBar": False}, key="pg_confusion_chart")
    show_curves(trainer)
    wrong = pg.misclassified(trainer.architecture, trainer.model, x, y)
    if wrong:
        images = np.stack([x[index].reshape(28, 28).numpy() for index, _, _ in wrong])
        captions = [
            t(
                "playground.gallery_caption",
                index=index,
                true=space.class_names[true],
                predicted=space.class_names[pred],
            )
            for index, true, pred in wrong
        ]
        figure = gallery_figure(images, captions, t("playground.gallery_title"))
        show_figure(figure, live=True, config={"displayModeBar": False}, key="pg_gallery_chart")


def publish(space: Workspace) -> None:
    """Hand a copy of the trained network to the other pages of this session."""
    trainer = space.trainer
    if trainer is None or (trainer.batches_done == 0 and not trainer.imported):
        return
    model = copy.deepcopy(trainer.model).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    dataset = {"toy": st.session_state.pg_shape, "own": "own"}.get(space.data_key[0], space.data_key[0])
    set_playground_network(
        PlaygroundNetwork(
            model=model,
            dataset=dataset,
            input_size=trainer.architecture.input_size,
            classes=list(space.class_names),
            loss=trainer.architecture.loss_name,
            epochs_trained=trainer.epoch,
        )
    )


# ---------------------------------------------------------------- linear collapse, export and import
def linear_collapse(trainer: pg.Trainer) -> None:
    if trainer.architecture.activation != "linear" or not trainer.architecture.hidden:
        return
    with st.expander(t("playground.collapse_title"), expanded=True):
        weight, bias = pg.collapse_linear(trainer.model)
        st.markdown(t("playground.collapse_text", layers=len(trainer.architecture.hidden) + 1))
        st.latex(r"W' = " + matrix_latex(weight) + r",\quad b' = " + matrix_latex(bias[:, None]))
        if weight.shape[0] == 1 and weight.shape[1] == 2:
            st.markdown(
                t("playground.collapse_line", a=f"{weight[0, 0]:.3f}", b=f"{weight[0, 1]:.3f}", c=f"{bias[0]:.3f}")
            )


def matrix_latex(matrix: np.ndarray, limit: int = 6) -> str:
    rows = [" & ".join(f"{value:.3f}" for value in row[:limit]) for row in matrix[:limit]]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def export_import(space: Workspace) -> None:
    trainer = space.trainer
    with st.expander(t("playground.export_title")):
        filename = f"playground_{trainer.architecture.label()}.pt"
        st.download_button(
            t("playground.export_button"),
            pg.export_weights(trainer.model),
            file_name=filename,
            mime="application/octet-stream",
            key="pg_export",
            icon=":material/download:",
        )
        st.caption(t("playground.export_help"))
        st.code(pg.pytorch_snippet(trainer.architecture, filename), language="python")
        st.file_uploader(t("playground.import_label"), type=["pt", "pth"], key="pg_import", on_change=on_import)
        if space.weights_message:
            level, key, details = space.weights_message
            (st.success if level == "ok" else st.error)(t(key, **details))


def on_import() -> None:
    space: Workspace = st.session_state[STATE_KEY]
    upload = st.session_state.get("pg_import")
    if upload is None or space.trainer is None:
        return
    trainer = space.trainer
    try:
        state = pg.import_weights(upload.getvalue(), trainer.architecture)
    except pg.WeightsError as error:
        details = {**error.details, "architecture": trainer.architecture.label()}
        space.weights_message = ("error", f"playground.import_error.{error.reason}", details)
        return
    trainer.load_weights(state)
    st.session_state[PLAYING_KEY] = False
    space.weights_message = ("ok", "playground.import_ok", {"architecture": trainer.architecture.label()})


# ---------------------------------------------------------------- the link
def hidden_settings() -> tuple[str, ...]:
    """The URL keys of controls the current choices hide (they stay out of the link)."""
    source, layers = st.session_state.pg_source, int(st.session_state.pg_layers)
    hidden = [f"w{layer + 1}" for layer in range(layers, pg.MAX_HIDDEN_LAYERS)]
    if source != "toy":
        hidden += ["shape", "classes", "noise", "points"]
    elif st.session_state.pg_shape not in toy_data.MULTICLASS_SHAPES:
        hidden.append("classes")
    if source not in ("toy", "own"):
        hidden += ["train", "seed"]
    return tuple(hidden)


# ---------------------------------------------------------------- the page
space = init_state()
restore_page_settings(PAGE)
st.title(t("playground.title"))
st.caption(t("playground.intro"))

st.sidebar.header(t("playground.data_header"))
data_controls(space)
key, data, kind, extent, names = current_data(space)
n_classes = len(names) if data is None else data.n_classes
st.sidebar.header(t("playground.network_header"))
architecture = network_controls(kind, max(2, n_classes), 2 if kind == "2d" else 784)
st.sidebar.header(t("playground.training_header"))
settings = training_controls()
sync_trainer(space, key, data, kind, extent, names, architecture, settings)

if st.session_state.pg_source == "own":
    own_points_editor(space)
if space.trainer is None:
    st.info(t("playground.need_two_classes"))
else:
    toolbar(space)
    divergence_panel(space.trainer)
    settings_notes(space)
    st.fragment(run_every=TICK_SECONDS if st.session_state[PLAYING_KEY] else None)(live_view)()
    publish(space)
    linear_collapse(space.trainer)
    export_import(space)

publish_page_settings(PAGE, skip=hidden_settings())

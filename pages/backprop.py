"""Forward and backward: one example through a network, every value and gradient, one step at a time."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from core import backprop_figures as figs
from core import propagation as bp
from core.url_state import Problem
from ui.figures import show_figure
from ui.i18n import t
from ui.page_url import note_problems, publish_page_settings, restore_page_settings
from ui.resources import digit_split, shipped_model
from ui.session import current_digit, playground_network

PAGE = "backprop"
LESSON_KEY = "bp_lesson"
FLASH_KEY = "bp_flash"
SOURCE_KEY = "bp_source"
SOURCES = ("lecture", "exercise", "neuron", "playground", "digits")
HIDDEN_CHOICES = ("sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear", "step")
OUTPUT_CHOICES = ("linear", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "step")
EXPLORER_CHOICES = ("step", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear")
HISTORY_LIMIT = 50
EDITABLE_PARAMETERS = 300
MAX_LEARNING_RATE = 1e3
MAX_SEED = 99_999
DIGIT_CLASSES = [str(k) for k in range(10)]
UID_KEY = "bp_uid"


@dataclass
class Lesson:
    """One student's stepper: the network at the start of every cycle, the example, the position."""

    source: str
    history: list[bp.Network]
    x: np.ndarray
    y: np.ndarray
    learning_rate: float
    seed: int | None = None
    origin: object = None  # what the network was copied from (to notice a retrained playground network)
    reference: tuple = ()  # the preset's (activations, loss, learning rate): a link carries only changes
    step: int = 0
    uid: int = field(default_factory=lambda: next_uid())
    version: int = 0

    @property
    def network(self) -> bp.Network:
        return self.history[-1]

    @property
    def cycle(self) -> int:
        return len(self.history) - 1

    def replace_network(self, network: bp.Network) -> None:
        self.history = [network]
        self.version += 1

    def key(self, name: str, versioned: bool = False) -> str:
        return f"bp_{name}_{self.uid}" + (f"_{self.version}" if versioned else "")


def next_uid() -> int:
    """A per-session number that keeps each lesson's widget keys apart."""
    st.session_state[UID_KEY] = st.session_state.get(UID_KEY, 0) + 1
    return st.session_state[UID_KEY]


# --- building a lesson --------------------------------------------------------------------------


def lesson_from_preset(source: str, preset: bp.Preset, seed: int | None = None, origin: object = None) -> Lesson:
    reference = (tuple(preset.network.activations), preset.network.loss, preset.learning_rate)
    return Lesson(source, [preset.network], preset.x, preset.y, preset.learning_rate, seed=seed, origin=origin,
                  reference=reference)


def onehot(index: int, size: int) -> np.ndarray:
    y = np.zeros(size)
    y[index] = 1.0
    return y


def playground_origin():
    network = playground_network()
    return None if network is None else (id(network.model), network.epochs_trained, network.loss)


def playground_lesson() -> Lesson | None:
    network = playground_network()
    if network is None:
        return None
    loss = {"cross_entropy": "softmax_ce", "bce": "bce", "squared_error": "squared_error"}.get(network.loss)
    net = bp.from_mlp(network.model, loss=loss)
    x = np.zeros(net.widths[0]) if net.widths[0] == 784 else np.full(net.widths[0], 0.5)
    y = onehot(0, net.widths[-1])
    return lesson_from_preset("playground", bp.Preset(net, x, y, 0.1), origin=playground_origin())


def digit_lesson() -> Lesson:
    net = bp.from_mlp(shipped_model("mlp_3b1b"), loss="squared_error")
    return lesson_from_preset("digits", bp.Preset(net, np.zeros(784), onehot(0, 10), 0.5))


def new_lesson(source: str) -> Lesson | None:
    if source == "lecture":
        return lesson_from_preset(source, bp.lecture_mlp())
    if source == "neuron":
        return lesson_from_preset(source, bp.single_neuron())
    if source == "exercise":
        return lesson_from_preset(source, bp.exercise_net())
    if source == "playground":
        return playground_lesson()
    return digit_lesson()


def current_lesson(source: str) -> Lesson | None:
    lesson = st.session_state.get(LESSON_KEY)
    stale = lesson is None or lesson.source != source
    if not stale and source == "playground":
        stale = lesson.origin != playground_origin()
    if stale:
        lesson = new_lesson(source)
        st.session_state[LESSON_KEY] = lesson
    return lesson


def load_exercise(seed: int | None) -> None:
    seed = None if seed is None else int(seed)
    preset = bp.exercise_net() if seed is None else bp.exercise_net_random(seed)
    st.session_state[LESSON_KEY] = lesson_from_preset("exercise", preset, seed=seed)


def new_random_exercise() -> None:
    load_exercise(int(np.random.default_rng().integers(0, MAX_SEED + 1)))


def reset_lesson() -> None:
    lesson = st.session_state.get(LESSON_KEY)
    if lesson is not None:
        if lesson.source == "exercise":
            load_exercise(lesson.seed)
        else:
            st.session_state.pop(LESSON_KEY)


# --- reading numbers typed by the student ---------------------------------------------------------


def flash(message: str) -> None:
    st.session_state.setdefault(FLASH_KEY, []).append(message)


def show_flashes() -> None:
    for message in st.session_state.pop(FLASH_KEY, []):
        st.error(message, icon=":material/error:")


def parse_number(text: str, name: str) -> tuple[float | None, str | None]:
    """A finite float from text, or a message saying what is wrong with it."""
    text = text.strip().replace("−", "-")
    if not text:
        return None, t("backprop.error_empty", name=name)
    try:
        value = float(text)
    except ValueError:
        return None, t("backprop.error_not_number", name=name, text=text)
    if not math.isfinite(value):
        return None, t("backprop.error_not_finite", name=name, text=text)
    return value, None


def parse_vector(text: str, size: int, name: str) -> tuple[np.ndarray | None, str | None]:
    parts = [part for part in re.split(r"[,;\s]+", text.strip().strip("()[]")) if part]
    if not parts:
        return None, t("backprop.error_empty", name=name)
    values = []
    for part in parts:
        value, error = parse_number(part, name)
        if error:
            return None, error
        values.append(value)
    if len(values) != size:
        return None, t("backprop.error_count", name=name, size=size, count=len(values))
    return np.array(values), None


def vector_text(values: np.ndarray) -> str:
    return ", ".join(f"{v:.10g}" for v in values)


# --- controls ------------------------------------------------------------------------------------


def source_label(source: str) -> str:
    return t(f"backprop.source_{source}")


def exercise_controls(lesson: Lesson) -> None:
    hand, random, seed, info = st.columns([1, 1, 1, 2], vertical_alignment="bottom")
    hand.button(
        t("backprop.exercise_hand_set"),
        on_click=load_exercise,
        args=(None,),
        key="bp_exercise_hand",
        icon=":material/edit:",
        width="stretch",
    )
    random.button(
        t("backprop.exercise_random"),
        on_click=new_random_exercise,
        key="bp_exercise_random",
        icon=":material/casino:",
        width="stretch",
    )
    seed_key = lesson.key("seed")
    seed.number_input(
        t("backprop.exercise_seed_input"),
        min_value=0,
        max_value=MAX_SEED,
        step=1,
        value=lesson.seed,
        placeholder=t("backprop.exercise_seed_placeholder"),
        key=seed_key,
        on_change=lambda: load_exercise(st.session_state[seed_key]),
        help=t("backprop.exercise_seed_help"),
    )
    if lesson.seed is None:
        info.caption(t("backprop.exercise_hand_set_note"))
    else:
        info.markdown(t("backprop.exercise_seed", seed=lesson.seed))


def digit_controls(lesson: Lesson, class_names: list[str]) -> None:
    """Pick a held-out digit or the session's drawing; the target is the one-hot of a class."""
    split = digit_split()
    choices = ["held_out", "drawing"]
    left, middle, right = st.columns(3)
    origin = left.radio(
        t("backprop.digit_source"),
        choices,
        key="bp_digit_source",
        format_func=lambda c: t(f"backprop.digit_{c}"),
        horizontal=True,
    )
    drawing = current_digit()
    label = None
    if origin == "drawing" and drawing is None:
        left.info(t("backprop.no_drawing"), icon=":material/draw:")
        origin = "held_out"
    if origin == "held_out":
        index = middle.number_input(
            t("backprop.digit_index", count=len(split.test_images) - 1),
            min_value=0,
            max_value=len(split.test_images) - 1,
            value=0,
            step=1,
            key="bp_digit_index",
        )
        image, label = split.test_images[int(index)], int(split.test_labels[int(index)])
        middle.caption(t("backprop.digit_label", label=class_names[label]))
        sample_key = f"h{index}"
    else:
        image, label = drawing.image, drawing.label
        sample_key = f"d{id(drawing)}"
    lesson.x = np.asarray(image, dtype=np.float64).reshape(-1)
    target = right.selectbox(
        t("backprop.target_class"),
        range(len(class_names)),
        index=label or 0,
        format_func=lambda k: class_names[k],
        key=lesson.key(f"target_{sample_key}"),
    )
    lesson.y = onehot(int(target), len(class_names))


def vector_controls(lesson: Lesson) -> None:
    net = lesson.network
    left, right = st.columns(2)
    x_text = left.text_input(
        t("backprop.input_label", n=net.widths[0]),
        value=vector_text(lesson.x),
        key=lesson.key("x"),
        help=t("backprop.vector_help"),
    )
    y_text = right.text_input(
        t("backprop.target_label", n=net.widths[-1]),
        value=vector_text(lesson.y),
        key=lesson.key("y"),
        help=t("backprop.target_help"),
    )
    x, x_error = parse_vector(x_text, net.widths[0], t("backprop.input_name"))
    y, y_error = parse_vector(y_text, net.widths[-1], t("backprop.target_name"))
    if y is not None and not y_error:
        y_error = target_problem(net.loss, y)
    for error in (x_error, y_error):
        if error:
            st.error(error + " " + t("backprop.kept_previous"), icon=":material/error:")
    if x is not None and not x_error:
        lesson.x = x
    if y is not None and not y_error:
        lesson.y = y


def target_problem(loss: str, y: np.ndarray) -> str | None:
    if loss == "bce" and (y.min() < 0 or y.max() > 1):
        return t("backprop.error_bce_target")
    if loss == "softmax_ce" and (y.min() < 0 or abs(y.sum() - 1) > 1e-9):
        return t("backprop.error_ce_target")
    return None


def activation_controls(lesson: Lesson) -> None:
    net = lesson.network
    columns = st.columns(3)
    hidden = None
    if net.n_layers > 1:
        current = net.activations[0]
        options = HIDDEN_CHOICES if current in HIDDEN_CHOICES else (current, *HIDDEN_CHOICES)
        hidden = columns[0].selectbox(
            t("backprop.hidden_activation"),
            options,
            index=options.index(current),
            format_func=lambda a: t(f"backprop.act_{a}"),
            key=lesson.key("hidden", True),
        )
    loss = columns[1].selectbox(
        t("backprop.loss_choice"),
        bp.LOSSES,
        index=bp.LOSSES.index(net.loss),
        format_func=lambda name: t(f"backprop.loss_{name}"),
        key=lesson.key("loss", True),
    )
    output = None
    if loss == "squared_error":
        current = net.activations[-1] if net.activations[-1] in OUTPUT_CHOICES else "linear"
        output = columns[2].selectbox(
            t("backprop.output_activation"),
            OUTPUT_CHOICES,
            index=OUTPUT_CHOICES.index(current),
            format_func=lambda a: t(f"backprop.act_{a}"),
            key=lesson.key("output", True),
        )
    else:
        columns[2].caption(t(f"backprop.head_for_{loss}"))
    changed = net.with_activations(hidden=hidden, loss=loss, output=output)
    if changed.activations != net.activations or changed.loss != net.loss:
        lesson.replace_network(changed)
        if target_problem(changed.loss, lesson.y):
            lesson.y = onehot(0, changed.widths[-1])
        st.rerun()


def parameter_rows(net: bp.Network) -> list[tuple[str, int, int, int | None]]:
    """(label, layer index, row, col or None for a bias) in the order of the table."""
    rows = []
    for index, w in enumerate(net.weights):
        for j in range(w.shape[0]):
            rows += [(f"W{index + 1}[{j + 1},{i + 1}]", index, j, i) for i in range(w.shape[1])]
        rows += [(f"b{index + 1}[{j + 1}]", index, j, None) for j in range(w.shape[0])]
    return rows


def apply_parameter_edits(lesson: Lesson, editor_key: str) -> None:
    """Apply the table's edits to the network after checking every cell; a bad cell keeps the old value."""
    edits = st.session_state.get(editor_key)
    if not edits or not edits.get("edited_rows"):
        return
    rows = parameter_rows(lesson.network)
    net = lesson.network.copy()
    errors = []
    for position, change in edits["edited_rows"].items():
        if "value" not in change:
            continue
        label, index, j, i = rows[int(position)]
        value = change["value"]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            errors.append(t("backprop.error_empty", name=label))
            continue
        value, error = parse_number(str(value), label)
        if error:
            errors.append(error)
            continue
        if i is None:
            net.biases[index][j] = value
        else:
            net.weights[index][j, i] = value
    for error in errors:
        flash(error + " " + t("backprop.kept_previous"))
    lesson.replace_network(net)


def parameter_editor(lesson: Lesson) -> None:
    net = lesson.network
    if net.parameter_count > EDITABLE_PARAMETERS:
        st.caption(t("backprop.editor_too_big", count=f"{net.parameter_count:,}", limit=EDITABLE_PARAMETERS))
        return
    rows = parameter_rows(net)
    values = [float(net.biases[k][j]) if i is None else float(net.weights[k][j, i]) for _, k, j, i in rows]
    table = pd.DataFrame({"parameter": [r[0] for r in rows], "value": values})
    st.data_editor(
        table,
        key=lesson.key("params", True),
        hide_index=True,
        disabled=["parameter"],
        num_rows="fixed",
        height=min(420, 38 + 35 * len(rows)),
        column_config={
            "parameter": st.column_config.TextColumn(t("backprop.table_parameter")),
            "value": st.column_config.NumberColumn(t("backprop.table_value"), format="%.6g", required=True),
        },
    )
    st.caption(t("backprop.editor_help"))


def learning_rate_control(lesson: Lesson) -> None:
    text = st.text_input(
        t("backprop.learning_rate"),
        value=f"{lesson.learning_rate:g}",
        key=lesson.key("lr"),
        help=t("backprop.learning_rate_help"),
    )
    value, error = parse_number(text, t("backprop.learning_rate_name"))
    if error is None and not 0 < value <= MAX_LEARNING_RATE:
        error = t("backprop.error_learning_rate", limit=f"{MAX_LEARNING_RATE:g}")
    if error:
        st.error(error + " " + t("backprop.kept_previous"), icon=":material/error:")
    else:
        lesson.learning_rate = value


# --- the stepper ---------------------------------------------------------------------------------


def step_name(step: bp.Step) -> str:
    return t(f"backprop.step_{step.kind}", layer=step.layer) if step.layer else t(f"backprop.step_{step.kind}")


def advance(lesson: Lesson) -> None:
    """One step on; after the update step the updated network starts the next cycle."""
    steps = bp.stepper_steps(lesson.network.n_layers)
    if lesson.step < len(steps) - 1:
        lesson.step += 1
        return
    stepped = bp.update(lesson.network, bp.propagate(lesson.network, lesson.x, lesson.y), lesson.learning_rate)
    if not all(np.isfinite(p).all() for p in bp.parameters(stepped)):
        flash(t("backprop.update_not_finite"))
        return
    lesson.history = [*lesson.history, stepped][-HISTORY_LIMIT:]
    lesson.version += 1
    lesson.step = 0


def retreat(lesson: Lesson) -> None:
    if lesson.step > 0:
        lesson.step -= 1
    elif lesson.cycle > 0:
        lesson.history = lesson.history[:-1]
        lesson.version += 1
        lesson.step = len(bp.stepper_steps(lesson.network.n_layers)) - 1


def on_stepper_button(action: str) -> None:
    """Button callbacks run before the rerun, so the buttons are drawn with the new position."""
    lesson: Lesson = st.session_state[LESSON_KEY]
    if action == "first":
        lesson.step = 0
        if lesson.cycle:
            lesson.history = lesson.history[:1]
            lesson.version += 1
    elif action == "back":
        retreat(lesson)
    else:
        advance(lesson)


def stepper_buttons(lesson: Lesson, steps: list[bp.Step]) -> None:
    cols = st.columns([1, 1, 1.3, 3.7])
    at_start = lesson.step == 0 and lesson.cycle == 0
    cols[0].button(
        t("backprop.first"),
        icon=":material/first_page:",
        key="bp_first",
        disabled=at_start,
        on_click=on_stepper_button,
        args=("first",),
        width="stretch",
    )
    cols[1].button(
        t("backprop.back"),
        icon=":material/chevron_left:",
        key="bp_back",
        disabled=at_start,
        on_click=on_stepper_button,
        args=("back",),
        width="stretch",
    )
    label = t("backprop.apply_update") if steps[lesson.step].kind == "update" else t("backprop.next")
    cols[2].button(
        label,
        icon=":material/chevron_right:",
        key="bp_next",
        type="primary",
        on_click=on_stepper_button,
        args=("next",),
        width="stretch",
    )


def stepper_section() -> None:
    lesson: Lesson = st.session_state[LESSON_KEY]
    steps = bp.stepper_steps(lesson.network.n_layers)
    lesson.step = min(lesson.step, len(steps) - 1)
    stepper_buttons(lesson, steps)
    show_flashes()
    net = lesson.network
    step = steps[lesson.step]
    trace = bp.propagate(net, lesson.x, lesson.y)
    stepped = bp.update(net, trace, lesson.learning_rate)
    stepped_cost = bp.cost(stepped, lesson.x, lesson.y)

    st.progress(
        (lesson.step + 1) / len(steps),
        text=t("backprop.step_of", n=lesson.step + 1, total=len(steps), name=step_name(step), cycle=lesson.cycle + 1),
    )
    st.markdown(t(f"backprop.explain_{explanation_key(net, step)}", layer=step.layer or net.n_layers))
    for equation in figs.step_equations(net, trace, step, lesson.learning_rate, stepped, stepped_cost):
        st.latex(equation)
    if step.kind == "loss" and net.loss == "squared_error":
        st.caption(t("backprop.loss_sum_note", n=net.widths[-1]))
    show_warnings(net, trace, step, stepped_cost)
    if step.kind == "update":
        show_update(lesson, trace, stepped, stepped_cost)

    visible = bp.visible_at(net.n_layers, lesson.step)
    if figs.diagram_fits(net):
        chosen = chosen_weight(lesson)
        show_figure(
            figs.animated_diagram(net, trace, lesson.step, [step_name(s) for s in steps], diagram_labels(), chosen),
            width="stretch",
            key="bp_diagram",
            config={"displayModeBar": False},
        )
        st.caption(t("backprop.diagram_caption") + " " + t("backprop.diagram_play_caption"))
        chain_rule_panel(lesson, trace, chosen, visible)
    else:
        big_network_views(lesson, trace, visible)
        chain_rule_panel(lesson, trace, chosen_weight(lesson), visible)
    proof_panel(net, lesson)


def explanation_key(net: bp.Network, step: bp.Step) -> str:
    if step.kind == "backward":
        if step.layer < net.n_layers:
            return "backward_hidden"
        return "backward_output" if net.loss == "squared_error" else "backward_output_fused"
    return step.kind


def show_warnings(net: bp.Network, trace: bp.Trace, step: bp.Step, stepped_cost: float) -> None:
    if not trace.finite:
        st.warning(t("backprop.overflow"), icon=":material/warning:")
    dead = bp.dead_relus(net, trace)
    if dead and step.kind in ("backward", "update"):
        neurons = ", ".join(f"u{layer},{neuron + 1}" for layer, neuron in dead)
        zero_layers = bp.zero_gradient_layers(trace)
        message = t("backprop.dead_relu", neurons=neurons)
        if zero_layers:
            message += " " + t("backprop.dead_relu_layers", layers=", ".join(str(k) for k in zero_layers))
        st.info(message, icon=":material/power_off:")


def show_update(lesson: Lesson, trace: bp.Trace, stepped: bp.Network, stepped_cost: float) -> None:
    before, after = st.columns(2)
    before.metric(t("backprop.loss_before"), f"{trace.cost:.6f}")
    delta = stepped_cost - trace.cost
    after.metric(
        t("backprop.loss_after"),
        f"{stepped_cost:.6f}",
        delta=f"{delta:+.6f}" if math.isfinite(delta) else None,
        delta_color="inverse",
    )
    if math.isfinite(stepped_cost) and stepped_cost > trace.cost:
        st.warning(t("backprop.loss_rose"), icon=":material/trending_up:")
    if lesson.network.parameter_count <= EDITABLE_PARAMETERS:
        rows = parameter_rows(lesson.network)
        grads = [layer for layer in trace.layers]
        table = pd.DataFrame(
            {
                t("backprop.table_parameter"): [r[0] for r in rows],
                t("backprop.table_old"): [param_value(lesson.network, r) for r in rows],
                t("backprop.table_gradient"): [
                    float(grads[k].db[j]) if i is None else float(grads[k].dW[j, i]) for _, k, j, i in rows
                ],
                t("backprop.table_new"): [param_value(stepped, r) for r in rows],
            }
        )
        st.dataframe(table, hide_index=True, height=min(400, 38 + 35 * len(rows)), key="bp_update_table")
    st.caption(t("backprop.update_caption"))


def param_value(net: bp.Network, row: tuple[str, int, int, int | None]) -> float:
    _, k, j, i = row
    return float(net.biases[k][j]) if i is None else float(net.weights[k][j, i])


def diagram_labels() -> dict[str, str]:
    return {
        "input": t("backprop.diagram_input"),
        "layer": t("backprop.diagram_layer"),
        "output": t("backprop.diagram_output"),
        "loss": t("backprop.diagram_loss"),
        "neuron_scale_forward": "a",
        "neuron_scale_backward": "δ",
        "play": t("backprop.play"),
        "step": t("backprop.diagram_step"),
        "weight_positive": t("figure.weight_positive"),
        "weight_negative": t("figure.weight_negative"),
    }


# --- the chain rule, path by path ----------------------------------------------------------------


def weight_choices(net: bp.Network) -> list[tuple[int, int, int]]:
    return [(k + 1, j, i) for k, w in enumerate(net.weights) for j in range(w.shape[0]) for i in range(w.shape[1])]


def weight_label(choice: tuple[int, int, int]) -> str:
    layer, j, i = choice
    return f"W{layer}[{j + 1},{i + 1}]"


def chosen_weight(lesson: Lesson) -> tuple[int, int, int]:
    """The weight picked in the chain-rule panel (read before the diagram so it can be highlighted)."""
    net = lesson.network
    if figs.diagram_fits(net):
        choices = weight_choices(net)
        label = st.session_state.get("bp_weight")
        by_label = {weight_label(c): c for c in choices}
        return by_label.get(label, choices[0])
    layer = st.session_state.get("bp_weight_layer", 1)
    layer = layer if 1 <= layer <= net.n_layers else 1
    j = min(int(st.session_state.get("bp_weight_row", 1)), net.widths[layer]) - 1
    i = min(int(st.session_state.get("bp_weight_col", 1)), net.widths[layer - 1]) - 1
    return layer, max(j, 0), max(i, 0)


def chain_rule_panel(lesson: Lesson, trace: bp.Trace, chosen: tuple[int, int, int], visible: bp.Visible) -> None:
    net = lesson.network
    st.subheader(t("backprop.chain_title"))
    if figs.diagram_fits(net):
        labels = [weight_label(c) for c in weight_choices(net)]
        st.selectbox(t("backprop.chain_weight"), labels, index=labels.index(weight_label(chosen)), key="bp_weight")
    else:
        cols = st.columns(3)
        cols[0].selectbox(t("backprop.chain_layer"), list(range(1, net.n_layers + 1)), key="bp_weight_layer")
        cols[1].number_input(
            t("backprop.chain_row", n=net.widths[chosen[0]]), 1, net.widths[chosen[0]], key="bp_weight_row"
        )
        cols[2].number_input(
            t("backprop.chain_col", n=net.widths[chosen[0] - 1]), 1, net.widths[chosen[0] - 1], key="bp_weight_col"
        )
    layer, j, i = chosen
    if visible.backward_downto is None or visible.backward_downto > layer:
        st.caption(t("backprop.chain_wait", layer=layer))
        return
    paths = bp.chain_rule_paths(net, trace, layer, j, i)
    total = sum(path.product for path in paths)
    symbol = f"w^{{({layer})}}_{{{j + 1}{i + 1}}}"
    st.markdown(t("backprop.chain_intro", count=len(paths)))
    for line in figs.chain_rule_equation(paths, total, float(trace.layers[layer - 1].dW[j, i]), symbol):
        st.latex(line)
    if len(paths) > 8:
        st.caption(t("backprop.chain_more", shown=8, count=len(paths)))


# --- the 784-16-16-10 views ----------------------------------------------------------------------


def class_names(lesson: Lesson) -> list[str]:
    if lesson.source == "playground":
        network = playground_network()
        if network is not None and len(network.classes) == lesson.network.widths[-1]:
            return list(network.classes)
    return DIGIT_CLASSES if lesson.network.widths[-1] == 10 else [str(k) for k in range(lesson.network.widths[-1])]


def big_network_views(lesson: Lesson, trace: bp.Trace, visible: bp.Visible) -> None:
    net = lesson.network
    backward_from = visible.backward_downto
    columns = st.columns(net.n_layers + 1)
    image_input = net.widths[0] == 784
    with columns[0]:
        show_figure(
            figs.value_grid(trace.x[0], t("backprop.view_input"), "x", diverging=not image_input),
            width="stretch",
            key="bp_view_input",
            config={"displayModeBar": False},
        )
    for index in range(net.n_layers - 1):
        layer = index + 1
        record = trace.layers[index]
        show_delta = backward_from is not None and layer >= backward_from
        if show_delta:
            figure = figs.value_grid(record.delta[0], t("backprop.view_delta", layer=layer), f"δ{layer}", True)
        elif layer <= visible.forward_upto:
            figure = figs.value_grid(
                record.a[0], t("backprop.view_activation", layer=layer), f"a{layer}", diverging=bool(record.a.min() < 0)
            )
        else:
            figure = figs.value_grid(np.zeros(net.widths[layer]), t("backprop.view_pending", layer=layer), "·", True)
        with columns[layer]:
            show_figure(
                figure, width="stretch", key=f"bp_view_hidden_{layer}", config={"displayModeBar": False}
            )
    top = trace.layers[-1]
    output = top.a[0] if visible.forward_upto == net.n_layers else np.zeros(net.widths[-1])
    with columns[-1]:
        show_figure(
            figs.output_bars(
                output,
                trace.y[0],
                class_names(lesson),
                {"output": f"a{net.n_layers}", "target": t("backprop.view_target"), "title": t("backprop.view_output")},
                f"a{net.n_layers}",
            ),
            width="stretch",
            key="bp_view_output",
            config={"displayModeBar": False},
        )
    if image_input:
        neuron_weight_images(lesson, trace, visible)


def neuron_weight_images(lesson: Lesson, trace: bp.Trace, visible: bp.Visible) -> None:
    net = lesson.network
    neuron = st.selectbox(t("backprop.view_neuron"), list(range(1, net.widths[1] + 1)), key="bp_view_neuron")
    left, right = st.columns(2)
    weights = net.weights[0][neuron - 1]
    with left:
        show_figure(
            figs.value_grid(weights, t("backprop.view_weights", neuron=neuron), f"W1[{neuron},·]", True, height=340),
            width="stretch",
            key="bp_view_weights",
            config={"displayModeBar": False},
        )
    if visible.backward_downto == 1:
        gradient = trace.layers[0].dW[neuron - 1]
        with right:
            show_figure(
                figs.value_grid(
                    gradient, t("backprop.view_gradient", neuron=neuron), f"∂L/∂W1[{neuron},·]", True, height=340
                ),
                width="stretch",
                key="bp_view_gradient",
                config={"displayModeBar": False},
            )
    else:
        right.info(t("backprop.view_gradient_wait"), icon=":material/hourglass_empty:")
    st.caption(t("backprop.view_weights_caption"))


# --- the proof panel ------------------------------------------------------------------------------


def proof_panel(net: bp.Network, lesson: Lesson) -> None:
    st.subheader(t("backprop.proof_title"))
    trace = bp.propagate(net, lesson.x, lesson.y)
    if not trace.finite:
        st.info(t("backprop.proof_not_finite"))
        return
    report = bp.prove(net, lesson.x, lesson.y)
    rows = (
        (report.autograd, t("backprop.proof_autograd_abs"), t("backprop.proof_autograd_rel")),
        (report.finite_differences, t("backprop.proof_fd_abs"), t("backprop.proof_fd_rel")),
    )
    for errors, abs_label, rel_label in rows:
        cols = st.columns(2)  # two to a row, so the long labels are never cut short
        cols[0].metric(abs_label, f"{errors.max_abs:.2e}")
        cols[1].metric(rel_label, f"{errors.max_rel:.2e}")
    fd = report.finite_differences
    st.caption(
        t(
            "backprop.proof_caption",
            checked=f"{fd.checked:,}",
            total=f"{fd.total:,}",
            hand=f"{report.hand_cost:.17g}",
            auto=f"{report.autograd_cost:.17g}",
        )
    )
    if report.autograd.max_abs <= 1e-10 * max(1.0, abs(report.hand_cost)):
        st.success(t("backprop.proof_ok"), icon=":material/check_circle:")
    else:
        st.warning(t("backprop.proof_mismatch"), icon=":material/warning:")


# --- widgets: softmax + cross-entropy, activation explorer -----------------------------------------


def softmax_widget() -> None:
    text = st.text_input(
        t("backprop.softmax_logits"), value="2.0, 1.0, 0.1", key="bp_softmax_logits", help=t("backprop.vector_help")
    )
    parts = [part for part in re.split(r"[,;\s]+", text.strip().strip("()[]")) if part]
    logits, error = parse_vector(text, max(1, len(parts)), t("backprop.softmax_logits_name"))
    if error is None and len(logits) < 2:
        error = t("backprop.error_softmax_size")
    if error:
        st.error(error + " " + t("backprop.kept_previous"), icon=":material/error:")
        logits = st.session_state.get("bp_softmax_last", np.array([2.0, 1.0, 0.1]))
    st.session_state["bp_softmax_last"] = logits
    target = st.selectbox(t("backprop.softmax_class"), list(range(len(logits))), key="bp_softmax_class")
    target = min(int(target), len(logits) - 1)
    p, loss, grad = bp.softmax_cross_entropy(logits, target)
    st.latex(
        rf"p = \mathrm{{softmax}}(u) = {figs.tex_matrix(p[None, :], 10, 7)},\quad "
        rf"H = -\log p_{{{target}}} = {figs.tex_number(loss, 7)}"
    )
    gradient_row = figs.tex_matrix(grad[None, :], 10, 7)
    st.latex(rf"\frac{{\partial H}}{{\partial u}} = p - \mathrm{{onehot}}({target}) = {gradient_row}")
    labels = {
        "class": t("backprop.softmax_class_short"),
        "probability": t("backprop.softmax_probability"),
        "gradient": t("backprop.softmax_gradient"),
        "target": t("backprop.softmax_target"),
    }
    show_figure(
        figs.softmax_figure(p, grad, target, labels),
        width="stretch",
        key="bp_softmax_figure",
        config={"displayModeBar": False},
    )
    st.caption(t("backprop.softmax_caption"))


def activation_explorer() -> None:
    name = st.radio(
        t("backprop.explorer_choice"),
        EXPLORER_CHOICES,
        format_func=lambda a: t(f"backprop.act_{a}"),
        horizontal=True,
        index=1,
        key="bp_explorer",
    )
    labels = {
        "phi": t("backprop.explorer_phi"),
        "phi_prime": t("backprop.explorer_phi_prime"),
        "sigmoid_max": t("backprop.explorer_sigmoid_max"),
    }
    show_figure(
        figs.activation_figure(name, labels),
        width="stretch",
        key="bp_explorer_figure",
        config={"displayModeBar": False},
    )
    if name in figs.PHI_PRIME_FORMULA:
        st.latex(figs.PHI_PRIME_FORMULA[name])
    st.markdown(t(f"backprop.explorer_note_{name}"))


# --- the link ----------------------------------------------------------------------------------------


def restore_link(values: dict) -> None:
    """Rebuild the lesson a link names: preset (and exercise seed), heads, learning rate, digit,
    then replay its training cycles and go to its step. The session's own lesson stays when the link
    names it (back from another page: hand-edited weights and inputs are kept)."""
    source = values["source"]
    existing = st.session_state.get(LESSON_KEY)
    if existing is not None and existing.source == source and same_lesson(existing, values):
        return
    if source == "exercise":
        seed = values["seed"]
        preset = bp.exercise_net() if seed is None else bp.exercise_net_random(seed)
        lesson = lesson_from_preset("exercise", preset, seed=seed)
    else:
        lesson = new_lesson(source)
    st.session_state.pop(LESSON_KEY, None)
    if lesson is None:
        return
    net = lesson.network
    hidden = values["hidden"] if net.n_layers > 1 else None
    changed = net.with_activations(hidden=hidden, loss=values["loss"], output=values["output"])
    if changed.activations != net.activations or changed.loss != net.loss:
        lesson.replace_network(changed)
        if target_problem(changed.loss, lesson.y):
            lesson.y = onehot(0, changed.widths[-1])
    if values["lr"] is not None:
        lesson.learning_rate = values["lr"]
    if source == "digits":
        restore_digit(lesson, values["digit"], values["target"])
    st.session_state[LESSON_KEY] = lesson
    replay(lesson, values["cycle"], values["step"])


def same_lesson(lesson: Lesson, values: dict) -> bool:
    carried, _ = link_values(lesson)
    return all(values[key] == value for key, value in carried.items())


def restore_digit(lesson: Lesson, index: int, target: int | None) -> None:
    split = digit_split()
    lesson.x = np.asarray(split.test_images[index], dtype=np.float64).reshape(-1)
    target = int(split.test_labels[index]) if target is None else target
    lesson.y = onehot(target, 10)
    st.session_state["bp_digit_source"] = "held_out"
    st.session_state[lesson.key(f"target_h{index}")] = target


def replay(lesson: Lesson, cycles: int, step: int) -> None:
    """Apply `cycles` updates (as Next would) and stop at `step` of the next cycle."""
    steps = len(bp.stepper_steps(lesson.network.n_layers))
    for _ in range(cycles):
        lesson.step = steps - 1
        advance(lesson)
    if step >= steps:
        note_problems([Problem("step", "invalid")])
        step = 0
    lesson.step = step


def link_values(lesson: Lesson | None) -> tuple[dict, tuple[str, ...]]:
    """What the URL carries of the lesson (None where it is the preset's) and the keys to leave out."""
    if lesson is None:
        return {}, ("seed", "digit", "target")
    activations, loss, learning_rate = lesson.reference
    net = lesson.network
    values = {
        "seed": lesson.seed,
        "hidden": net.activations[0] if net.n_layers > 1 and net.activations[0] != activations[0] else None,
        "loss": net.loss if net.loss != loss else None,
        "output": net.activations[-1] if net.loss == "squared_error" and net.activations[-1] != activations[-1]
        else None,
        "lr": lesson.learning_rate if lesson.learning_rate != learning_rate else None,
        "cycle": lesson.cycle,
        "step": lesson.step,
    }
    if lesson.source != "digits" or st.session_state.get("bp_digit_source") == "drawing":
        return values, ("digit", "target")
    index = int(st.session_state.get("bp_digit_index", 0))
    target = int(np.argmax(lesson.y))
    values["target"] = None if target == int(digit_split().test_labels[index]) else target
    return values, ()


# --- the page --------------------------------------------------------------------------------------

st.title(t("backprop.title"))
st.markdown(t("backprop.intro"))
with st.container(border=True):
    st.markdown(t("backprop.notation"))

restore_page_settings(PAGE, restore_link)
source = st.selectbox(t("backprop.source"), SOURCES, format_func=source_label, key=SOURCE_KEY)
lesson = current_lesson(source)

if lesson is None:
    st.info(t("backprop.no_playground"), icon=":material/info:")
else:
    if source == "exercise":
        exercise_controls(lesson)
    if source == "digits" or (source == "playground" and lesson.network.widths[0] == 784):
        digit_controls(lesson, class_names(lesson))
    st.caption(
        t(
            "backprop.network_summary",
            widths="‑".join(str(w) for w in lesson.network.widths),
            count=f"{lesson.network.parameter_count:,}",
            loss=t(f"backprop.loss_{lesson.network.loss}"),
        )
    )
    apply_parameter_edits(lesson, lesson.key("params", True))
    with st.expander(
        t("backprop.edit_title"), expanded=lesson.network.parameter_count <= EDITABLE_PARAMETERS, icon=":material/tune:"
    ):
        if lesson.network.widths[0] != 784:
            vector_controls(lesson)
        activation_controls(lesson)
        parameter_editor(lesson)
        st.button(t("backprop.reset"), on_click=reset_lesson, key="bp_reset", icon=":material/restart_alt:")
    learning_rate_control(lesson)
    stepper_section()

st.divider()
softmax_tab, explorer_tab = st.tabs([t("backprop.softmax_title"), t("backprop.explorer_title")])
with softmax_tab:
    softmax_widget()
with explorer_tab:
    activation_explorer()

publish_page_settings(PAGE, *link_values(lesson))

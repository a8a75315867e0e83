"""Which settings of each page travel in its URL: (URL key, session-state key, typed parameter).

A binding without a session-state key is read and restored by the page itself (a value that
lives in a page object, or one whose default depends on other settings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core import attacks, optim_paths, surfaces, toy_data
from core import playground as pg
from core import propagation as bp
from core.data import HELD_OUT_SIZE
from core.models import SHIPPED_MODELS
from core.url_state import Param

SEED_HIGH = 10_000


@dataclass(frozen=True)
class Binding:
    param: Param
    state_key: str | None = None
    browser_writes: bool = False  # a slider that runs nothing: the page's views write it into the URL (ui.sweep_view)

    @property
    def key(self) -> str:
        return self.param.key


def choice(key: str, default: str, options: tuple, state_key: str | None) -> Binding:
    return Binding(Param(key, default, "choice", options=tuple(options)), state_key)


def integer(key: str, default: int | None, low: int, high: int, state_key: str | None) -> Binding:
    return Binding(Param(key, default, "int", low=low, high=high), state_key)


def number(key: str, default: float | None, low: float, high: float, state_key: str | None) -> Binding:
    return Binding(Param(key, default, "float", low=low, high=high), state_key)


def listed(key: str, default, options: tuple, state_key: str | None, kind: str = "float") -> Binding:
    return Binding(Param(key, default, kind, options=tuple(options)), state_key)


def flag(key: str, default: bool, state_key: str | None) -> Binding:
    return Binding(Param(key, default, "bool"), state_key)


def written_by_browser(binding: Binding) -> Binding:
    return replace(binding, browser_writes=True)


# ---------------------------------------------------------------- playground

PLAYGROUND_SOURCES = ("toy", "own", "digits")
PLAYGROUND_POINTS = (100, 200, 400, 600, 1000, 2000)
PLAYGROUND = (
    choice("data", "toy", PLAYGROUND_SOURCES, "pg_source"),
    choice("shape", "xor", toy_data.SHAPES, "pg_shape"),
    integer("classes", 3, 2, 6, "pg_classes"),
    listed("noise", 10, tuple(range(0, 55, 5)), "pg_noise", "int"),
    listed("points", 400, PLAYGROUND_POINTS, "pg_points", "int"),
    listed("train", 50, tuple(range(10, 95, 5)), "pg_train_pct", "int"),
    integer("seed", 1, 0, 9999, "pg_seed"),
    choice("preset", "custom", ("custom", *pg.PRESETS), "pg_preset"),
    integer("layers", 1, 0, pg.MAX_HIDDEN_LAYERS, "pg_layers"),
    *(integer(f"w{n + 1}", 4, 1, pg.MAX_WIDTH_DIGITS, f"pg_width_{n}") for n in range(pg.MAX_HIDDEN_LAYERS)),
    choice("act", "tanh", pg.ACTIVATION_NAMES, "pg_activation"),
    choice("head", "sigmoid_bce", pg.HEADS, "pg_head"),
    choice("opt", "sgd", pg.OPTIMIZERS, "pg_optimizer"),
    listed("lr", 0.3, pg.LEARNING_RATES, "pg_lr"),
    listed("batch", 16, pg.BATCH_SIZES, "pg_batch", "int"),
    choice("reg", "none", pg.REGULARIZATIONS, "pg_reg"),
    listed("rate", 0.0, pg.REGULARIZATION_RATES, "pg_reg_rate"),
    listed("dropout", 0.0, tuple(round(0.05 * k, 2) for k in range(17)), "pg_dropout"),
    integer("example", 0, 0, HELD_OUT_SIZE - 1, "pg_example"),
)

# ---------------------------------------------------------------- forward/backward

BACKPROP_SOURCES = ("lecture", "exercise", "neuron", "playground", "digits")
BACKPROP_HIDDEN = ("sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "linear", "step")
BACKPROP_OUTPUT = ("linear", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "step")
BACKPROP_MAX_SEED = 99_999
BACKPROP_MAX_CYCLES = 49
BACKPROP = (
    choice("source", "lecture", BACKPROP_SOURCES, "bp_source"),
    integer("seed", None, 0, BACKPROP_MAX_SEED, None),
    choice("hidden", None, BACKPROP_HIDDEN, None),
    choice("loss", None, bp.LOSSES, None),
    choice("output", None, BACKPROP_OUTPUT, None),
    number("lr", None, 1e-12, 1e3, None),
    integer("cycle", 0, 0, BACKPROP_MAX_CYCLES, None),
    integer("step", 0, 0, 99, None),
    integer("digit", 0, 0, HELD_OUT_SIZE - 1, "bp_digit_index"),
    integer("target", None, 0, 9, None),
)

# ---------------------------------------------------------------- gradient descent

DESCENT_MAX_RACERS = 6
DESCENT_DEFAULT_KINDS = ("sgd", "momentum", "adam", "nesterov", "rmsprop", "adagrad")
DESCENT_BETA2 = (0.9, 0.99, 0.995, 0.999, 0.9999)
START_LIMIT = 1e4


def racer_bindings(index: int) -> tuple[Binding, ...]:
    """One racer's settings; its optimizer key is `opt1`, its learning rate `lr1`, … (numbered from 1)."""
    n = index + 1
    state = lambda name: f"descent_racer{index}_{name}"  # noqa: E731
    return (
        choice(f"opt{n}", DESCENT_DEFAULT_KINDS[index], optim_paths.OPTIMIZER_KINDS, state("kind")),
        number(f"lr{n}", None, 1e-12, optim_paths.MAX_LEARNING_RATE, None),
        number(f"momentum{n}", 0.9, 0.0, 0.99, state("momentum")),
        number(f"beta1_{n}", 0.9, 0.0, 0.999, state("beta1")),
        listed(f"beta2_{n}", 0.999, DESCENT_BETA2, state("beta2")),
        number(f"alpha{n}", 0.99, 0.5, 0.999, state("alpha")),
        integer(f"eps{n}", -8, -12, -1, state("eps_exponent")),
        choice(f"schedule{n}", "none", optim_paths.SCHEDULE_KINDS, state("schedule")),
        number(f"gamma{n}", 0.9, 0.5, 1.0, state("gamma")),
    )


DESCENT = (
    choice("surface", "eggholder", surfaces.SURFACE_KEYS, "descent_surface"),
    number("condition", surfaces.DEFAULT_CONDITION, 1.0, 100.0, "descent_condition"),
    number("x", None, -START_LIMIT, START_LIMIT, None),
    number("y", None, -START_LIMIT, START_LIMIT, None),
    integer("steps", 100, 1, optim_paths.MAX_STEPS, "descent_steps"),
    number("noise", 0.0, 0.0, 20.0, "descent_noise"),
    integer("seed", 0, 0, SEED_HIGH, "descent_seed"),
    flag("project", False, "descent_project"),
    integer("racers", 3, 1, DESCENT_MAX_RACERS, "descent_racer_count"),
    *(binding for index in range(DESCENT_MAX_RACERS) for binding in racer_bindings(index)),
    choice("view", "map", ("map", "surface3d"), "descent_view"),
    integer("lesson_steps", optim_paths.PARABOLA_STEPS, 1, 30, "descent_lesson_steps"),
    integer("restarts", 30, 2, 200, "descent_restart_count"),
    integer("restart_seed", 0, 0, SEED_HIGH, "descent_restart_seed"),
)

# ---------------------------------------------------------------- draw a digit

DRAW = (
    choice("model", "cnn", tuple(SHIPPED_MODELS), "draw.model"),
    choice("source", "drawing", ("drawing", "held_out", "upload"), "draw.source"),
    choice("pick", "by_class", ("by_class", "random", "misclassified"), "draw.held_out_mode"),
    integer("class", 0, 0, 9, "draw.held_out_class"),
    integer("index", None, 0, HELD_OUT_SIZE - 1, None),
    flag("ink", True, "draw.step.ink"),
    flag("crop", True, "draw.step.crop"),
    flag("fit", True, "draw.step.fit"),
    flag("centre", True, "draw.step.centre"),
    integer("brush", 20, 6, 40, "draw.brush"),
    choice("layer", "conv2", ("conv2", "conv3"), "draw.gradcam_layer"),
    flag("relu", True, "draw.gradcam_relu"),
)

# ---------------------------------------------------------------- attack

ATTACK_MODELS = ("cnn", "cnn_robust", "mlp_keras", "mlp_3b1b")
ATTACK_TABS = ("explain", "curves", "defences", "sanity")
ATTACK = (
    choice("source", "held_out", ("held_out", "current"), "attack_source"),
    integer("index", 0, 0, HELD_OUT_SIZE - 1, "attack_index"),
    choice("model", "cnn", ATTACK_MODELS, "attack_model"),
    choice("attack", "fgsm", attacks.ATTACK_KINDS, "attack_kind"),
    written_by_browser(number("eps", 0.1, 0.0, 0.5, "attack_eps")),
    integer("target", None, 0, 9, "attack_target"),
    number("alpha", 0.01, 0.001, 0.1, "attack_alpha"),
    flag("alpha_std", True, "attack_alpha_standard"),
    integer("steps", 10, 1, 10_000, "attack_steps"),
    integer("seed", 0, 0, SEED_HIGH, "attack_seed"),
    choice("explain", "true", ("true", "clean_prediction", "adversarial_prediction", "any"), "attack_explained"),
    integer("class", 0, 0, 9, "attack_explained_any"),
    choice("layer", "conv2", ("conv2", "conv3"), "attack_layer"),
    flag("relu", True, "attack_relu"),
    choice("method", "saliency", ("saliency", "integrated_gradients"), "attack_mlp_method"),
    written_by_browser(number("opacity", 0.5, 0.0, 1.0, "attack_opacity")),
    choice("tab", "explain", ATTACK_TABS, None),
    integer("bits", 1, 1, 8, "attack_bits"),
    listed("median", 2, (2, 3), "attack_median", "int"),
    listed("rate_eps", 0.2, tuple(e for e in attacks.CURVE_EPSILONS if e > 0), "attack_rate_eps"),
    listed("batches", 40, tuple(range(10, 110, 10)), "attack_fine_tune_batches", "int"),
)

PAGE_PARAMS: dict[str, tuple[Binding, ...]] = {
    "playground": PLAYGROUND,
    "backprop": BACKPROP,
    "descent": DESCENT,
    "draw": DRAW,
    "attack": ATTACK,
}


def page_bindings(page: str) -> tuple[Binding, ...]:
    return PAGE_PARAMS.get(page, ())

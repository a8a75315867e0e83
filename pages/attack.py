"""Attack: FGSM and its relatives on the current digit, with where the network looks, live."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import streamlit as st

from core import attack_figures as figures
from core import attacks, explain, precomputed
from core.shared import ComputeOnce
from core.url_state import Param, Problem
from ui.app_settings import lecture_mode
from ui.figures import show_figure
from ui.i18n import current_language, t
from ui.page_params import ATTACK, ATTACK_TABS
from ui.page_url import note_problems, publish_page_settings, restore_page_settings
from ui.resources import digit_split, shipped_model
from ui.session import current_digit
from ui.sweep_view import FollowedSlider, SweepRow, SweepText, chart_from_specs, mount_view, view_message

PAGE = "attack"
TAB_KEY = "attack_tab"
MODEL_KEYS = ("cnn", "cnn_robust", "mlp_keras", "mlp_3b1b")
FINE_TUNED = "fine_tuned"
FINE_TUNED_KEY = "attack_fine_tuned"
RANDOMIZED_KEY = "attack_randomized"
RATES_KEY = "attack_detector_rates"
CURVE_MODELS = precomputed.CURVE_MODELS
MAX_STEPS_INPUT = 10_000
BLANK_INK = 0.05
FINE_TUNE_DIGITS = 500
HOVER = t("attack.hover_pixel")
DEFAULT_LAYER = "conv2"  # the finer 14×14 maps. `python -m bench.grad_cam_coverage`: the standard CNN's Grad-CAM
# for the true class is zero everywhere on 179 of the 2,000 held-out digits at conv2 and 126 at conv3 (the robust
# CNN's on 0 and 2); no digit's rectified feature maps are all zero
EPSILONS = attacks.SWEEP_EPSILONS
OPACITIES = tuple(round(0.05 * step, 2) for step in range(21))
LIVE_TABS = ("explain", "sanity")  # tabs with nothing computed from ε on the server: ε moves without a run
PRIVATE_SWEEPS_KEY = "attack_private_sweeps"
SHARED_SWEEPS = 64
SHARED_VIEWS = 24
PRIVATE_SWEEPS = 2


@st.cache_resource(show_spinner=False)
def shared_sweeps() -> ComputeOnce:
    """Attack sweeps and map sweeps of a shipped model on a held-out digit, keyed by their settings: computed once
    per process for every session, the least recently used dropped beyond SHARED_SWEEPS entries.

    Measured (AttackSweep.nbytes, MapSweep.nbytes; Python's own overhead is a few hundred bytes): an attack sweep
    holds 0.17 MB (one-step attacks) to 0.19 MB (10 steps) and 0.39 MB (100 steps, the cap), a map sweep 0.16-0.17
    MB; so the store stays under 64 × 0.39 MB ≈ 25 MB.
    """
    return ComputeOnce(max_entries=SHARED_SWEEPS)


@st.cache_resource(show_spinner=False)
def shared_views() -> ComputeOnce:
    """The views' messages drawn from shared sweeps, by view, settings, language and lecture mode: built once for
    every session showing the same view.

    Measured (bytes of the message): the maps view 0.73 MB (0.92 MB when the explained class changes with ε), the
    attack view 0.51 MB, the steps view 0.04 MB (0.19 MB at 100 steps), the probabilities 0.02 MB; so the store
    stays under 24 × 0.92 MB ≈ 22 MB.
    """
    return ComputeOnce(max_entries=SHARED_VIEWS)


def sweep_store(shared: bool) -> ComputeOnce:
    """The process's shared store, or this session's own for its drawing or its fine-tuned model: never shared,
    it keeps the view's attack and map sweeps (PRIVATE_SWEEPS entries, at most 0.39 + 0.17 MB)."""
    if shared:
        return shared_sweeps()
    return st.session_state.setdefault(PRIVATE_SWEEPS_KEY, ComputeOnce(max_entries=PRIVATE_SWEEPS))


def show_view(key: str, inputs: tuple | None, build: Callable[[], bytes]) -> None:
    """Mount a view; with `inputs` (what a shared view depends on) its message is built once for everyone."""
    if inputs is None:
        message = build()
    else:
        message = shared_views().get((key, inputs, current_language(), lecture_mode()), build)
    mount_view(key, message)


@st.cache_resource(show_spinner=False)
def shared_results() -> ComputeOnce:
    """The page's long computations (detector rates, and the curves when the shipped ones do not fit the
    weights) keyed by what they depend on: computed once per process, then shared read-only by every session."""
    return ComputeOnce()


@st.cache_resource(show_spinner=False)
def shipped_curves() -> dict[str, attacks.RobustnessCurves] | None:
    """The curves shipped beside the weights (the same for every student), or None when they are not there."""
    return precomputed.load_curves()


def robustness_curves() -> dict[str, attacks.RobustnessCurves]:
    """Accuracy against ε for the standard and robust CNN on the 2,000 held-out digits: shipped with the app,
    or measured once per process, with a progress bar, when the shipped file does not fit the weights."""
    shipped = shipped_curves()
    if shipped is not None:
        return shipped
    store = shared_results()
    measured = {key: store.cached(("curves", key)) for key in CURVE_MODELS}
    if all(curves is not None for curves in measured.values()):
        return measured
    bar = st.progress(0.0, text=t("attack.curves_computing"))
    split = digit_split()
    total = len(attacks.CURVE_EPSILONS)
    curves = {}
    for index, key in enumerate(CURVE_MODELS):

        def report(fraction: float, index: int = index, key: str = key) -> None:
            bar.progress((index + fraction) / len(CURVE_MODELS),
                         text=t("attack.curves_progress", model=model_name(key), done=round(fraction * total),
                                total=total))

        curves[key] = store.get(("curves", key), lambda key=key, report=report: attacks.robustness_curves(
            shipped_model(key), split.test_images, split.test_labels, progress=report))
    bar.empty()
    return curves


def detector_evaluation(model_key: str, bits: int, median_size: int, eps: float) -> attacks.DetectorEvaluation:
    """The detector's rates on the held-out digits, measured with a progress bar (a few seconds) the first
    time any session asks for these settings."""
    store = shared_results()
    key = ("detector", model_key, bits, median_size, eps)
    measured = store.cached(key)
    if measured is not None:
        return measured
    split = digit_split()
    bar = st.progress(0.0, text=t("attack.rates_computing"))
    result = store.get(key, lambda: attacks.evaluate_detector(
        shipped_model(model_key), split.test_images, split.test_labels, bits, median_size, eps,
        progress=lambda fraction: bar.progress(fraction, text=t("attack.rates_computing")),
    ))
    bar.empty()
    return result


@st.cache_data(show_spinner=False, max_entries=32)
def squeeze_threshold(model_key: str, bits: int, median_size: int) -> float:
    """The threshold flagging 5% of the detector's 1,000 calibration digits (every other clean held-out digit)."""
    split = digit_split()
    calibration, _ = attacks.detector_split(len(split.test_images))
    scores = attacks.squeeze_scores(shipped_model(model_key), split.test_images[calibration], bits, median_size)
    return attacks.threshold_for_false_positives(scores.score, 0.05)


def model_name(key: str) -> str:
    return t(f"attack.model_{key}")


def choose_digit() -> tuple[np.ndarray, int | None, str, tuple]:
    """The session's current digit, or a held-out digit picked here: (image, label or None, source text, key)."""
    digit = current_digit()
    options = ["current", "held_out"] if digit is not None else ["held_out"]
    source = st.radio(t("attack.digit_source"), options, horizontal=True, key="attack_source",
                      format_func=lambda option: t(f"attack.source_{option}"))
    if digit is None:
        st.caption(t("attack.no_current_digit"))
    if source == "current" and digit is not None:
        if float(np.max(digit.image)) >= BLANK_INK:
            fingerprint = hashlib.blake2b(np.ascontiguousarray(digit.image).tobytes(), digest_size=12).hexdigest()
            return digit.image, digit.label, t(f"attack.origin_{digit.source}"), ("own", fingerprint, digit.label)
        st.warning(t("attack.blank_digit"))
    split = digit_split()
    index = st.number_input(t("attack.held_out_index"), 0, len(split.test_images) - 1, 0, key="attack_index",
                            help=t("attack.held_out_help"))
    return (split.test_images[int(index)], int(split.test_labels[int(index)]), t("attack.origin_held_out_n", n=index),
            ("held_out", int(index)))


def choose_model() -> tuple[str, object]:
    keys = list(MODEL_KEYS) + ([FINE_TUNED] if FINE_TUNED_KEY in st.session_state else [])
    key = st.selectbox(t("attack.model"), keys, key="attack_model", format_func=model_name)
    if key == FINE_TUNED:
        return key, st.session_state[FINE_TUNED_KEY]["model"]
    return key, shipped_model(key)


def choose_kind() -> str:
    return st.selectbox(t("attack.kind"), attacks.ATTACK_KINDS, key="attack_kind",
                        format_func=lambda option: t(f"attack.kind_{option}"))


def choose_settings(kind: str, label: int) -> attacks.AttackSettings:
    """ε and, depending on the attack, target, α, steps and seed.

    ε reruns nothing while the open tab shows only what the page drew for every ε (LIVE_TABS).
    """
    eps = st.slider(t("attack.eps"), 0.0, 0.5, 0.1, 0.01, key="attack_eps", help=t("attack.eps_help"),
                    on_change="ignore" if open_tab() in LIVE_TABS else "rerun")
    target, alpha, steps, seed = None, 0.01, 10, 0
    columns = iter(st.columns(3) if kind != "fgsm" else [])
    if kind == "targeted_fgsm":
        target = next(columns).selectbox(t("attack.target"), list(range(10)), index=(label + 1) % 10,
                                         key="attack_target")
    if kind in attacks.ITERATIVE_KINDS:
        alpha_column = next(columns)
        steps = int(next(columns).number_input(t("attack.steps"), 1, MAX_STEPS_INPUT, 10, key="attack_steps",
                                               help=t("attack.steps_help", cap=attacks.STEPS_CAP)))
        alpha = choose_alpha(alpha_column, kind, eps, min(steps, attacks.STEPS_CAP))
    if kind in ("pgd", "noise"):
        seed = int(next(columns).number_input(t("attack.seed"), 0, 10_000, 0, key="attack_seed",
                                              help=t("attack.seed_help")))
    if steps > attacks.STEPS_CAP:
        st.warning(t("attack.steps_capped", steps=steps, cap=attacks.STEPS_CAP))
        steps = attacks.STEPS_CAP
    return attacks.AttackSettings(kind, eps, alpha, steps, target, seed)


def choose_alpha(column, kind: str, eps: float, steps: int) -> float | None:
    """PGD's step size is 2.5·ε/steps unless the student sets it; I-FGSM's is set (0.01 by default)."""
    if kind == "pgd" and column.toggle(t("attack.alpha_standard"), True, key="attack_alpha_standard",
                                       help=t("attack.alpha_standard_help")):
        values = [t("attack.alpha_standard_value", alpha=attacks.standard_alpha(value, steps)) for value in EPSILONS]
        with column:
            mount_view("attack_alpha_view", view_message("attack_alpha_view", [
                SweepRow([SweepText("attack_alpha_value", values)])], eps_slider()))
        return None
    return column.slider(t("attack.alpha"), 0.001, 0.1, 0.01, 0.001, format="%.3f", key="attack_alpha",
                         help=t("attack.alpha_help"))


def attack_param(key: str) -> Param:
    return next(binding.param for binding in ATTACK if binding.key == key)


def eps_slider(publish: bool = False) -> FollowedSlider:
    """The ε slider as a view follows it; the view that publishes writes ε into the link."""
    return FollowedSlider("attack_eps", EPSILONS, attack_param("eps") if publish else None)


def attack_sweep(model_key: str, model, image: np.ndarray, label: int | None, digit_key: tuple,
                 settings: attacks.AttackSettings) -> attacks.AttackSweep:
    """The attack at every ε the slider offers, computed once (for every session when nothing in it is private)."""
    store = sweep_store(is_shared(model_key, digit_key))
    key = ("attack", model_key, digit_key, replace(settings, eps=0.0))

    def compute() -> attacks.AttackSweep:
        return attacks.attack_sweep(model, image, label, settings, EPSILONS)

    if key in store:
        return store.get(key, compute)
    with st.spinner(t("attack.sweep_computing")):
        return store.get(key, compute)


def map_sweep(model_key: str, model, sweep: attacks.AttackSweep, digit_key: tuple, settings: attacks.AttackSettings,
              explanation: tuple) -> explain.MapSweep:
    """The explanation of the clean image and of every adversarial image, computed once like the attack."""
    method, layer, relu, targets = explanation
    key = ("maps", model_key, digit_key, replace(settings, eps=0.0), *explanation)
    return sweep_store(is_shared(model_key, digit_key)).get(
        key, lambda: explain.map_sweep(model, sweep.clean, sweep.adversarial, np.array(targets), method, layer, relu))


def is_shared(model_key: str, digit_key: tuple) -> bool:
    """A shipped model on a held-out digit is the same for everyone; a drawing or a fine-tuned copy is not."""
    return model_key != FINE_TUNED and digit_key[0] == "held_out"


def explain_inputs(label: int | None, settings: attacks.AttackSettings, sweep: attacks.AttackSweep) -> None:
    """Messages about what the attack does (or cannot do) with these inputs, whatever ε."""
    if label is None:
        st.caption(t("attack.label_unknown", prediction=sweep.label))
    if settings.kind == "targeted_fgsm" and settings.target == sweep.label:
        st.info(t("attack.target_is_true_class" if label is not None else "attack.target_is_prediction",
                  target=settings.target))
    if settings.kind == "noise":
        st.caption(t("attack.noise_note"))


def badge(text: str, good: bool = True) -> str:
    return f":{'green' if good else 'red'}-badge[{text}]"


def outcome(result: attacks.AttackResult) -> tuple[str, tuple[str, str]]:
    """The outcome line and its badge (text, tone)."""
    before, after = result.clean_prediction, result.adversarial_prediction
    text = t("attack.outcome", before=before, p_before=result.clean_probabilities[before],
             after=after, p_after=result.adversarial_probabilities[after])
    return text, (t("attack.flipped"), "bad") if before != after else (t("attack.not_flipped"), "good")


def images_spec(result: attacks.AttackResult, eps: float) -> dict:
    amplification = 1.0 / max(result.linf, 1e-6)
    titles = (
        (t("attack.clean_title"), t("attack.prediction_line", digit=result.clean_prediction,
                                    p=result.clean_probabilities[result.clean_prediction])),
        (t("attack.delta_title"), t("attack.delta_norms", linf=result.linf, l2=result.l2)),
        (t("attack.adversarial_title", eps=eps),
         t("attack.prediction_line", digit=result.adversarial_prediction,
           p=result.adversarial_probabilities[result.adversarial_prediction])),
    )
    return figures.attack_images_spec(result.clean, result.delta, result.adversarial, titles,
                                      t("attack.delta_bar", amplification=amplification), HOVER)


def probabilities_spec(result: attacks.AttackResult, eps: float) -> dict:
    return figures.probability_spec(result.clean_probabilities, result.adversarial_probabilities,
                                    (t("attack.before"), t("attack.after", eps=eps)), t("attack.class_axis"),
                                    t("attack.probability_axis"), result.target)


def steps_spec(result: attacks.AttackResult) -> dict:
    probabilities = {t("attack.p_class", digit=result.label): result.step_probabilities[:, result.label]}
    flip = result.flip_step
    if flip is not None:
        new_class = int(result.step_predictions[flip])
        probabilities[t("attack.p_class", digit=new_class)] = result.step_probabilities[:, new_class]
    return figures.step_spec(result.step_losses, probabilities, flip, t("attack.step_axis"),
                             t("attack.loss_axis", digit=result.label), t("attack.probability_axis"),
                             t("attack.flip_marker"))


def steps_caption(result: attacks.AttackResult, settings: attacks.AttackSettings) -> str:
    flip = result.flip_step
    if flip is None:
        return t("attack.no_flip_steps", steps=settings.steps)
    return t("attack.flip_at", step=flip, digit=int(result.step_predictions[flip]))


def unreachable_warning(settings: attacks.AttackSettings) -> str:
    if not settings.budget_unreachable:
        return ""
    return t("attack.alpha_too_small", reach=settings.step_size * settings.steps, eps=settings.eps)


def attack_rows(results: list[attacks.AttackResult]) -> list[SweepRow]:
    """The outcome, the three images and δ's size at every ε."""
    outcomes = [outcome(result) for result in results]
    return [
        SweepRow([SweepText("attack_eps_zero", [t("attack.eps_zero") if eps == 0 else "" for eps in EPSILONS],
                            "info")]),
        SweepRow([SweepText("attack_outcome", [text for text, _ in outcomes], "heading",
                            [verdict for _, verdict in outcomes])]),
        SweepRow([chart_from_specs("attack_images", [images_spec(result, eps)
                                                     for result, eps in zip(results, EPSILONS)])]),
        SweepRow([SweepText("attack_delta_caption", [t("attack.delta_caption", linf=result.linf, l2=result.l2, eps=eps)
                                                     for result, eps in zip(results, EPSILONS)])]),
    ]


def steps_rows(results: list[attacks.AttackResult], settings: attacks.AttackSettings) -> list[SweepRow]:
    """The loss and probabilities at every step, where the prediction flipped, and whether α can reach ε."""
    every = [replace(settings, eps=eps) for eps in EPSILONS]
    return [
        SweepRow([chart_from_specs("attack_steps_figure", [steps_spec(result) for result in results])]),
        SweepRow([SweepText("attack_steps_caption", [steps_caption(result, settings) for result in results])]),
        SweepRow([SweepText("attack_unreachable", [unreachable_warning(each) for each in every], "warning")]),
    ]


def show_attack(sweep: attacks.AttackSweep, settings: attacks.AttackSettings, inputs: tuple | None) -> None:
    """The outcome, the images, the probabilities (and the steps) at every ε, redrawn in the browser as ε moves."""
    results = [sweep.result(entry) for entry in range(len(sweep))]
    show_view("attack_view", inputs, lambda: view_message("attack_view", attack_rows(results),
                                                          eps_slider(publish=True)))
    left, right = st.columns(2)
    with left:
        show_view("attack_probabilities_view", inputs, lambda: view_message("attack_probabilities_view", [SweepRow([
            chart_from_specs("attack_probabilities", [probabilities_spec(result, eps)
                                                      for result, eps in zip(results, EPSILONS)])])], eps_slider()))
    with right:
        if settings.kind in attacks.ITERATIVE_KINDS:
            show_view("attack_steps_view", inputs, lambda: view_message("attack_steps_view",
                                                                        steps_rows(results, settings), eps_slider()))
        else:
            st.markdown(t("attack.one_step_note"))


def explained_class(label: int | None) -> tuple[str, int]:
    """Which class the maps explain: (choice, the class chosen when the choice is "any")."""
    choices = list(explain.EXPLAINED_CLASSES)
    if label is None:
        choices.remove("true")
    choice = st.selectbox(t("attack.explained_class"), choices, key="attack_explained",
                          format_func=lambda option: t(f"attack.explained_{option}"))
    if choice == "any":
        return choice, int(st.selectbox(t("attack.any_class"), list(range(10)), key="attack_explained_any"))
    return choice, 0


def explanation_method(model, columns) -> tuple[str, str, bool]:
    """(method, layer, relu): Grad-CAM with a layer for a CNN; saliency or Integrated Gradients for an MLP."""
    if explain.has_conv_layers(model):
        layer = columns[0].selectbox(t("attack.layer"), list(model.gradcam_layers),
                                     index=list(model.gradcam_layers).index(DEFAULT_LAYER), key="attack_layer",
                                     format_func=lambda name: t("attack.layer_option", layer=name, number=name[-1]))
        relu = columns[1].toggle(t("attack.relu"), True, key="attack_relu", help=t("attack.relu_help"))
        return "grad_cam", layer, relu
    method = columns[0].radio(t("attack.mlp_method"), ["saliency", "integrated_gradients"], key="attack_mlp_method",
                              format_func=lambda option: t(f"attack.method_{option}"))
    return method, "", False


def map_titles(method: str, target: int, eps: float) -> tuple:
    method_name = t(f"attack.method_{method}")
    return ((t("attack.map_clean"), t("attack.map_for", method=method_name, digit=target)),
            (t("attack.map_adversarial", eps=eps), t("attack.map_for", method=method_name, digit=target)))


def map_specs(sweep: attacks.AttackSweep, maps: explain.MapSweep) -> tuple[list[dict], list[dict]]:
    """The clean/adversarial pair and the difference map at every ε (the browser sets the maps' opacity)."""
    pairs, differences = [], []
    default_opacity = attack_param("opacity").default
    for entry, eps in enumerate(EPSILONS):
        pair = maps.pair(entry)
        pairs.append(figures.map_pair_spec(sweep.clean, sweep.adversarial[entry], pair.clean, pair.adversarial,
                                           pair.scale, map_titles(maps.method, pair.target, eps), t("attack.map_bar"),
                                           default_opacity, HOVER))
        differences.append(figures.difference_spec(
            pair.difference, (t("attack.map_difference"), t("attack.map_difference_note", eps=eps)),
            t("attack.difference_bar"), HOVER))
    return pairs, differences


def map_notes(maps: explain.MapSweep, relu: bool) -> list[SweepRow]:
    """Grad-CAM's caption, a note when the clean map is all zero, and the shared scale, at every ε."""
    notes = []
    if maps.method == "grad_cam":
        rows, cols = maps.resolution
        caption = t("gradcam.caption_relu" if relu else "gradcam.caption_signed", layer=maps.layer, rows=rows,
                    cols=cols)
        zero = [t("attack.map_all_zero") if relu and not maps.clean(entry).any() else "" for entry in range(len(maps))]
        notes += [SweepText("attack_map_caption", [caption] * len(maps)), SweepText("attack_map_all_zero", zero)]
    scales = [maps.pair(entry).scale for entry in range(len(maps))]
    notes.append(SweepText("attack_shared_scale", [t("attack.shared_scale", low=low, high=high)
                                                   for low, high in scales]))
    return [SweepRow([note]) for note in notes]


def maps_message(sweep: attacks.AttackSweep, maps: explain.MapSweep, relu: bool) -> bytes:
    pairs, differences = map_specs(sweep, maps)
    charts = SweepRow([chart_from_specs("attack_maps", pairs, figures.MAP_OVERLAY_TRACES),
                       chart_from_specs("attack_difference", differences)], (2, 1))
    return view_message("attack_maps_view", [charts, *map_notes(maps, relu)], eps_slider(),
                        FollowedSlider("attack_opacity", OPACITIES, attack_param("opacity")))


def show_explanation(model_key: str, model, sweep: attacks.AttackSweep, label: int | None, digit_key: tuple,
                     settings: attacks.AttackSettings, inputs: tuple | None) -> None:
    if not explain.has_conv_layers(model):
        st.info(t("attack.mlp_note"))
    columns = st.columns([1, 1, 1.3, 1.3])
    method, layer, relu = explanation_method(model, columns)
    with columns[2]:
        choice, any_class = explained_class(label)
    columns[3].slider(t("attack.opacity"), 0.0, 1.0, 0.5, 0.05, key="attack_opacity", on_change="ignore")
    targets = explain.explained_classes(choice, sweep.label, int(sweep.clean_probabilities.argmax()),
                                        sweep.adversarial_probabilities.argmax(axis=1), any_class)
    explanation = (method, layer, relu, tuple(targets.tolist()))
    maps = map_sweep(model_key, model, sweep, digit_key, settings, explanation)
    shared_inputs = None if inputs is None else (*inputs, explanation)
    show_view("attack_maps_view", shared_inputs, lambda: maps_message(sweep, maps, relu))


def show_curves(model_key: str, eps: float) -> None:
    st.markdown(t("attack.curves_intro"))
    curves = robustness_curves()
    series = [
        figures.CurveSeries(model_name(key), attack, t(f"attack.curve_{attack}", model=model_name(key)),
                            curve.epsilons, getattr(curve, attack))
        for key, curve in curves.items() for attack in ("fgsm", "pgd", "noise")
    ]
    show_figure(
        figures.robustness_figure(series, eps, t("attack.current_eps", eps=eps), t("attack.eps_axis"),
                                  t("attack.accuracy_axis")),
        live=True, key="attack_curves",
    )
    any_curve = next(iter(curves.values()))
    st.caption(t("attack.curves_caption", digits=any_curve.digits, pgd_digits=any_curve.pgd_digits,
                 steps=any_curve.pgd_steps))
    rows = []
    for key, curve in curves.items():
        for index, value in enumerate(curve.epsilons):
            rows.append({t("attack.column_model"): model_name(key), "ε": f"{value:.2f}",
                         t("attack.column_fgsm"): f"{curve.fgsm[index]:.1%}",
                         t("attack.column_pgd"): f"{curve.pgd[index]:.1%}",
                         t("attack.column_noise"): f"{curve.noise[index]:.1%}"})
    with st.expander(t("attack.curves_table")):
        st.dataframe(rows, hide_index=True, width="stretch")
    if model_key not in CURVE_MODELS:
        st.caption(t("attack.curves_other_model"))


def show_squeezing(model_key: str, model, result: attacks.AttackResult) -> None:
    st.subheader(t("attack.squeeze_title"))
    st.markdown(t("attack.squeeze_intro"))
    columns = st.columns(2)
    bits = int(columns[0].slider(t("attack.bits"), 1, 8, 1, key="attack_bits", help=t("attack.bits_help")))
    median_size = int(columns[1].selectbox(t("attack.median_size"), [2, 3], key="attack_median",
                                           format_func=lambda size: f"{size}×{size}"))
    reference_key = model_key if model_key in MODEL_KEYS else "cnn"
    threshold = squeeze_threshold(reference_key, bits, median_size)
    squeezed_bits, squeezed_median = attacks.squeezed_copies(result.adversarial, bits, median_size)
    adversarial_scores = attacks.squeeze_scores(model, result.adversarial, bits, median_size)
    clean_scores = attacks.squeeze_scores(model, result.clean, bits, median_size)
    titles = (
        (t("attack.squeeze_input"), t("attack.squeeze_input_note")),
        (t("attack.squeeze_bits", bits=bits), t("attack.l1_score", l1=adversarial_scores.bit_depth[0])),
        (t("attack.squeeze_median", size=median_size), t("attack.l1_score", l1=adversarial_scores.median[0])),
    )
    show_figure(figures.squeeze_figure((result.adversarial, squeezed_bits, squeezed_median), titles, HOVER),
                    width="stretch", key="attack_squeeze")
    flagged = adversarial_scores.score[0] > threshold
    verdict = badge(t("attack.verdict_adversarial"), good=False) if flagged else badge(t("attack.verdict_clean"))
    st.markdown(t("attack.squeeze_verdict", score=adversarial_scores.score[0], threshold=threshold, verdict=verdict))
    st.caption(t("attack.squeeze_clean_score", score=clean_scores.score[0],
                 flagged=t("attack.yes") if clean_scores.score[0] > threshold else t("attack.no")))
    show_detector_rates(reference_key, bits, median_size)


def show_detector_rates(model_key: str, bits: int, median_size: int) -> None:
    """Detection and false-positive rates on the held-out digits, measured on request (a few seconds)."""
    measured = st.session_state.setdefault(RATES_KEY, {})
    columns = st.columns([2, 1])
    rate_eps = columns[0].select_slider(t("attack.rate_eps"), [e for e in attacks.CURVE_EPSILONS if e > 0], 0.2,
                                        key="attack_rate_eps")
    key = (model_key, bits, median_size, float(rate_eps))
    if columns[1].button(t("attack.measure_rates"), key="attack_measure_rates"):
        measured[key] = detector_evaluation(*key)
    if key not in measured:
        st.caption(t("attack.rates_not_measured"))
        return
    evaluation = measured[key]
    st.dataframe(
        [{t("attack.column_attack"): t(f"attack.kind_{name}"),
          t("attack.column_successful"): evaluation.successful[name],
          t("attack.column_detected"): f"{evaluation.detection_rate[name]:.1%}"}
         for name in ("fgsm", "pgd")],
        hide_index=True, width="stretch",
    )
    st.caption(t("attack.rates_caption", fpr=evaluation.false_positive_rate, digits=evaluation.digits,
                 model=model_name(model_key), eps=rate_eps))


def show_adversarial_training(result: attacks.AttackResult, label: int | None, settings: attacks.AttackSettings
                              ) -> None:
    st.subheader(t("attack.training_title"))
    st.markdown(t("attack.training_intro"))
    columns = st.columns(2)
    for column, key in zip(columns, CURVE_MODELS):
        comparison = attacks.run_attack(shipped_model(key), result.clean, label, settings)
        column.metric(model_name(key), t("attack.prediction_change", before=comparison.clean_prediction,
                                         after=comparison.adversarial_prediction))
    st.markdown(t("attack.fine_tune_intro"))
    batches = st.slider(t("attack.fine_tune_batches"), 10, 100, 40, 10, key="attack_fine_tune_batches")
    if st.button(t("attack.fine_tune_button", eps=settings.eps if settings.eps > 0 else 0.2), key="attack_fine_tune"):
        fine_tune(batches, settings.eps if settings.eps > 0 else 0.2)
        st.rerun()
    if FINE_TUNED_KEY in st.session_state:
        state = st.session_state[FINE_TUNED_KEY]
        metric_columns = st.columns(2)
        metric_columns[0].metric(t("attack.fine_tune_clean"), f"{state['clean_after']:.1%}",
                                 f"{(state['clean_after'] - state['clean_before']) * 100:+.1f} pp")
        metric_columns[1].metric(t("attack.fine_tune_fgsm", eps=state["eps"]), f"{state['fgsm_after']:.1%}",
                                 f"{(state['fgsm_after'] - state['fgsm_before']) * 100:+.1f} pp")
        show_figure(figures.loss_figure(state["losses"], t("attack.batch_axis"), t("attack.training_loss_axis")),
                        width="stretch", key="attack_fine_tune_loss")
        st.caption(t("attack.fine_tune_caption", digits=FINE_TUNE_DIGITS, batches=len(state["losses"])))


def fine_tune(batches: int, eps: float) -> None:
    """Adversarially fine-tune a session copy of the standard CNN, with a progress bar."""
    split = digit_split()
    images, labels = split.test_images[-FINE_TUNE_DIGITS:], split.test_labels[-FINE_TUNE_DIGITS:]
    copy = attacks.trainable_copy(shipped_model("cnn"))
    bar = st.progress(0.0, text=t("attack.fine_tune_progress", done=0, total=batches))

    def progress(done: int, loss: float) -> None:
        bar.progress(done / batches, text=t("attack.fine_tune_progress", done=done, total=batches))

    before = attacks.clean_and_fgsm_accuracy(copy, images, labels, eps)
    losses = attacks.adversarial_fine_tune(copy, split.train_images, split.train_labels, eps, batches,
                                           progress=progress)
    after = attacks.clean_and_fgsm_accuracy(copy, images, labels, eps)
    st.session_state.pop(PRIVATE_SWEEPS_KEY, None)
    st.session_state[FINE_TUNED_KEY] = {
        "model": copy, "losses": losses, "eps": eps,
        "clean_before": before[0], "fgsm_before": before[1], "clean_after": after[0], "fgsm_after": after[1],
    }


def show_sanity_check(model_key: str, model, result: attacks.AttackResult) -> None:
    st.markdown(t("attack.sanity_intro"))
    randomized = st.session_state.setdefault(RANDOMIZED_KEY, {})
    if model_key not in randomized:
        randomized[model_key] = attacks.randomized_copy(model, seed=0)
    method = "grad_cam" if explain.has_conv_layers(model) else "saliency"
    layer = st.session_state.get("attack_layer", DEFAULT_LAYER)
    target = result.clean_prediction
    networks = (model, randomized[model_key])
    if method == "grad_cam":
        cams = [explain.grad_cam(network, result.clean, target, layer) for network in networks]
        maps = [cam.upsampled for cam in cams]
        rows, cols = cams[0].resolution
        map_caption = t("gradcam.caption_relu", layer=layer, rows=rows, cols=cols)
    else:
        maps = [explain.input_saliency(network, result.clean, target) for network in networks]
        map_caption = None
    method_name = t(f"attack.method_{method}")
    titles = ((t("attack.sanity_real"), t("attack.map_for", method=method_name, digit=target)),
              (t("attack.sanity_random"), t("attack.map_for", method=method_name, digit=target)))
    opacity = st.session_state.get("attack_opacity", 0.5)
    for column, values, title, key in zip(st.columns(2), maps, titles, ("attack_sanity_real", "attack_sanity_random")):
        with column:
            show_figure(figures.overlay_figure(result.clean, values, title, t("attack.map_bar"), opacity, HOVER),
                        width="stretch", key=key)
    if map_caption:
        st.caption(map_caption)
    correlation = np.corrcoef(maps[0].ravel(), maps[1].ravel())[0, 1] if maps[0].std() and maps[1].std() else 0.0
    st.caption(t("attack.sanity_caption", correlation=correlation))


def restore_link(values: dict) -> None:
    """A link's settings: the session's own digit only when it has one; the tab by its name."""
    if values["source"] == "current" and current_digit() is None:
        st.session_state["attack_source"] = "held_out"
        note_problems([Problem("source", "invalid")])
    st.session_state[TAB_KEY] = tab_label(values["tab"])


def tab_label(tab: str) -> str:
    return t(f"attack.tab_{tab}")


def open_tab() -> str:
    label = st.session_state.get(TAB_KEY)
    return next((tab for tab in ATTACK_TABS if tab_label(tab) == label), ATTACK_TABS[0])


restore_page_settings(PAGE, restore_link)
st.title(t("attack.title"))
st.markdown(t("attack.intro"))

input_column, model_column, kind_column = st.columns(3)
with input_column:
    image, label, origin, digit_key = choose_digit()
with model_column:
    model_key, model = choose_model()
    st.caption(t("attack.digit_origin", origin=origin, label=label if label is not None else t("attack.unknown")))
with kind_column:
    kind = choose_kind()

settings = choose_settings(kind, label if label is not None else 0)
sweep = attack_sweep(model_key, model, image, label, digit_key, settings)
result = sweep.result(sweep.index_of(settings.eps))
view_inputs = (model_key, digit_key, replace(settings, eps=0.0)) if is_shared(model_key, digit_key) else None
explain_inputs(label, settings, sweep)
show_attack(sweep, settings, view_inputs)

tabs = st.tabs([tab_label(tab) for tab in ATTACK_TABS], key=TAB_KEY, on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        show_explanation(model_key, model, sweep, label, digit_key, settings, view_inputs)
with tabs[1]:
    if tabs[1].open:
        show_curves(model_key, settings.eps)
with tabs[2]:
    if tabs[2].open:
        show_squeezing(model_key, model, result)
        show_adversarial_training(result, label, settings)
with tabs[3]:
    if tabs[3].open:
        show_sanity_check(model_key, model, result)

publish_page_settings(PAGE, {"tab": open_tab()})

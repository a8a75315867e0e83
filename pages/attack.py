"""Attack: FGSM and its relatives on the current digit, with where the network looks, live."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import attack_figures as figures
from core import attacks, explain, precomputed
from core.shared import ComputeOnce
from core.url_state import Problem
from ui.figures import show_figure
from ui.i18n import t
from ui.page_params import ATTACK_TABS
from ui.page_url import note_problems, publish_page_settings, restore_page_settings
from ui.resources import digit_split, shipped_model
from ui.session import current_digit

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
    if all(("curves", key) in store for key in CURVE_MODELS):
        return {key: store.get(("curves", key), None) for key in CURVE_MODELS}
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
    if key in store:
        return store.get(key, None)
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


def choose_digit() -> tuple[np.ndarray, int | None, str]:
    """The session's current digit, or a held-out digit picked here: (image, label or None, source text)."""
    digit = current_digit()
    options = ["current", "held_out"] if digit is not None else ["held_out"]
    source = st.radio(t("attack.digit_source"), options, horizontal=True, key="attack_source",
                      format_func=lambda option: t(f"attack.source_{option}"))
    if digit is None:
        st.caption(t("attack.no_current_digit"))
    if source == "current" and digit is not None:
        if float(np.max(digit.image)) >= BLANK_INK:
            return digit.image, digit.label, t(f"attack.origin_{digit.source}")
        st.warning(t("attack.blank_digit"))
    split = digit_split()
    index = st.number_input(t("attack.held_out_index"), 0, len(split.test_images) - 1, 0, key="attack_index",
                            help=t("attack.held_out_help"))
    return split.test_images[int(index)], int(split.test_labels[int(index)]), t("attack.origin_held_out_n", n=index)


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
    """ε and, depending on the attack, target, α, steps and seed."""
    eps = st.slider(t("attack.eps"), 0.0, 0.5, 0.1, 0.01, key="attack_eps", help=t("attack.eps_help"))
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
        column.caption(t("attack.alpha_standard_value", alpha=attacks.standard_alpha(eps, steps)))
        return None
    return column.slider(t("attack.alpha"), 0.001, 0.1, 0.01, 0.001, format="%.3f", key="attack_alpha",
                         help=t("attack.alpha_help"))


def explain_inputs(label: int | None, settings: attacks.AttackSettings, result: attacks.AttackResult) -> None:
    """Messages about what the attack did (or could not do) with these inputs."""
    if label is None:
        st.caption(t("attack.label_unknown", prediction=result.label))
    if settings.eps == 0:
        st.info(t("attack.eps_zero"))
    if settings.kind == "targeted_fgsm" and settings.target == result.label:
        st.info(t("attack.target_is_true_class" if label is not None else "attack.target_is_prediction",
                  target=settings.target))
    if settings.kind == "noise":
        st.caption(t("attack.noise_note"))


def badge(text: str, good: bool = True) -> str:
    return f":{'green' if good else 'red'}-badge[{text}]"


def show_outcome(result: attacks.AttackResult) -> None:
    before, after = result.clean_prediction, result.adversarial_prediction
    text = t("attack.outcome", before=before, p_before=result.clean_probabilities[before],
             after=after, p_after=result.adversarial_probabilities[after])
    verdict = badge(t("attack.flipped"), good=False) if before != after else badge(t("attack.not_flipped"))
    st.markdown(f"#### {text} {verdict}")


def show_attack(result: attacks.AttackResult, settings: attacks.AttackSettings) -> None:
    amplification = 1.0 / max(result.linf, 1e-6)
    titles = (
        (t("attack.clean_title"), t("attack.prediction_line", digit=result.clean_prediction,
                                    p=result.clean_probabilities[result.clean_prediction])),
        (t("attack.delta_title"), t("attack.delta_norms", linf=result.linf, l2=result.l2)),
        (t("attack.adversarial_title", eps=settings.eps),
         t("attack.prediction_line", digit=result.adversarial_prediction,
           p=result.adversarial_probabilities[result.adversarial_prediction])),
    )
    show_figure(
        figures.attack_images_figure(result.clean, result.delta, result.adversarial, titles,
                                     t("attack.delta_bar", amplification=amplification), HOVER),
        live=True, key="attack_images",
    )
    st.caption(t("attack.delta_caption", linf=result.linf, l2=result.l2, eps=settings.eps))
    left, right = st.columns(2)
    with left:
        show_figure(
            figures.probability_figure(result.clean_probabilities, result.adversarial_probabilities,
                                       (t("attack.before"), t("attack.after", eps=settings.eps)),
                                       t("attack.class_axis"), t("attack.probability_axis"), result.target),
            live=True, key="attack_probabilities",
        )
    with right:
        if settings.kind in attacks.ITERATIVE_KINDS:
            show_steps(result, settings)
        else:
            st.markdown(t("attack.one_step_note"))


def show_steps(result: attacks.AttackResult, settings: attacks.AttackSettings) -> None:
    probabilities = {t("attack.p_class", digit=result.label): result.step_probabilities[:, result.label]}
    flip = result.flip_step
    if flip is not None:
        new_class = int(result.step_predictions[flip])
        probabilities[t("attack.p_class", digit=new_class)] = result.step_probabilities[:, new_class]
    show_figure(
        figures.step_figure(result.step_losses, probabilities, flip, t("attack.step_axis"),
                            t("attack.loss_axis", digit=result.label), t("attack.probability_axis"),
                            t("attack.flip_marker")),
        live=True, key="attack_steps_figure",
    )
    if flip is None:
        st.caption(t("attack.no_flip_steps", steps=settings.steps))
    else:
        st.caption(t("attack.flip_at", step=flip, digit=int(result.step_predictions[flip])))
    if settings.budget_unreachable:
        st.warning(t("attack.alpha_too_small", reach=settings.step_size * settings.steps, eps=settings.eps))


def explained_class(result: attacks.AttackResult, label: int | None) -> int:
    choices = ["true", "clean_prediction", "adversarial_prediction", "any"]
    if label is None:
        choices.remove("true")
    choice = st.selectbox(t("attack.explained_class"), choices, key="attack_explained",
                          format_func=lambda option: t(f"attack.explained_{option}"))
    if choice == "any":
        return int(st.selectbox(t("attack.any_class"), list(range(10)), key="attack_explained_any"))
    return {"true": result.label, "clean_prediction": result.clean_prediction,
            "adversarial_prediction": result.adversarial_prediction}[choice]


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


def show_explanation(model, result: attacks.AttackResult, label: int | None, settings: attacks.AttackSettings) -> None:
    if not explain.has_conv_layers(model):
        st.info(t("attack.mlp_note"))
    columns = st.columns([1, 1, 1.3, 1.3])
    method, layer, relu = explanation_method(model, columns)
    with columns[2]:
        target = explained_class(result, label)
    opacity = columns[3].slider(t("attack.opacity"), 0.0, 1.0, 0.5, 0.05, key="attack_opacity")
    pair = explain.explain_pair(model, result.clean, result.adversarial, target, method, layer, relu)
    method_name = t(f"attack.method_{method}")
    titles = (
        (t("attack.map_clean"), t("attack.map_for", method=method_name, digit=target)),
        (t("attack.map_adversarial", eps=settings.eps), t("attack.map_for", method=method_name, digit=target)),
    )
    pair_column, difference_column = st.columns([2, 1])
    with pair_column:
        show_figure(
            figures.map_pair_figure(result.clean, result.adversarial, pair.clean, pair.adversarial, pair.scale, titles,
                                    t("attack.map_bar"), opacity, HOVER),
            live=True, key="attack_maps",
        )
    with difference_column:
        show_figure(
            figures.difference_figure(
                pair.difference, (t("attack.map_difference"), t("attack.map_difference_note", eps=settings.eps)),
                t("attack.difference_bar"), HOVER,
            ),
            live=True, key="attack_difference",
        )
    if method == "grad_cam":
        rows, cols = pair.resolution
        st.caption(t("gradcam.caption_relu" if relu else "gradcam.caption_signed", layer=layer, rows=rows, cols=cols))
        if relu and not pair.clean.any():
            st.caption(t("attack.map_all_zero"))
    st.caption(t("attack.shared_scale", low=pair.scale[0], high=pair.scale[1]))


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
    image, label, origin = choose_digit()
with model_column:
    model_key, model = choose_model()
    st.caption(t("attack.digit_origin", origin=origin, label=label if label is not None else t("attack.unknown")))
with kind_column:
    kind = choose_kind()

settings = choose_settings(kind, label if label is not None else 0)
result = attacks.run_attack(model, image, label, settings)
explain_inputs(label, settings, result)
show_outcome(result)
show_attack(result, settings)

tabs = st.tabs([tab_label(tab) for tab in ATTACK_TABS], key=TAB_KEY, on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        show_explanation(model, result, label, settings)
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

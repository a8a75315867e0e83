"""Attacks against docs/course.md §6: exact oracles, properties, and an independent reference implementation."""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from captum.robust import PGD
from torch import nn

from core import attacks
from core.models import load_shipped


def captum_pgd(model, images, labels, eps, alpha, steps):
    """Captum's own PGD without a random start (L∞, cross-entropy on logits, bounded to [0, 1])."""
    x = torch.tensor(np.array(images, dtype=np.float32))
    x = x.reshape(-1, 1, 28, 28) if x.shape[-2:] == (28, 28) else x.reshape(len(x), -1)
    y = torch.as_tensor(np.array(labels)).long().reshape(-1).expand(len(x)).clone()
    attack = PGD(model, loss_func=attacks.cross_entropy_on_scores, lower_bound=0.0, upper_bound=1.0)
    attack.fgsm.zero_thresh = 0.0
    with torch.enable_grad():
        result = attack.perturb(x.requires_grad_(True), radius=eps, step_size=alpha, step_num=steps, target=y)
    return result.detach()


class Logistic(nn.Module):
    """p(y=1|x) = σ(wᵀx + b), returned as the two scores (0, z): cross-entropy on them is BCE on σ(z)."""

    def __init__(self, w, b):
        super().__init__()
        self.linear = nn.Linear(len(w), 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.tensor([w], dtype=torch.float32))
            self.linear.bias.fill_(b)
        for parameter in self.parameters():
            parameter.requires_grad_(False)

    def forward(self, x):
        z = self.linear(x)
        return torch.cat([torch.zeros_like(z), z], dim=1)


def probability(model: Logistic, x) -> float:
    return float(torch.sigmoid(model.linear(torch.as_tensor(x, dtype=torch.float32).reshape(1, -1)))[0, 0])


@pytest.fixture(scope="module")
def oracle_a():
    return Logistic([3.0, -2.0], 0.5), [0.2, 0.8]


@pytest.fixture(scope="module")
def oracle_b():
    return Logistic([1.0, -2.0, 0.5], 0.0), [0.5, 0.5, 0.5]


def test_two_scores_give_exactly_bce(oracle_a):
    model, x = oracle_a
    scores = model(torch.tensor([x]))
    bce = F.binary_cross_entropy_with_logits(scores[:, 1], torch.ones(1))
    assert float(attacks.cross_entropy_on_scores(scores, torch.tensor([1]))[0]) == pytest.approx(float(bce), abs=1e-7)


def test_oracle_a_gradient_and_fgsm(oracle_a):
    model, x = oracle_a
    assert float(model.linear(torch.tensor([x]))[0, 0]) == pytest.approx(-0.5, abs=1e-6)
    assert probability(model, x) == pytest.approx(0.3775407, abs=1e-6)
    gradient = attacks.input_gradients(model, torch.tensor([x]), torch.tensor([1]))[0]
    np.testing.assert_allclose(gradient.numpy(), [-1.867378, 1.244919], atol=1e-5)
    adversarial = attacks.fgsm(model, [x], 1, 0.1)[0]
    np.testing.assert_allclose(adversarial.numpy(), [0.1, 0.9], atol=1e-6)
    assert probability(model, adversarial) == pytest.approx(0.2689414, abs=1e-6)


def test_oracle_a_ifgsm_is_held_by_the_projection(oracle_a):
    model, x = oracle_a
    iterates = [step[0].numpy() for step in attacks.iterative_steps(model, [x], 1, 0.1, 0.05, 3)]
    np.testing.assert_allclose(iterates, [[0.15, 0.85], [0.10, 0.90], [0.10, 0.90]], atol=1e-6)
    assert probability(model, iterates[0]) == pytest.approx(0.3208213, abs=1e-6)
    assert probability(model, iterates[1]) == pytest.approx(0.2689414, abs=1e-6)


def test_oracle_b_fgsm_moves_the_logit_by_eps_times_l1_of_w(oracle_b):
    model, x = oracle_b
    assert probability(model, x) == pytest.approx(0.437823, abs=1e-6)
    adversarial = attacks.fgsm(model, [x], 1, 0.1)[0]
    np.testing.assert_allclose(adversarial.numpy(), [0.4, 0.6, 0.4], atol=1e-6)
    assert probability(model, adversarial) == pytest.approx(0.354344, abs=1e-6)
    change = float(model.linear(adversarial[None]) - model.linear(torch.tensor([x])))
    assert change == pytest.approx(-0.1 * 3.5, abs=1e-6)


def test_oracle_b_pgd_without_random_start(oracle_b):
    model, x = oracle_b
    iterates = [step[0].numpy() for step in attacks.iterative_steps(model, [x], 1, 0.1, 0.04, 5)]
    expected = [[0.46, 0.54, 0.46], [0.42, 0.58, 0.42]] + [[0.40, 0.60, 0.40]] * 3
    np.testing.assert_allclose(iterates, expected, atol=1e-6)
    np.testing.assert_allclose(attacks.pgd(model, [x], 1, 0.1, 0.04, 5, seed=None)[0].numpy(), expected[-1], atol=1e-6)
    captum_result = captum_pgd(model, [x], 1, 0.1, 0.04, 5)
    np.testing.assert_allclose(captum_result[0].numpy(), expected[-1], atol=1e-6)


def test_targeted_fgsm_descends_the_target_loss(oracle_b):
    model, x = oracle_b
    towards_class_1 = attacks.fgsm(model, [x], 1, 0.1, targeted=True)[0]
    np.testing.assert_allclose(towards_class_1.numpy(), [0.6, 0.4, 0.6], atol=1e-6)
    assert probability(model, towards_class_1) > probability(model, x)


# ---------------------------------------------------------------------------------------------
# An independent reference: plain autograd, no Captum


def float64_twin(model):
    """The same network with every weight in float64."""
    twin = copy.deepcopy(model).double()
    twin.eval()
    return twin


def reference_gradient(model, x, y):
    """∇ₓJ by plain autograd (no Captum), with the loss and its gradient in float64: p_y − 1 keeps its digits."""
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(model(x).double(), y, reduction="sum")
    return torch.autograd.grad(loss, x)[0]


def float32_gradient(model, x, y):
    """∇ₓJ with the loss in float32, where p_y rounds to 1 on confident digits and its term p_y − 1 to 0."""
    x = x.clone().requires_grad_(True)
    return torch.autograd.grad(F.cross_entropy(model(x), y, reduction="sum"), x)[0]


def reference_fgsm(model, x, y, eps, targeted=False):
    direction = -1.0 if targeted else 1.0
    return (x + direction * eps * reference_gradient(model, x, y).sign()).clamp(0, 1)


def reference_pgd(model, x, y, eps, alpha, steps, seed=None):
    current = x.clone()
    if seed is not None:
        generator = torch.Generator().manual_seed(seed)
        current = (x + (torch.rand(x.shape, generator=generator) * 2 - 1) * eps).clamp(0, 1)
    for _ in range(steps):
        current = current + alpha * reference_gradient(model, current, y).sign()
        current = torch.max(torch.min(current, x + eps), x - eps).clamp(0, 1)
    return current


def share_different(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(((a - b).abs() > 1e-6).float().mean())


@pytest.fixture(scope="module")
def digits(split):
    x = torch.tensor(split.test_images[:64]).unsqueeze(1)
    return x, torch.tensor(split.test_labels[:64])


def test_fgsm_matches_reference(cnn, digits):
    x, y = digits
    for eps in (0.05, 0.2):
        assert share_different(attacks.fgsm(cnn, x, y, eps), reference_fgsm(cnn, x, y, eps)) < 1e-3


def test_targeted_fgsm_matches_reference(cnn, digits):
    x, y = digits
    targets = (y + 3) % 10
    core = attacks.fgsm(cnn, x, targets, 0.1, targeted=True)
    assert share_different(core, reference_fgsm(cnn, x, targets, 0.1, targeted=True)) < 1e-3


@pytest.mark.parametrize("seed", [None, 7])
def test_pgd_matches_reference(cnn, digits, seed):
    x, y = digits
    core = attacks.pgd(cnn, x, y, 0.15, 0.03, 8, seed=seed)
    assert share_different(core, reference_pgd(cnn, x, y, 0.15, 0.03, 8, seed)) < 1e-3


def test_core_pgd_without_random_start_matches_captum_pgd(cnn, digits):
    x, y = digits
    core = attacks.pgd(cnn, x, y, 0.1, 0.02, 6, seed=None)
    assert share_different(core, captum_pgd(cnn, x, y, 0.1, 0.02, 6)) < 1e-3


def test_fgsm_on_digits_the_model_is_sure_of_equals_the_float64_reference(cnn, split):
    x = torch.tensor(split.test_images).unsqueeze(1)
    y = torch.tensor(split.test_labels)
    with torch.no_grad():
        sure_of = (torch.softmax(cnn(x), 1)[torch.arange(len(y)), y] == 1.0).nonzero().flatten()[:16]
    assert len(sure_of) == 16
    x, y = x[sure_of], y[sure_of]
    app = attacks.fgsm(cnn, x, y, 0.2)
    assert torch.equal(app, reference_fgsm(cnn, x, y, 0.2))
    rounded = (x + 0.2 * float32_gradient(cnn, x, y).sign()).clamp(0, 1)
    assert share_different(app, rounded) > 0.05
    with torch.no_grad():
        assert (cnn(app).argmax(1) != y).sum() > (cnn(rounded).argmax(1) != y).sum()


def test_fgsm_accuracy_agrees_with_a_network_run_in_float64(cnn, split):
    x = torch.tensor(split.test_images[::4]).unsqueeze(1)
    y = torch.tensor(split.test_labels[::4])
    twin = float64_twin(cnn)
    twin_gradient = reference_gradient(twin, x.double(), y).float()
    app = attacks.predictions(cnn, attacks.fgsm(cnn, x, y, 0.2)).eq(y).float().mean().item()
    float64 = attacks.predictions(cnn, (x + 0.2 * twin_gradient.sign()).clamp(0, 1)).eq(y).float().mean().item()
    assert abs(app - float64) <= 0.01


# ---------------------------------------------------------------------------------------------
# Properties on real digits


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.3])
@pytest.mark.parametrize("kind", ["fgsm", "targeted_fgsm", "ifgsm", "pgd"])
@pytest.mark.parametrize("model_key", ["cnn", "mlp_3b1b"])
def test_every_attack_stays_in_the_eps_ball_and_in_0_1(split, kind, eps, model_key):
    model = load_shipped(model_key)
    settings = attacks.AttackSettings(kind, eps, alpha=0.02, steps=12, target=3, seed=5)
    for index in (0, 1001, 1999):
        result = attacks.run_attack(model, split.test_images[index], int(split.test_labels[index]), settings)
        assert result.linf <= eps + 1e-6
        assert result.adversarial.min() >= 0.0 and result.adversarial.max() <= 1.0
        if eps == 0:
            np.testing.assert_array_equal(result.adversarial, result.clean)


def test_iterative_results_record_every_step(split, cnn):
    settings = attacks.AttackSettings("ifgsm", 0.2, alpha=0.02, steps=15)
    result = attacks.run_attack(cnn, split.test_images[0], int(split.test_labels[0]), settings)
    assert result.step_losses.shape == (16,) and result.step_probabilities.shape == (16, 10)
    assert result.step_losses[-1] > result.step_losses[0]
    np.testing.assert_allclose(result.step_probabilities.sum(1), 1.0, atol=1e-5)
    if result.flip_step is not None:
        assert result.step_predictions[result.flip_step] != result.clean_prediction
        assert all(p == result.clean_prediction for p in result.step_predictions[: result.flip_step])


def test_targeted_fgsm_raises_the_target_probability(split, cnn):
    x = torch.tensor(split.test_images[::10]).unsqueeze(1)
    targets = (torch.tensor(split.test_labels[::10]) + 4) % 10
    adversarial = attacks.fgsm(cnn, x, targets, 0.1, targeted=True)
    with torch.no_grad():
        before = torch.softmax(cnn(x), 1).gather(1, targets[:, None])
        after = torch.softmax(cnn(adversarial), 1).gather(1, targets[:, None])
    assert float((after > before).float().mean()) >= 0.9
    assert float(after.mean()) > float(before.mean())
    label = int(split.test_labels[0])
    result = attacks.run_attack(cnn, split.test_images[0], label, attacks.AttackSettings("targeted_fgsm", 0.1,
                                                                                           target=(label + 4) % 10))
    assert result.adversarial_probabilities[result.target] > result.clean_probabilities[result.target]


def test_unknown_label_uses_the_clean_prediction(split, cnn):
    result = attacks.run_attack(cnn, split.test_images[3], None, attacks.AttackSettings("fgsm", 0.1))
    assert result.label == result.clean_prediction


def test_pgd_is_at_least_as_strong_as_fgsm_on_the_held_out_digits(split, cnn):
    x = torch.tensor(split.test_images).unsqueeze(1)
    y = torch.tensor(split.test_labels)
    eps = 0.1
    fgsm_examples = attacks.fgsm(cnn, x, y, eps)
    pgd_examples = attacks.pgd(cnn, x, y, eps, 2.5 * eps / 5, 5, seed=0)
    with torch.no_grad():
        fgsm_scores, pgd_scores = cnn(fgsm_examples), cnn(pgd_examples)
    assert F.cross_entropy(pgd_scores, y) >= F.cross_entropy(fgsm_scores, y)
    assert (pgd_scores.argmax(1) == y).float().mean() <= (fgsm_scores.argmax(1) == y).float().mean()


def test_settings_reject_bad_input():
    with pytest.raises(ValueError):
        attacks.AttackSettings("targeted_fgsm", 0.1)
    with pytest.raises(ValueError):
        attacks.AttackSettings("pgd", 0.1, steps=attacks.STEPS_CAP + 1)
    with pytest.raises(ValueError):
        attacks.AttackSettings("deepfool", 0.1)


def test_noise_baseline_matches_the_fgsm_l2_norm(split, cnn):
    x = torch.tensor(split.test_images[:50]).unsqueeze(1)
    y = torch.tensor(split.test_labels[:50])
    delta = attacks.fgsm(cnn, x, y, 0.2) - x
    noisy = attacks.noise_like(delta, x, seed=1)
    assert noisy.min() >= 0 and noisy.max() <= 1
    np.testing.assert_allclose((noisy - x).flatten(1).norm(dim=1), delta.flatten(1).norm(dim=1), rtol=1e-3)
    result = attacks.run_attack(cnn, split.test_images[0], int(split.test_labels[0]),
                                attacks.AttackSettings("noise", 0.2, seed=1))
    fgsm_result = attacks.run_attack(cnn, split.test_images[0], int(split.test_labels[0]),
                                     attacks.AttackSettings("fgsm", 0.2))
    assert result.l2 == pytest.approx(fgsm_result.l2, rel=1e-3)


# ---------------------------------------------------------------------------------------------
# One image at every ε: the sweep the attack page draws from


SWEPT = [
    attacks.AttackSettings("fgsm"),
    attacks.AttackSettings("targeted_fgsm", target=3),
    attacks.AttackSettings("noise", seed=4),
    attacks.AttackSettings("ifgsm", alpha=0.01, steps=10),
    attacks.AttackSettings("pgd", alpha=None, steps=10, seed=2),
    attacks.AttackSettings("pgd", alpha=0.02, steps=7, seed=0),
]


@pytest.mark.parametrize("settings", SWEPT, ids=lambda settings: f"{settings.kind}-{settings.alpha}")
def test_the_sweep_at_each_eps_equals_a_single_run_at_that_eps(split, cnn, settings):
    image, label = split.test_images[7], int(split.test_labels[7])
    sweep = attacks.attack_sweep(cnn, image, label, settings)
    assert tuple(sweep.epsilons) == attacks.SWEEP_EPSILONS
    for index, eps in enumerate(attacks.SWEEP_EPSILONS):
        single = attacks.run_attack(cnn, image, label, replace(settings, eps=eps))
        entry = sweep.result(index)
        np.testing.assert_array_equal(entry.adversarial, single.adversarial)
        np.testing.assert_array_equal(entry.clean, single.clean)
        np.testing.assert_array_equal(entry.clean_probabilities, single.clean_probabilities)
        np.testing.assert_allclose(entry.step_probabilities, single.step_probabilities, atol=1e-6)
        np.testing.assert_allclose(entry.step_losses, single.step_losses, rtol=1e-5, atol=1e-6)
        assert (entry.label, entry.target, entry.flip_step) == (single.label, single.target, single.flip_step)


def test_the_sweep_has_one_entry_per_eps_and_every_step(split, cnn):
    settings = attacks.AttackSettings("pgd", alpha=None, steps=12, seed=1)
    sweep = attacks.attack_sweep(cnn, split.test_images[3], None, settings)
    count = len(attacks.SWEEP_EPSILONS)
    assert len(sweep) == count == 51 and sweep.epsilons[0] == 0.0 and sweep.epsilons[-1] == 0.5
    assert sweep.adversarial.shape == (count, 28, 28) and sweep.clean.shape == (28, 28)
    assert sweep.step_losses.shape == (count, 13) and sweep.step_probabilities.shape == (count, 13, 10)
    assert sweep.adversarial_probabilities.shape == (count, 10)
    assert sweep.label == int(sweep.clean_probabilities.argmax())
    assert sweep.adversarial.dtype == np.float32
    assert sweep.nbytes == sum(array.nbytes for array in (sweep.epsilons, sweep.clean, sweep.adversarial,
                                                          sweep.clean_probabilities, sweep.step_losses,
                                                          sweep.step_probabilities))
    assert sweep.index_of(0.3) == 30 and sweep.index_of(0.30000000000000004) == 30
    delta = np.abs(sweep.adversarial - sweep.clean).reshape(count, -1).max(axis=1)
    assert np.all(delta <= sweep.epsilons + 1e-6)
    np.testing.assert_array_equal(sweep.adversarial[0], sweep.clean)


def edge_or_clipped(sweep: attacks.AttackSweep, index: int) -> np.ndarray:
    """Which pixels of entry index moved by exactly its ε, or sit at 0 or 1."""
    adversarial = sweep.adversarial[index]
    on_edge = np.isclose(np.abs(adversarial - sweep.clean), sweep.epsilons[index], atol=1e-6)
    return on_edge | (adversarial == 0.0) | (adversarial == 1.0)


def test_a_pgd_sweep_takes_the_standard_step_of_each_eps(split, cnn):
    """One step of α = 2.5·ε from anywhere in the ε-ball ends on its edge: every pixel moves by exactly ε
    (unless [0, 1] clips it). One α for every ε would leave the large ones inside their ball."""
    image, label = split.test_images[0], int(split.test_labels[0])
    sweep = attacks.attack_sweep(cnn, image, label, attacks.AttackSettings("pgd", alpha=None, steps=1, seed=3))
    for index in range(1, len(sweep)):
        assert edge_or_clipped(sweep, index).all(), sweep.epsilons[index]
    one_alpha = attacks.attack_sweep(cnn, image, label, attacks.AttackSettings("pgd", alpha=0.05, steps=1, seed=3))
    assert edge_or_clipped(one_alpha, 2).all()
    assert edge_or_clipped(one_alpha, 50).mean() < 0.5


# ---------------------------------------------------------------------------------------------
# Feature squeezing


def test_bit_depth_reduction_follows_the_formula():
    x = torch.tensor([0.0, 0.3, 0.6, 34 / 255, 1.0])
    np.testing.assert_allclose(attacks.reduce_bit_depth(x, 1).numpy(), [0, 0, 1, 0, 1])
    np.testing.assert_allclose(attacks.reduce_bit_depth(x, 3).numpy(), np.round(x.numpy() * 7) / 7, atol=1e-7)


def test_median_filter_removes_an_isolated_pixel_and_keeps_flat_regions():
    image = torch.zeros(1, 1, 28, 28)
    image[0, 0, 10, 10] = 1.0
    for size in (2, 3):
        assert float(attacks.median_smooth(image, size).abs().max()) == 0.0
    flat = torch.full((1, 1, 28, 28), 0.4)
    np.testing.assert_allclose(attacks.median_smooth(flat, 3).numpy(), 0.4, atol=1e-7)
    ramp = torch.arange(28.0).repeat(28, 1).reshape(1, 1, 28, 28)
    np.testing.assert_allclose(attacks.median_smooth(ramp, 2)[0, 0, 5, 5].item(), 5.5)


def test_threshold_flags_the_chosen_share_of_clean_scores():
    scores = np.linspace(0, 1, 1001)
    threshold = attacks.threshold_for_false_positives(scores, 0.05)
    assert np.mean(scores > threshold) == pytest.approx(0.05, abs=0.002)


def test_detector_on_held_out_digits(split, cnn):
    evaluation = attacks.evaluate_detector(cnn, split.test_images[:600], split.test_labels[:600], 1, 2, 0.2)
    assert 0.0 <= evaluation.false_positive_rate <= 0.15
    assert evaluation.successful["pgd"] >= evaluation.successful["fgsm"] > 0
    for rate in evaluation.detection_rate.values():
        assert 0.0 <= rate <= 1.0


# ---------------------------------------------------------------------------------------------
# Robustness curves, session copies


def test_robustness_curves_order_on_a_sample(split, cnn):
    curves = attacks.robustness_curves(cnn, split.test_images[:300], split.test_labels[:300], (0.0, 0.1, 0.25),
                                       pgd_digits=300)
    assert curves.fgsm[0] == curves.pgd[0] == curves.noise[0] >= 0.95
    assert np.all(curves.pgd <= curves.fgsm + 1e-9)
    assert np.all(curves.fgsm <= curves.noise + 1e-9)
    assert np.all(np.diff(curves.fgsm) <= 0)


def fgsm_held_out_accuracy(model, split, eps):
    x = torch.tensor(split.test_images).unsqueeze(1)
    y = torch.tensor(split.test_labels)
    return float((attacks.predictions(model, attacks.fgsm(model, x, y, eps)) == y).float().mean())


def test_standard_cnn_collapses_under_fgsm(split, cnn):
    assert fgsm_held_out_accuracy(cnn, split, 0.25) < 0.20


def test_adversarially_trained_cnn_holds_under_fgsm(split):
    assert fgsm_held_out_accuracy(load_shipped("cnn_robust"), split, 0.2) >= 0.70


def test_fine_tuning_a_session_copy_leaves_the_shared_model_alone(split, cnn):
    before = {name: value.clone() for name, value in cnn.state_dict().items()}
    copy = attacks.trainable_copy(cnn)
    images, labels = split.test_images[-200:], split.test_labels[-200:]
    clean_before, fgsm_before = attacks.clean_and_fgsm_accuracy(copy, images, labels, 0.2)
    calls = []
    losses = attacks.adversarial_fine_tune(copy, split.train_images, split.train_labels, 0.2, 15,
                                           progress=lambda done, loss: calls.append(done))
    clean_after, fgsm_after = attacks.clean_and_fgsm_accuracy(copy, images, labels, 0.2)
    assert calls == list(range(1, 16)) and len(losses) == 15
    assert fgsm_after > fgsm_before
    assert clean_after >= 0.9
    for name, value in cnn.state_dict().items():
        assert torch.equal(value, before[name])
    assert not any(parameter.requires_grad for parameter in cnn.parameters())


def test_randomized_copy_changes_every_layer_and_not_the_original(cnn):
    before = {name: value.clone() for name, value in cnn.state_dict().items()}
    randomized = attacks.randomized_copy(cnn, seed=0)
    for name, value in randomized.state_dict().items():
        if value.is_floating_point():
            assert not torch.equal(value, before[name]), name
    for name, value in cnn.state_dict().items():
        assert torch.equal(value, before[name])


def test_pgd_with_its_default_step_reaches_the_edge_of_the_ball(cnn, split):
    settings = attacks.AttackSettings("pgd", eps=0.2, alpha=None, steps=10, seed=0)
    assert settings.step_size == pytest.approx(0.05) and not settings.budget_unreachable
    result = attacks.run_attack(cnn, split.test_images[7], int(split.test_labels[7]), settings)
    moved = np.abs(result.delta)
    assert moved.max() == pytest.approx(0.2, abs=1e-6)
    inside = (result.clean > 0.2) & (result.clean < 0.8)  # pixels that clipping to [0, 1] does not hold back
    assert np.mean(np.isclose(moved[inside], 0.2, atol=1e-6)) > 0.5
    weak = attacks.AttackSettings("pgd", eps=0.2, alpha=0.01, steps=10, seed=0)
    assert weak.budget_unreachable
    assert attacks.AttackSettings("ifgsm", eps=0.2, alpha=0.01, steps=10).budget_unreachable
    assert not attacks.AttackSettings("fgsm", eps=0.2).budget_unreachable


def test_the_detector_threshold_and_rates_see_every_class_in_equal_measure(split):
    calibration, measured = attacks.detector_split(len(split.test_labels))
    assert len(set(calibration) & set(measured)) == 0 and len(calibration) + len(measured) == len(split.test_labels)
    for part in (calibration, measured):
        counts = np.bincount(split.test_labels[part], minlength=10)
        whole = np.bincount(split.test_labels, minlength=10)
        assert np.all(np.abs(counts - whole / 2) <= 1)

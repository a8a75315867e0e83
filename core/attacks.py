"""Adversarial attacks on [0, 1] images (docs/course.md §6), a matched-noise baseline, feature
squeezing, robustness curves and short adversarial fine-tuning of a session copy.

Every attack ascends (or, when targeted, descends) the cross-entropy of the model's scores, so the
formulas hold as written: FGSM x' = clip₀¹(x + ε·sign ∇ₓJ(x, y)); targeted FGSM
x' = clip₀¹(x − ε·sign ∇ₓJ(x, t)); I-FGSM/BIM x_{t+1} = Clip_{x,ε}(x_t + α·sign ∇ₓJ(x_t, y)); PGD is
I-FGSM from a uniform random start in the ε-ball. Shared models are never modified: only the
input carries a gradient.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn.functional as F
from captum.robust import FGSM
from torch import nn

from core.models import class_probabilities

ATTACK_KINDS = ("fgsm", "targeted_fgsm", "ifgsm", "pgd", "noise")
ITERATIVE_KINDS = ("ifgsm", "pgd")
STEPS_CAP = 100
CURVE_EPSILONS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)
CURVE_PGD_STEPS = 10
CURVE_PGD_DIGITS = 500
BATCH = 250
SWEEP_EPSILONS = tuple(round(0.01 * step, 2) for step in range(51))
"""The ε values the attack page's slider offers (0.00 to 0.50 in steps of 0.01): a sweep attacks at each of them."""
PGD_STEP_FACTOR = 2.5
"""Madry et al.'s PGD step size α = 2.5·ε/steps: the iterates can reach the ε-ball's edge from anywhere in it."""


def standard_alpha(eps: float, steps: int) -> float:
    """PGD's standard step size 2.5·ε/steps."""
    return PGD_STEP_FACTOR * float(eps) / max(1, int(steps))


class _ExactCrossEntropy(torch.autograd.Function):
    """Per-example cross-entropy of logits, computed in float64, whose gradient cannot vanish by rounding.

    The usual gradient softmax(z) − onehot(y) loses its true-class term p_y − 1 to rounding once p_y
    rounds to 1 (681 of 2,000 held-out digits for the standard CNN in float32): the sign step then
    points the wrong way. The exact identity ∂L/∂z_y = −Σ_{j≠y} p_j keeps every term.
    """

    @staticmethod
    def forward(ctx, scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        log_probabilities = torch.log_softmax(scores.detach().to(torch.float64), dim=-1)
        ctx.save_for_backward(log_probabilities, labels)
        ctx.dtype = scores.dtype
        return (-log_probabilities.gather(1, labels[:, None])[:, 0]).to(scores.dtype)

    @staticmethod
    def backward(ctx, grad_output: torch.Tensor) -> tuple[torch.Tensor, None]:
        log_probabilities, labels = ctx.saved_tensors
        others = log_probabilities.exp().scatter(1, labels[:, None], 0.0)
        gradient = others.scatter(1, labels[:, None], -others.sum(dim=1, keepdim=True))
        return (gradient * grad_output.to(torch.float64)[:, None]).to(ctx.dtype), None


def cross_entropy_on_scores(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy of the model's scores (logits), with a gradient that saturation cannot zero.

    Captum's default loss, −log(output), assumes probabilities; this one takes logits.
    """
    return _ExactCrossEntropy.apply(scores, labels.to(torch.long))


def _as_batch(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A detached float32 copy as a batch: 28×28 images become (N, 1, 28, 28); other batches keep their shape."""
    if isinstance(images, torch.Tensor):
        x = images.detach().to(torch.float32).clone()
    else:
        x = torch.tensor(np.array(images, dtype=np.float32))
    if x.shape[-2:] == (28, 28):
        return x.reshape(-1, 1, 28, 28)
    return x if x.ndim > 1 else x.unsqueeze(0)


def _per_example(values: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Reshape one value per example so it broadcasts over that example's pixels."""
    return values.view(-1, *([1] * (like.ndim - 1)))


def _per_example_or_scalar(values: float | torch.Tensor, like: torch.Tensor) -> float | torch.Tensor:
    """A float as it is; one float32 value per example reshaped to broadcast over that example's pixels."""
    if isinstance(values, torch.Tensor):
        return _per_example(values.to(torch.float32), like)
    return float(values)


def _as_labels(labels: int | np.ndarray | torch.Tensor, count: int) -> torch.Tensor:
    if isinstance(labels, torch.Tensor):
        labels = labels.detach().to(torch.long).reshape(-1)
    else:
        labels = torch.tensor(np.array(labels), dtype=torch.long).reshape(-1)
    return labels.expand(count).clone() if labels.numel() == 1 else labels


def captum_fgsm(model: nn.Module) -> FGSM:
    """Captum's FGSM with cross-entropy on scores, bounded to [0, 1], taking the sign of every gradient.

    Captum leaves pixels whose gradient is below 1e-6 unchanged; the formula does not, and on a
    confident model most gradients are that small, so the threshold is set to zero.
    """
    attack = FGSM(model, loss_func=cross_entropy_on_scores, lower_bound=0.0, upper_bound=1.0)
    attack.zero_thresh = 0.0
    return attack


def fgsm(model: nn.Module, images, labels, eps: float | torch.Tensor, targeted: bool = False) -> torch.Tensor:
    """One signed-gradient step of size eps (descending the target's loss when targeted), clipped to [0, 1].

    `eps` is one float, or a tensor of one ε per output image: then one image (with its label) gives one
    adversarial image per ε, all from the same gradient.
    """
    x = _as_batch(images)
    y = _as_labels(labels, len(x))
    epsilon = _per_example_or_scalar(eps, x)
    with torch.enable_grad():
        adversarial = captum_fgsm(model).perturb(x.requires_grad_(True), epsilon=epsilon, target=y, targeted=targeted)
    return adversarial.detach()


def project(images: torch.Tensor, clean: torch.Tensor, eps: float | torch.Tensor) -> torch.Tensor:
    """Clip_{x,ε}: into [x − ε, x + ε] ∩ [0, 1] (one ε, or one per image)."""
    eps = _per_example_or_scalar(eps, images)
    return torch.min(torch.max(images, clean - eps), clean + eps).clamp(0.0, 1.0)


def random_start(clean: torch.Tensor, eps: float | torch.Tensor, seed: int) -> torch.Tensor:
    """A point drawn uniformly from the ε-ball around x (seeded), clipped to [0, 1].

    With one ε per image and a single clean image, every image starts from the same seeded draw scaled
    by its own ε: the start a single run at that ε takes.
    """
    generator = torch.Generator().manual_seed(int(seed))
    noise = (torch.rand(clean.shape, generator=generator) * 2 - 1) * _per_example_or_scalar(eps, clean)
    return (clean + noise).clamp(0.0, 1.0)


def iterative_steps(
    model: nn.Module, images, labels, eps: float | torch.Tensor, alpha: float | torch.Tensor, steps: int,
    start: torch.Tensor | None = None, targeted: bool = False,
) -> Iterator[torch.Tensor]:
    """The iterates x_1 … x_steps of I-FGSM (from x, or from `start` for PGD): Captum's FGSM step, then Clip_{x,ε}.

    `eps` and `alpha` are floats, or tensors with one value per image.
    """
    clean = _as_batch(images)
    y = _as_labels(labels, len(clean))
    step = captum_fgsm(model)
    current = clean if start is None else start.reshape(clean.shape)
    step_size = _per_example_or_scalar(alpha, clean)
    for _ in range(int(steps)):
        with torch.enable_grad():
            moved = step.perturb(current.clone().requires_grad_(True), epsilon=step_size, target=y,
                                 targeted=targeted)
        current = project(moved.detach(), clean, eps)
        yield current


def pgd(model: nn.Module, images, labels, eps: float, alpha: float, steps: int, seed: int | None = 0,
        targeted: bool = False) -> torch.Tensor:
    """Final PGD iterate (no random start when seed is None, which is I-FGSM/BIM)."""
    clean = _as_batch(images)
    start = None if seed is None else random_start(clean, eps, seed)
    iterates = [clean if start is None else start]
    iterates.extend(iterative_steps(model, clean, labels, eps, alpha, steps, start, targeted))
    return iterates[-1]


def noise_like(delta: torch.Tensor, clean: torch.Tensor, seed: int, bisection_steps: int = 30) -> torch.Tensor:
    """clean + Gaussian noise, scaled per image so that the clipped perturbation has the L2 norm of `delta`."""
    generator = torch.Generator().manual_seed(int(seed))
    direction = torch.randn(clean.shape, generator=generator)
    direction = direction / _per_example(direction.flatten(1).norm(dim=1).clamp_min(1e-12), clean)
    wanted = delta.flatten(1).norm(dim=1)
    low = torch.zeros_like(wanted)
    high = torch.full_like(wanted, 2.0 * 28.0)
    for _ in range(bisection_steps):
        middle = (low + high) / 2
        reached = ((clean + _per_example(middle, clean) * direction).clamp(0, 1) - clean).flatten(1).norm(dim=1)
        too_far = reached > wanted
        high = torch.where(too_far, middle, high)
        low = torch.where(too_far, low, middle)
    return (clean + _per_example(low, clean) * direction).clamp(0, 1)


# ---------------------------------------------------------------------------------------------
# One image, everything the page shows


@dataclass(frozen=True)
class AttackSettings:
    """One attack's settings; `alpha` None means the standard step size 2.5·ε/steps (PGD's default)."""

    kind: str = "fgsm"
    eps: float = 0.1
    alpha: float | None = 0.01
    steps: int = 10
    target: int | None = None
    seed: int = 0

    def __post_init__(self):
        if self.kind not in ATTACK_KINDS:
            raise ValueError(f"unknown attack '{self.kind}'")
        if self.kind == "targeted_fgsm" and self.target is None:
            raise ValueError("a targeted attack needs a target class")
        if not 1 <= self.steps <= STEPS_CAP:
            raise ValueError(f"steps must be between 1 and {STEPS_CAP}")
        if self.alpha is not None and not (math.isfinite(self.alpha) and self.alpha > 0):
            raise ValueError("the step size α must be a positive number")

    @property
    def step_size(self) -> float:
        """α as used: the chosen one, or 2.5·ε/steps."""
        return standard_alpha(self.eps, self.steps) if self.alpha is None else float(self.alpha)

    @property
    def budget_unreachable(self) -> bool:
        """An iterative attack whose α·steps is below ε cannot reach the edge of its ε-ball."""
        return self.kind in ITERATIVE_KINDS and self.step_size * self.steps < self.eps - 1e-12


@dataclass(frozen=True)
class AttackResult:
    """Clean and adversarial image (28×28), probabilities, and for iterative attacks every step."""

    clean: np.ndarray
    adversarial: np.ndarray
    label: int  # the class whose loss the attack ascends (the true class, or the clean prediction)
    target: int | None
    clean_probabilities: np.ndarray
    adversarial_probabilities: np.ndarray
    step_losses: np.ndarray  # J(x_t, y) for t = 0 … steps (one step for one-step attacks)
    step_probabilities: np.ndarray  # (steps + 1, 10)

    @property
    def delta(self) -> np.ndarray:
        return self.adversarial - self.clean

    @property
    def linf(self) -> float:
        return float(np.abs(self.delta).max())

    @property
    def l2(self) -> float:
        return float(np.linalg.norm(self.delta))

    @property
    def clean_prediction(self) -> int:
        return int(self.clean_probabilities.argmax())

    @property
    def adversarial_prediction(self) -> int:
        return int(self.adversarial_probabilities.argmax())

    @property
    def step_predictions(self) -> np.ndarray:
        return self.step_probabilities.argmax(axis=1)

    @property
    def succeeded(self) -> bool:
        if self.target is not None:
            return self.adversarial_prediction == self.target
        return self.adversarial_prediction != self.clean_prediction

    @property
    def flip_step(self) -> int | None:
        """First step whose prediction differs from the clean one (is the target, when targeted)."""
        for step, prediction in enumerate(self.step_predictions[1:], start=1):
            if (prediction == self.target) if self.target is not None else (prediction != self.clean_prediction):
                return step
        return None


def _loss_and_probabilities(model: nn.Module, images: torch.Tensor, label: int) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        scores = model(images)
        losses = cross_entropy_on_scores(scores, _as_labels(label, len(images)))
        return losses.numpy().astype(np.float64), class_probabilities(model, scores).numpy().astype(np.float64)


def _clean_prediction(model: nn.Module, clean: torch.Tensor) -> int:
    with torch.no_grad():
        return int(model(clean).argmax(1))


def _attack_path(model: nn.Module, clean: torch.Tensor, label: int, settings: AttackSettings,
                 eps: float | torch.Tensor, alpha: float | torch.Tensor) -> torch.Tensor:
    """Every point of the attack on one clean image (1, 1, 28, 28), shaped (points, images, 1, 28, 28).

    With one ε (a float) there is one image; with a tensor of ε values (and of α values) one image per ε,
    each attacked exactly as a run at that ε alone would attack it. Points are x_0 … x_steps for the
    iterative attacks, the clean and the adversarial image for the others.
    """
    kind, seed = settings.kind, settings.seed
    images = len(eps) if isinstance(eps, torch.Tensor) else 1
    if kind in ITERATIVE_KINDS:
        batch = clean.expand(images, *clean.shape[1:])
        start = random_start(clean, eps, seed) if kind == "pgd" else None
        iterates = [batch if start is None else start]
        iterates += list(iterative_steps(model, batch, label, eps, alpha, settings.steps, start))
        return torch.stack(iterates)
    if kind == "targeted_fgsm":
        adversarial = fgsm(model, clean, settings.target, eps, targeted=True)
    elif kind == "noise":
        adversarial = noise_like(fgsm(model, clean, label, eps) - clean, clean, seed)
    else:
        adversarial = fgsm(model, clean, label, eps)
    return torch.stack([clean.expand_as(adversarial), adversarial])


def _scored_label(label: int, settings: AttackSettings) -> int:
    """The class whose loss the page follows: the target of a targeted attack, else the attacked class."""
    return settings.target if settings.kind == "targeted_fgsm" else label


def run_attack(model: nn.Module, image: np.ndarray, label: int | None, settings: AttackSettings) -> AttackResult:
    """Attack one 28×28 image; with no known label the clean prediction stands in for the true class."""
    clean = _as_batch(image)
    label = _clean_prediction(model, clean) if label is None else int(label)
    path = _attack_path(model, clean, label, settings, float(settings.eps), settings.step_size)[:, 0]
    losses, probabilities = _loss_and_probabilities(model, path, _scored_label(label, settings))
    _, clean_probabilities = _loss_and_probabilities(model, clean, label)
    return AttackResult(
        clean=clean[0, 0].numpy().astype(np.float64),
        adversarial=path[-1, 0].numpy().astype(np.float64),
        label=label,
        target=settings.target if settings.kind == "targeted_fgsm" else None,
        clean_probabilities=clean_probabilities[0],
        adversarial_probabilities=probabilities[-1],
        step_losses=losses,
        step_probabilities=probabilities,
    )


@dataclass(frozen=True)
class AttackSweep:
    """One attack at every ε of a grid, computed as one batch: entry i is the attack at epsilons[i].

    Arrays are float32 (the precision they are computed in); result(i) gives entry i as run_attack
    would give it. Shared read-only when cached, so never modified.
    """

    epsilons: np.ndarray  # (E,)
    clean: np.ndarray  # (28, 28)
    adversarial: np.ndarray  # (E, 28, 28)
    label: int
    target: int | None
    clean_probabilities: np.ndarray  # (10,)
    step_losses: np.ndarray  # (E, points): J(x_t, y) for t = 0 … steps
    step_probabilities: np.ndarray  # (E, points, 10)

    def __len__(self) -> int:
        return len(self.epsilons)

    @property
    def adversarial_probabilities(self) -> np.ndarray:
        return self.step_probabilities[:, -1]

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        arrays = (self.epsilons, self.clean, self.adversarial, self.clean_probabilities, self.step_losses,
                  self.step_probabilities)
        return sum(array.nbytes for array in arrays)

    def index_of(self, eps: float) -> int:
        """The entry whose ε is nearest to eps."""
        return int(np.abs(self.epsilons - float(eps)).argmin())

    def result(self, index: int) -> AttackResult:
        return AttackResult(
            clean=_float64(self.clean),
            adversarial=_float64(self.adversarial[index]),
            label=self.label,
            target=self.target,
            clean_probabilities=_float64(self.clean_probabilities),
            adversarial_probabilities=_float64(self.step_probabilities[index, -1]),
            step_losses=_float64(self.step_losses[index]),
            step_probabilities=_float64(self.step_probabilities[index]),
        )


def _float64(array: np.ndarray) -> np.ndarray:
    return np.array(array, dtype=np.float64)


def _float32(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


def attack_sweep(model: nn.Module, image: np.ndarray, label: int | None, settings: AttackSettings,
                 epsilons: tuple[float, ...] = SWEEP_EPSILONS) -> AttackSweep:
    """The attack of `settings` (its own ε aside) at every ε in `epsilons`, as one batch of one image per ε.

    Each entry equals run_attack at that ε: the same gradient for the one-step attacks, the same seeded
    random start scaled by each ε for PGD, and PGD's standard α = 2.5·ε/steps per ε when α is not set.
    """
    clean = _as_batch(image)
    label = _clean_prediction(model, clean) if label is None else int(label)
    eps = torch.tensor(epsilons, dtype=torch.float32)
    alpha = torch.tensor([replace(settings, eps=value).step_size for value in epsilons], dtype=torch.float32)
    path = _attack_path(model, clean, label, settings, eps, alpha)
    points, images = path.shape[:2]
    losses, probabilities = _loss_and_probabilities(model, path.flatten(0, 1), _scored_label(label, settings))
    _, clean_probabilities = _loss_and_probabilities(model, clean, label)
    return AttackSweep(
        epsilons=np.array(epsilons, dtype=np.float64),
        clean=_float32(clean[0, 0].numpy()),
        adversarial=_float32(path[-1, :, 0].numpy()),
        label=label,
        target=settings.target if settings.kind == "targeted_fgsm" else None,
        clean_probabilities=_float32(clean_probabilities[0]),
        step_losses=_float32(losses.reshape(points, images).T),
        step_probabilities=_float32(probabilities.reshape(points, images, -1).transpose(1, 0, 2)),
    )


# ---------------------------------------------------------------------------------------------
# Many images: robustness curves


def predictions(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return torch.cat([model(images[i : i + BATCH]).argmax(1) for i in range(0, len(images), BATCH)])


def predictions_and_gradients(model: nn.Module, images: torch.Tensor, labels: torch.Tensor
                              ) -> tuple[torch.Tensor, torch.Tensor]:
    """The predicted class and ∇ₓJ(x, y) per image, from one forward and backward pass in batches."""
    predicted, gradients = [], []
    for start in range(0, len(images), BATCH):
        x = images[start : start + BATCH].clone().requires_grad_(True)
        with torch.enable_grad():
            scores = model(x)
            loss = cross_entropy_on_scores(scores, labels[start : start + BATCH]).sum()
            (gradient,) = torch.autograd.grad(loss, x)
        predicted.append(scores.detach().argmax(1))
        gradients.append(gradient)
    return torch.cat(predicted), torch.cat(gradients)


def input_gradients(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """∇ₓJ(x, y) per image (the model's parameters are untouched)."""
    return predictions_and_gradients(model, images, labels)[1]


def pgd_still_correct(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float, steps: int,
                      seed: int) -> torch.Tensor:
    """Which images PGD (random start, α = 2.5ε/steps) fails to fool at every iterate; fooled ones stop early."""
    correct = predictions(model, images) == labels
    active = correct.nonzero().flatten()
    alpha = standard_alpha(eps, steps)
    clean = images[active]
    current = random_start(clean, eps, seed)
    for step in range(steps + 1):
        if step < steps:
            predicted, gradient = predictions_and_gradients(model, current, labels[active])
        else:
            predicted = predictions(model, current)
        keep = predicted == labels[active]
        correct[active[~keep]] = False
        active, clean = active[keep], clean[keep]
        if step == steps or len(active) == 0:
            break
        current = project(current[keep] + alpha * gradient[keep].sign(), clean, eps)
    return correct


@dataclass(frozen=True)
class RobustnessCurves:
    epsilons: np.ndarray
    fgsm: np.ndarray
    pgd: np.ndarray
    noise: np.ndarray
    digits: int
    pgd_digits: int
    pgd_steps: int


def robustness_curves(model: nn.Module, images: np.ndarray, labels: np.ndarray,
                      epsilons: tuple[float, ...] = CURVE_EPSILONS, pgd_steps: int = CURVE_PGD_STEPS,
                      pgd_digits: int = CURVE_PGD_DIGITS, seed: int = 0,
                      progress: Callable[[float], None] | None = None) -> RobustnessCurves:
    """Accuracy against ε under FGSM, PGD and Gaussian noise of the FGSM perturbation's L2 norm.

    `progress(fraction_done)` is called after each ε.

    FGSM and noise use every digit given; PGD (the costly one) every k-th digit, `pgd_digits` in all (the
    held-out digits are ordered by class, so a stride keeps every class).
    """
    x = _as_batch(images)
    y = _as_labels(labels, len(x))
    clean_predictions, gradients = predictions_and_gradients(model, x, y)
    signs = gradients.sign()
    clean_accuracy = (clean_predictions == y).float().mean().item()
    stride = max(1, len(x) // pgd_digits)
    pgd_x, pgd_y = x[::stride][:pgd_digits], y[::stride][:pgd_digits]
    pgd_clean_accuracy = (clean_predictions[::stride][:pgd_digits] == pgd_y).float().mean().item()
    fgsm_accuracy, noise_accuracy, pgd_accuracy = [], [], []
    for index, eps in enumerate(epsilons):
        if eps == 0:
            fgsm_accuracy.append(clean_accuracy)
            noise_accuracy.append(clean_accuracy)
            pgd_accuracy.append(pgd_clean_accuracy)
            continue
        adversarial = (x + eps * signs).clamp(0, 1)
        noisy = noise_like(adversarial - x, x, seed + index)
        fgsm_accuracy.append((predictions(model, adversarial) == y).float().mean().item())
        noise_accuracy.append((predictions(model, noisy) == y).float().mean().item())
        still = pgd_still_correct(model, pgd_x, pgd_y, eps, pgd_steps, seed + index)
        pgd_accuracy.append(still.float().mean().item())
        if progress is not None:
            progress((index + 1) / len(epsilons))
    return RobustnessCurves(np.array(epsilons), np.array(fgsm_accuracy), np.array(pgd_accuracy),
                           np.array(noise_accuracy), len(x), len(pgd_x), pgd_steps)


# ---------------------------------------------------------------------------------------------
# Defence 1: feature squeezing (Xu, Evans & Qi)


def reduce_bit_depth(images: torch.Tensor, bits: int) -> torch.Tensor:
    """x′ = round(x·(2^b − 1)) / (2^b − 1)."""
    levels = 2 ** int(bits) - 1
    return torch.round(images * levels) / levels


def median_smooth(images: torch.Tensor, size: int) -> torch.Tensor:
    """Median over each size×size window (reflected borders; an even window averages its two middle values)."""
    x = images.reshape(-1, 1, 28, 28)
    before, after = (size - 1) // 2, size // 2
    padded = F.pad(x, (before, after, before, after), mode="reflect")
    windows = F.unfold(padded, size).sort(dim=1).values
    count = size * size
    middle = windows[:, (count - 1) // 2] if count % 2 else (windows[:, count // 2 - 1] + windows[:, count // 2]) / 2
    return middle.reshape(x.shape)


@dataclass(frozen=True)
class SqueezeScores:
    """L1 distances between the softmax on the input and on each squeezed copy; score = the larger."""

    bit_depth: np.ndarray
    median: np.ndarray

    @property
    def score(self) -> np.ndarray:
        return np.maximum(self.bit_depth, self.median)


def squeeze_scores(model: nn.Module, images, bits: int, median_size: int) -> SqueezeScores:
    x = _as_batch(images)
    def probabilities(batch: torch.Tensor) -> torch.Tensor:
        parts = [class_probabilities(model, model(batch[i : i + BATCH])) for i in range(0, len(batch), BATCH)]
        return torch.cat(parts)

    with torch.no_grad():
        original = probabilities(x)
        squeezed_bits = probabilities(reduce_bit_depth(x, bits))
        squeezed_median = probabilities(median_smooth(x, median_size))
    return SqueezeScores(
        bit_depth=(original - squeezed_bits).abs().sum(1).numpy().astype(np.float64),
        median=(original - squeezed_median).abs().sum(1).numpy().astype(np.float64),
    )


def squeezed_copies(image: np.ndarray, bits: int, median_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The bit-depth-reduced and the median-smoothed copy of one 28×28 image."""
    x = _as_batch(image)
    return reduce_bit_depth(x, bits)[0, 0].numpy(), median_smooth(x, median_size)[0, 0].numpy()


def detector_split(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the digits that set the detector's threshold (even positions) and of those it is measured on."""
    indices = np.arange(count)
    return indices[0::2], indices[1::2]


def threshold_for_false_positives(clean_scores: np.ndarray, rate: float = 0.05) -> float:
    """The score that flags the given share of clean inputs (the (1 − rate) quantile)."""
    return float(np.quantile(clean_scores, 1.0 - rate))


@dataclass(frozen=True)
class DetectorEvaluation:
    threshold: float
    false_positive_rate: float  # on clean digits not used to set the threshold
    detection_rate: dict[str, float]  # attack → share of successful adversarial examples flagged
    successful: dict[str, int]  # attack → how many adversarial examples fooled the model
    digits: int


def evaluate_detector(model: nn.Module, images: np.ndarray, labels: np.ndarray, bits: int, median_size: int,
                      eps: float, pgd_steps: int = CURVE_PGD_STEPS, seed: int = 0,
                      rate: float = 0.05, progress: Callable[[float], None] | None = None) -> DetectorEvaluation:
    """Threshold on the even-numbered digits (clean), rates on the odd-numbered ones under FGSM and PGD.

    The held-out digits are sorted by class, so alternating keeps every class in both halves.
    `progress(fraction_done)` is called as the work goes (PGD, the bulk of it, after each step).
    """
    report = progress or (lambda fraction: None)
    x = _as_batch(images)
    y = _as_labels(labels, len(x))
    calibration, test = detector_split(len(x))
    threshold = threshold_for_false_positives(squeeze_scores(model, x[calibration], bits, median_size).score, rate)
    test_x, test_y = x[test], y[test]
    clean_flags = squeeze_scores(model, test_x, bits, median_size).score > threshold
    correct = predictions(model, test_x) == test_y
    report(0.1)
    fgsm_examples = (test_x + eps * input_gradients(model, test_x, test_y).sign()).clamp(0, 1)
    report(0.15)
    pgd_examples = random_start(test_x, eps, seed)
    steps = iterative_steps(model, test_x, test_y, eps, standard_alpha(eps, pgd_steps), pgd_steps, pgd_examples)
    for step, latest in enumerate(steps, start=1):
        pgd_examples = latest
        report(0.15 + 0.8 * step / pgd_steps)
    detection, successful = {}, {}
    for name, examples in (("fgsm", fgsm_examples), ("pgd", pgd_examples)):
        fooled = correct & (predictions(model, examples) != test_y)
        flags = squeeze_scores(model, examples[fooled], bits, median_size).score > threshold
        successful[name] = int(fooled.sum())
        detection[name] = float(flags.mean()) if len(flags) else float("nan")
    report(1.0)
    return DetectorEvaluation(threshold, float(clean_flags.mean()), detection, successful, len(test_x))


# ---------------------------------------------------------------------------------------------
# Defence 2: adversarial training of a session copy; the sanity check's randomized copy


def trainable_copy(model: nn.Module) -> nn.Module:
    """A deep copy owned by one session, with gradients on its parameters."""
    clone = copy.deepcopy(model)
    for parameter in clone.parameters():
        parameter.requires_grad_(True)
    return clone


def randomized_copy(model: nn.Module, seed: int = 0) -> nn.Module:
    """A copy with every layer's weights re-initialized as PyTorch initializes them, from its own seeded generator
    (Adebayo et al.'s model-randomization test)."""
    clone = copy.deepcopy(model)
    generator = torch.Generator().manual_seed(int(seed))
    with torch.no_grad():
        for module in clone.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d)):
                nn.init.kaiming_uniform_(module.weight, a=math.sqrt(5), generator=generator)
                if module.bias is not None:
                    bound = 1 / math.sqrt(module.weight[0].numel())
                    module.bias.uniform_(-bound, bound, generator=generator)
    clone.eval()
    for parameter in clone.parameters():
        parameter.requires_grad_(False)
    return clone


def clean_and_fgsm_accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, eps: float
                            ) -> tuple[float, float]:
    """Accuracy on the images, and under FGSM at eps."""
    x = _as_batch(images)
    y = _as_labels(labels, len(x))
    adversarial = (x + eps * input_gradients(model, x, y).sign()).clamp(0, 1)
    clean_accuracy = (predictions(model, x) == y).float().mean().item()
    return clean_accuracy, (predictions(model, adversarial) == y).float().mean().item()


def adversarial_fine_tune(model: nn.Module, images: np.ndarray, labels: np.ndarray, eps: float, batches: int,
                          batch_size: int = 64, learning_rate: float = 5e-4, seed: int = 0,
                          progress: Callable[[int, float], None] | None = None) -> list[float]:
    """Fine-tune `model` in place (a session copy!): each batch half clean, half FGSM at eps, correct labels.

    Returns the loss per batch; `progress(batch_done, loss)` is called after each batch.
    """
    generator = torch.Generator().manual_seed(int(seed))
    x_all = _as_batch(images)
    y_all = _as_labels(labels, len(x_all))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    losses = []
    for batch_index in range(batches):
        chosen = torch.randint(len(x_all), (batch_size,), generator=generator)
        x, y = x_all[chosen], y_all[chosen]
        half = batch_size // 2
        model.eval()
        x_adv = (x[half:] + eps * input_gradients(model, x[half:], y[half:]).sign()).clamp(0, 1)
        model.train()
        with torch.enable_grad():
            loss = F.cross_entropy(model(torch.cat([x[:half], x_adv])), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(batch_index + 1, losses[-1])
    model.eval()
    return losses

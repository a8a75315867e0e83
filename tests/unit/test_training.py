"""Training pieces: augmentation stays a valid image batch, PGD stays in its ball, a short run learns."""

import dataclasses

import torch

from core.models import DigitCNN
from core.train import RECIPES, augment_batch, pgd_training_examples, train_model


def test_augmentation_keeps_shape_range_and_most_ink():
    generator = torch.Generator().manual_seed(0)
    images = torch.zeros(16, 1, 28, 28)
    images[:, :, 8:20, 12:16] = 1.0
    out = augment_batch(images, generator)
    assert out.shape == images.shape
    assert 0.0 <= out.min() and out.max() <= 1.0
    assert (out.sum(dim=(1, 2, 3)) > 0.4 * images.sum(dim=(1, 2, 3))).all()
    assert not torch.equal(out, images)


def test_pgd_training_examples_stay_in_the_eps_ball():
    torch.manual_seed(0)
    model = DigitCNN().eval()
    images = torch.rand(4, 1, 28, 28)
    labels = torch.tensor([0, 1, 2, 3])
    adversarial = pgd_training_examples(model, images, labels, 0.1, 3, torch.Generator().manual_seed(1))
    assert (adversarial - images).abs().max() <= 0.1 + 1e-6
    assert 0.0 <= adversarial.min() and adversarial.max() <= 1.0


def test_a_short_training_run_learns_something():
    recipe = dataclasses.replace(RECIPES["mlp_keras"], epochs=2, augment=False)
    _, report = train_model(recipe, log=lambda *args: None)
    assert report["held_out_accuracy"] > 0.8

"""The shipped weights reach the accuracies of the model card on the 2,000 held-out digits."""

import pytest
import torch

from core.data import bundled_split
from core.models import MLP, SHIPPED_MODELS, class_probabilities, load_shipped, parameter_count
from core.train import accuracy, fgsm_accuracy

MINIMUM_HELD_OUT_ACCURACY = {"mlp_3b1b": 0.90, "mlp_keras": 0.95, "cnn": 0.98, "cnn_robust": 0.96}


@pytest.fixture(scope="module")
def held_out():
    split = bundled_split()
    return split.test_images, split.test_labels


@pytest.mark.parametrize("key", sorted(SHIPPED_MODELS))
def test_held_out_accuracy(key, held_out):
    model = load_shipped(key)
    assert accuracy(model, *held_out) >= MINIMUM_HELD_OUT_ACCURACY[key]


def test_parameter_counts_match_the_course():
    assert parameter_count(load_shipped("mlp_3b1b")) == 13002
    assert parameter_count(load_shipped("mlp_keras")) == 101770
    assert parameter_count(MLP([784, 20, 10])) == 15910


def test_adversarial_training_makes_the_cnn_clearly_more_robust(held_out):
    standard = fgsm_accuracy(load_shipped("cnn"), *held_out, eps=0.2)
    robust = fgsm_accuracy(load_shipped("cnn_robust"), *held_out, eps=0.2)
    assert robust >= 0.70
    assert robust - standard >= 0.30


def test_shipped_models_are_frozen_and_in_eval_mode():
    for key in SHIPPED_MODELS:
        model = load_shipped(key)
        assert not model.training
        assert not any(parameter.requires_grad for parameter in model.parameters())


def test_probabilities_sum_to_one_for_both_heads(held_out):
    images = torch.as_tensor(held_out[0][:8])
    for key in ("mlp_3b1b", "cnn"):
        model = load_shipped(key)
        probabilities = class_probabilities(model, model(images))
        assert torch.allclose(probabilities.sum(dim=1), torch.ones(8), atol=1e-5)
        assert (probabilities >= 0).all()

"""The scenes: every link names a real page and only settings that page takes, with valid values; and the
moment each scene is named after really happens with those settings."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core import attacks, i18n
from core import propagation as bp
from core.models import load_shipped
from core.scenes import DEAD_RELU_SEED, FGSM_SEVEN, ROBUST_SEEDS_TRIED, ROBUST_STEPS_TRIED, SCENES, scene
from core.url_state import parse_query
from ui.navigation import FEATURE_PAGES
from ui.page_params import page_bindings


@pytest.mark.parametrize("item", SCENES, ids=[item.key for item in SCENES])
def test_a_scene_link_holds_only_valid_settings_of_its_page(item):
    assert item.page in {entry.url_path for entry in FEATURE_PAGES}
    params = [binding.param for binding in page_bindings(item.page)]
    values, problems = parse_query(item.query, params)
    assert problems == []
    assert item.link().startswith(f"{item.page}?")
    for language in i18n.available_languages():
        assert i18n.translate(language, item.title_key) and i18n.translate(language, item.summary_key)


def test_scene_keys_are_unique():
    assert len({item.key for item in SCENES}) == len(SCENES)


def test_the_seven_that_fgsm_turns_into_a_three(split, cnn):
    settings = scene("fgsm_seven_to_three").query
    image = split.test_images[FGSM_SEVEN]
    assert split.test_labels[FGSM_SEVEN] == 7
    x = torch.tensor(image, dtype=torch.float32).reshape(1, 1, 28, 28)
    adversarial = attacks.fgsm(cnn, x, torch.tensor([int(settings["target"])]), float(settings["eps"]), targeted=True)
    with torch.no_grad():
        assert int(cnn(x).argmax()) == 7
        assert int(cnn(adversarial).argmax()) == 3


def test_the_robust_cnn_keeps_that_seven_under_standard_pgd_for_every_seed_tried(split):
    settings = scene("robust_cnn_holds").query
    assert int(settings["index"]) == FGSM_SEVEN and settings["alpha_std"] == "true"
    robust = load_shipped("cnn_robust")
    eps = float(settings["eps"])
    x = torch.tensor(split.test_images[FGSM_SEVEN], dtype=torch.float32).reshape(1, 1, 28, 28)
    for steps in ROBUST_STEPS_TRIED:
        for seed in range(ROBUST_SEEDS_TRIED):
            adversarial = attacks.pgd(robust, x, 7, eps, attacks.standard_alpha(eps, steps), steps, seed=seed)
            assert (adversarial - x).abs().max() <= eps + 1e-6
            assert int(attacks.predictions(robust, adversarial)[0]) == 7, (steps, seed)


def test_the_robust_scene_says_how_many_seeds_were_tried():
    for language in i18n.available_languages():
        text = i18n.translate(language, scene("robust_cnn_holds").summary_key)
        assert str(ROBUST_SEEDS_TRIED) in text and all(str(steps) in text for steps in ROBUST_STEPS_TRIED)


def test_the_dead_relu_seed_stops_every_gradient_below_it():
    preset = bp.exercise_net_random(DEAD_RELU_SEED)
    trace = bp.propagate(preset.network, preset.x, preset.y)
    assert (1, 0) in bp.dead_relus(preset.network, trace)
    assert bp.zero_gradient_layers(trace) == [1]
    assert np.all(trace.layers[0].dW == 0)

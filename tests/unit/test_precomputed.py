"""The robustness curves shipped beside the weights: they fit the shipped weights and a fresh measurement."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core import attacks, precomputed
from core.models import load_shipped


@pytest.fixture(scope="module")
def shipped():
    curves = precomputed.load_curves()
    assert curves is not None, "run `python -m core.train --card-only` to measure the curves for these weights"
    return curves


@pytest.mark.parametrize("key", precomputed.CURVE_MODELS)
def test_fgsm_and_noise_columns_equal_a_fresh_measurement(shipped, split, key):
    model = load_shipped(key)
    curves = shipped[key]
    assert curves.epsilons.tolist() == list(attacks.CURVE_EPSILONS) and curves.digits == len(split.test_images)
    x = torch.tensor(split.test_images).unsqueeze(1)
    y = torch.tensor(split.test_labels)
    signs = attacks.input_gradients(model, x, y).sign()
    for index, eps in enumerate(attacks.CURVE_EPSILONS):
        adversarial = (x + eps * signs).clamp(0, 1)
        assert curves.fgsm[index] == pytest.approx(attacks.predictions(model, adversarial).eq(y).float().mean().item())
        if eps > 0:
            noisy = attacks.noise_like(adversarial - x, x, index)
            assert curves.noise[index] == pytest.approx(attacks.predictions(model, noisy).eq(y).float().mean().item())


def test_the_robust_cnns_pgd_point_at_0_2_equals_a_fresh_measurement(shipped, split):
    curves = shipped["cnn_robust"]
    index = attacks.CURVE_EPSILONS.index(0.2)
    stride = len(split.test_images) // curves.pgd_digits
    x = torch.tensor(split.test_images[::stride][: curves.pgd_digits]).unsqueeze(1)
    y = torch.tensor(split.test_labels[::stride][: curves.pgd_digits])
    still = attacks.pgd_still_correct(load_shipped("cnn_robust"), x, y, 0.2, curves.pgd_steps, index)
    assert curves.pgd[index] == pytest.approx(still.float().mean().item())
    assert np.all(np.diff(curves.pgd) <= 1e-9) and np.all(curves.pgd <= curves.fgsm + 0.02)


def test_curves_for_other_weights_or_a_broken_file_are_not_used(tmp_path, shipped):
    good = json.loads(precomputed.CURVES_FILE.read_text(encoding="utf-8"))
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps({**good, "cnn": {**good["cnn"], "weights_sha256": "0" * 64}}), encoding="utf-8")
    assert precomputed.load_curves(stale) is None
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert precomputed.load_curves(broken) is None
    assert precomputed.load_curves(tmp_path / "missing.json") is None
    short = tmp_path / "short.json"
    short.write_text(json.dumps({**good, "cnn": {**good["cnn"], "pgd": good["cnn"]["pgd"][:-1]}}), encoding="utf-8")
    assert precomputed.load_curves(short) is None

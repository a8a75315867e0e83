"""Grad-CAM against a hand computation with hooks; saliency and Integrated Gradients; one shared scale."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core import attack_figures, attacks, explain
from core.models import load_shipped

RECTIFIED = {"conv2": "relu2", "conv3": "relu3"}


def hand_grad_cam(model, image, target, layer_name, relu):
    """α_k = mean over positions of ∂y_c/∂A^k; map = (ReLU)(Σ_k α_k A^k), from forward and backward hooks.

    A^k is the output of the ReLU that follows the conv layer (Selvaraju et al.'s rectified maps).
    """
    layer = getattr(model, RECTIFIED[layer_name])
    captured = {}
    forward = layer.register_forward_hook(lambda module, inputs, output: captured.__setitem__("A", output))
    backward = layer.register_full_backward_hook(
        lambda module, grad_in, grad_out: captured.__setitem__("dA", grad_out[0])
    )
    try:
        x = torch.tensor(image, dtype=torch.float32).reshape(1, 1, 28, 28).requires_grad_(True)
        model(x)[0, target].backward()
    finally:
        forward.remove()
        backward.remove()
    weights = captured["dA"].mean(dim=(2, 3), keepdim=True)
    cam = (weights * captured["A"]).sum(dim=1, keepdim=True).detach()
    if relu:
        cam = cam.clamp_min(0)
    upsampled = F.interpolate(cam, size=(28, 28), mode="bilinear", align_corners=False)
    return cam[0, 0].numpy(), upsampled[0, 0].numpy()


@pytest.mark.parametrize("layer", ["conv2", "conv3"])
@pytest.mark.parametrize("relu", [True, False])
def test_grad_cam_equals_the_hand_computation(split, cnn, layer, relu):
    for index in (0, 777, 1500):
        image = split.test_images[index]
        target = int(split.test_labels[index])
        coarse, upsampled = hand_grad_cam(cnn, image, target, layer, relu)
        result = explain.grad_cam(cnn, image, target, layer, relu)
        assert result.resolution == {"conv2": (14, 14), "conv3": (7, 7)}[layer]
        np.testing.assert_allclose(result.coarse, coarse, atol=1e-5)
        np.testing.assert_allclose(result.upsampled, upsampled, atol=1e-5)


def test_grad_cam_of_the_adversarial_image_equals_the_hand_computation(split, cnn):
    image, label = split.test_images[42], int(split.test_labels[42])
    adversarial = attacks.run_attack(cnn, image, label, attacks.AttackSettings("fgsm", 0.2)).adversarial
    pair = explain.explain_pair(cnn, image, adversarial, label, "grad_cam", "conv3", True)
    expected_adversarial = hand_grad_cam(cnn, adversarial, label, "conv3", True)[1]
    np.testing.assert_allclose(pair.adversarial, expected_adversarial, atol=1e-5)
    expected_clean = hand_grad_cam(cnn, image, label, "conv3", True)[1]
    np.testing.assert_allclose(pair.clean, expected_clean, atol=1e-5)


def test_explaining_leaves_the_shared_model_untouched(split, cnn):
    explain.grad_cam(cnn, split.test_images[0], 3, "conv3", True)
    explain.input_saliency(load_shipped("mlp_keras"), split.test_images[0], 3)
    assert not any(parameter.requires_grad for parameter in cnn.parameters())
    assert all(parameter.grad is None for parameter in cnn.parameters())


def test_clean_and_adversarial_maps_share_one_scale(split, cnn):
    image, label = split.test_images[5], int(split.test_labels[5])
    adversarial = attacks.run_attack(cnn, image, label, attacks.AttackSettings("pgd", 0.2, 0.02, 20)).adversarial
    for relu in (True, False):
        pair = explain.explain_pair(cnn, image, adversarial, label, "grad_cam", "conv3", relu)
        low, high = pair.scale
        for values in (pair.clean, pair.adversarial):
            assert low <= values.min() and values.max() <= high
        assert high == pytest.approx(max(pair.clean.max(), pair.adversarial.max(), abs(min(0, low))))
        np.testing.assert_allclose(pair.difference, pair.adversarial - pair.clean)
        figure = attack_figures.map_pair_figure(image, adversarial, pair.clean, pair.adversarial, pair.scale,
                                                ("a", "b"), "map", 0.5, "%{z}")
        overlays = [trace for trace in figure.data if trace.coloraxis == "coloraxis"]
        assert len(overlays) == 2
        np.testing.assert_allclose(np.asarray(overlays[0].z), pair.clean)
        np.testing.assert_allclose(np.asarray(overlays[1].z), pair.adversarial)
        assert (figure.layout.coloraxis.cmin, figure.layout.coloraxis.cmax) == (low, high)
        difference = attack_figures.difference_figure(pair.difference, "d", "diff", "%{z}")
        bound = float(np.abs(pair.difference).max())
        assert (difference.layout.coloraxis.cmin, difference.layout.coloraxis.cmax) == (-bound, bound)


def test_shared_scale_is_symmetric_for_signed_maps():
    assert explain.shared_scale(np.array([0.0, 2.0]), np.array([1.0, 3.0])) == (0.0, 3.0)
    assert explain.shared_scale(np.array([-4.0, 1.0]), np.array([0.5, 2.0])) == (-4.0, 4.0)


def test_saliency_is_the_absolute_input_gradient(split):
    model = load_shipped("mlp_keras")
    image, target = split.test_images[9], 4
    x = torch.tensor(image).reshape(1, 1, 28, 28).requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(x)[0, target], x)
    np.testing.assert_allclose(explain.input_saliency(model, image, target), gradient.abs()[0, 0].numpy(), atol=1e-6)


def test_integrated_gradients_are_complete(split):
    model = load_shipped("mlp_keras")
    image, target = split.test_images[11], int(split.test_labels[11])
    attribution = explain.integrated_gradients(model, image, target, steps=64)
    with torch.no_grad():
        gap = float(model(torch.tensor(image).reshape(1, -1))[0, target] - model(torch.zeros(1, 784))[0, target])
    assert attribution.sum() == pytest.approx(gap, rel=0.02, abs=0.05)


def test_mlps_have_no_grad_cam_and_cnns_do():
    assert explain.has_conv_layers(load_shipped("cnn"))
    assert not explain.has_conv_layers(load_shipped("mlp_3b1b"))
    with pytest.raises(ValueError):
        explain.explanation_map(load_shipped("cnn"), np.zeros((28, 28)), 0, "lime")


def test_randomized_weights_change_the_grad_cam(split, cnn):
    image, label = split.test_images[3], int(split.test_labels[3])
    real = explain.grad_cam(cnn, image, label, "conv2", True).upsampled
    random = explain.grad_cam(attacks.randomized_copy(cnn, seed=0), image, label, "conv2", True).upsampled
    assert not np.allclose(real, random, atol=1e-3)


def test_one_grad_cam_function_serves_both_pages():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = [path.relative_to(root).as_posix() for path in (root / "core").glob("*.py")
             if "LayerGradCam" in path.read_text(encoding="utf-8")]
    assert users == ["core/explain.py"]
    draw = (root / "pages" / "draw.py").read_text(encoding="utf-8")
    attack = (root / "pages" / "attack.py").read_text(encoding="utf-8")
    assert "from core.explain import grad_cam" in draw and "grad_cam(model, tensor" in draw
    assert "explain.map_sweep(" in attack and "explain.grad_cam(" in attack
    for page in (draw, attack):
        assert "gradcam.caption_relu" in page and "gradcam.caption_signed" in page


def test_grad_cam_from_many_threads_on_one_shared_model_equals_each_alone(split, cnn):
    """Captum hooks a module while it runs: on a shared model one thread's hook caught another's activations."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(index, layer) for index in range(12) for layer in ("conv2", "conv3")]

    def run(job):
        index, layer = job
        return explain.grad_cam(cnn, split.test_images[index], int(split.test_labels[index]), layer).coarse

    alone = [run(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            together = list(pool.map(run, jobs))
            for expected, got in zip(alone, together):
                np.testing.assert_array_equal(got, expected)
    assert not any(module._forward_hooks for module in cnn.modules())


# ---------------------------------------------------------------------------------------------
# Every ε at once: the maps of an attack sweep


@pytest.mark.parametrize(("model_key", "method", "layer", "relu"), [
    ("cnn", "grad_cam", "conv2", True), ("cnn", "grad_cam", "conv3", False),
    ("mlp_keras", "saliency", "", False), ("mlp_3b1b", "integrated_gradients", "", False),
])
def test_each_entry_of_a_map_sweep_equals_the_pair_explained_alone(split, model_key, method, layer, relu):
    model = load_shipped(model_key)
    image, label = split.test_images[7], int(split.test_labels[7])
    sweep = attacks.attack_sweep(model, image, label, attacks.AttackSettings("fgsm"))
    targets = explain.explained_classes("adversarial_prediction", sweep.label, int(sweep.clean_probabilities.argmax()),
                                        sweep.adversarial_probabilities.argmax(axis=1))
    assert len(set(targets.tolist())) > 1, "the explained class changes with ε here"
    maps = explain.map_sweep(model, sweep.clean, sweep.adversarial, targets, method, layer or "conv2", relu)
    assert len(maps) == len(sweep) and maps.adversarial.shape == (len(sweep), 28, 28)
    assert sorted(maps.clean_classes) == sorted(set(targets.tolist()))
    for index in range(0, len(sweep), 5):
        result = sweep.result(index)
        alone = explain.explain_pair(model, result.clean, result.adversarial, int(targets[index]), method,
                                     layer or "conv2", relu)
        entry = maps.pair(index)
        assert (entry.method, entry.target, entry.layer, entry.resolution) == (alone.method, alone.target,
                                                                                alone.layer, alone.resolution)
        scale = max(np.abs(alone.adversarial).max(), np.abs(alone.clean).max(), 1e-9)
        np.testing.assert_allclose(entry.clean, alone.clean, atol=1e-5 * scale)
        np.testing.assert_allclose(entry.adversarial, alone.adversarial, atol=1e-5 * scale)
        assert entry.scale == pytest.approx(alone.scale, rel=1e-5, abs=1e-9)


def test_the_explained_class_at_each_eps():
    predictions = np.array([3, 3, 5, 8])
    assert explain.explained_classes("true", 3, 2, predictions).tolist() == [3, 3, 3, 3]
    assert explain.explained_classes("clean_prediction", 3, 2, predictions).tolist() == [2, 2, 2, 2]
    assert explain.explained_classes("adversarial_prediction", 3, 2, predictions).tolist() == [3, 3, 5, 8]
    assert explain.explained_classes("any", 3, 2, predictions, any_class=6).tolist() == [6, 6, 6, 6]
    with pytest.raises(ValueError):
        explain.explained_classes("lime", 3, 2, predictions)


def test_grad_cams_of_a_batch_equal_each_image_alone(split, cnn):
    images = split.test_images[:6]
    targets = [int(label) for label in split.test_labels[:6]]
    coarse, upsampled = explain.grad_cams(cnn, images, targets, "conv3", True)
    assert coarse.shape == (6, 7, 7) and upsampled.shape == (6, 28, 28)
    for index, (image, target) in enumerate(zip(images, targets)):
        alone = explain.grad_cam(cnn, image, target, "conv3", True)
        np.testing.assert_allclose(upsampled[index], alone.upsampled, atol=1e-6)

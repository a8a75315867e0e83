"""Where a model looks: Grad-CAM (Captum's LayerGradCam) for the digit CNN; input-gradient saliency
and Integrated Gradients (Captum) for MLPs, where Grad-CAM is undefined; clean and adversarial
maps on one shared colour scale."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from captum.attr import IntegratedGradients, LayerAttribution, LayerGradCam, Saliency
from torch import nn


@dataclass(frozen=True)
class GradCamResult:
    """A Grad-CAM map at the layer's own resolution and upsampled (bilinear) to 28×28."""

    layer: str
    coarse: np.ndarray  # (h, w) at the layer's resolution
    upsampled: np.ndarray  # (28, 28)
    target: int

    @property
    def resolution(self) -> tuple[int, int]:
        return self.coarse.shape


RECTIFIED_MODULES = {"conv1": "relu1", "conv2": "relu2", "conv3": "relu3"}


def rectified_maps_module(model: nn.Module, layer: str) -> nn.Module:
    """The ReLU right after the named conv layer: its output is the feature maps A^k ≥ 0 that Grad-CAM weighs."""
    return getattr(model, RECTIFIED_MODULES[layer])


def private_module_tree(model: nn.Module) -> nn.Module:
    """A copy of the model's modules that shares every parameter and buffer (no tensor is copied).

    Captum's layer attributions put hooks on a module while they run; on a model shared by every
    session, one session's hook would catch another's activations. Hooks go on this copy instead,
    so the shared model itself never carries one.
    """
    shared = {id(tensor): tensor for tensor in (*model.parameters(), *model.buffers())}
    return copy.deepcopy(model, shared)


def grad_cam(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, layer: str = "conv2",
             relu: bool = True) -> GradCamResult:
    """Grad-CAM (Selvaraju et al.) for class `target` on the rectified feature maps of the named conv layer.

    α_k is the mean over positions of ∂y_c/∂A^k with A^k the layer's maps after its ReLU; the map is
    ReLU(Σ_k α_k A^k), or the signed sum with `relu` off. The model is not modified: hooks go on a
    private copy of its modules and only the input carries a gradient. It must be in eval() mode.
    """
    x = torch.tensor(np.array(image, dtype=np.float32) if not isinstance(image, torch.Tensor) else image.detach(),
                     dtype=torch.float32).reshape(1, 1, 28, 28)
    private = private_module_tree(model)
    explainer = LayerGradCam(private, rectified_maps_module(private, layer))
    with torch.enable_grad():
        coarse = explainer.attribute(x, target=int(target), relu_attributions=relu)
        upsampled = LayerAttribution.interpolate(coarse, (28, 28), interpolate_mode="bilinear")
    return GradCamResult(
        layer=layer,
        coarse=coarse.detach()[0, 0].numpy().astype(np.float64),
        upsampled=upsampled.detach()[0, 0].numpy().astype(np.float64),
        target=int(target),
    )


MAP_METHODS = ("grad_cam", "saliency", "integrated_gradients")


def has_conv_layers(model: nn.Module) -> bool:
    """Grad-CAM needs a convolutional layer; the MLPs get saliency or Integrated Gradients instead."""
    return bool(getattr(model, "gradcam_layers", ()))


def _input_batch(image: np.ndarray | torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(image, dtype=torch.float32).reshape(1, 1, 28, 28).clone().requires_grad_(True)


def input_saliency(model: nn.Module, image: np.ndarray | torch.Tensor, target: int) -> np.ndarray:
    """|∂score_target/∂x| per pixel (Captum's Saliency), 28×28."""
    with torch.enable_grad():
        attribution = Saliency(model).attribute(_input_batch(image), target=int(target), abs=True)
    return attribution.detach()[0, 0].numpy().astype(np.float64)


def integrated_gradients(model: nn.Module, image: np.ndarray | torch.Tensor, target: int,
                         steps: int = 32) -> np.ndarray:
    """Integrated Gradients from a black image (Captum), 28×28; signed, summing to score(x) − score(0)."""
    with torch.enable_grad():
        attribution = IntegratedGradients(model).attribute(
            _input_batch(image), baselines=torch.zeros(1, 1, 28, 28), target=int(target), n_steps=steps
        )
    return attribution.detach()[0, 0].numpy().astype(np.float64)


def explanation_map(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, method: str,
                    layer: str = "conv2", relu: bool = True) -> np.ndarray:
    """A 28×28 map by the named method (Grad-CAM upsampled to the input size)."""
    if method == "grad_cam":
        return grad_cam(model, image, target, layer, relu).upsampled
    if method == "saliency":
        return input_saliency(model, image, target)
    if method == "integrated_gradients":
        return integrated_gradients(model, image, target)
    raise ValueError(f"unknown method '{method}'")


def shared_scale(*maps: np.ndarray) -> tuple[float, float]:
    """One (low, high) range for several maps: [0, max] when none is negative, else symmetric about 0."""
    low = min(float(np.min(m)) for m in maps)
    high = max(float(np.max(m)) for m in maps)
    if low >= 0:
        return 0.0, max(high, 1e-12)
    bound = max(abs(low), abs(high), 1e-12)
    return -bound, bound


@dataclass(frozen=True)
class MapPair:
    """Clean and adversarial maps of one method, one target and one shared colour scale."""

    method: str
    target: int
    clean: np.ndarray
    adversarial: np.ndarray
    layer: str | None = None
    resolution: tuple[int, int] | None = None

    @property
    def scale(self) -> tuple[float, float]:
        return shared_scale(self.clean, self.adversarial)

    @property
    def difference(self) -> np.ndarray:
        """Adversarial minus clean, on the same units as the maps."""
        return self.adversarial - self.clean


def explain_pair(model: nn.Module, clean: np.ndarray, adversarial: np.ndarray, target: int, method: str,
                 layer: str = "conv2", relu: bool = True) -> MapPair:
    """The same explanation for the clean and the adversarial image, ready for one shared colour scale."""
    if method == "grad_cam":
        clean_cam = grad_cam(model, clean, target, layer, relu)
        adversarial_cam = grad_cam(model, adversarial, target, layer, relu)
        return MapPair(method, int(target), clean_cam.upsampled, adversarial_cam.upsampled, layer, clean_cam.resolution)
    return MapPair(method, int(target), explanation_map(model, clean, target, method),
                   explanation_map(model, adversarial, target, method))

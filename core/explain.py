"""Where a model looks: Grad-CAM (Captum's LayerGradCam) for the digit CNN; input-gradient saliency
and Integrated Gradients (Captum) for MLPs, where Grad-CAM is undefined; clean and adversarial
maps on one shared colour scale."""

from __future__ import annotations

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


def feature_map_module(model: nn.Module, layer: str, rectified: bool) -> nn.Module:
    """The conv layer's output module, or with `rectified` the ReLU right after it (the maps A^k ≥ 0)."""
    if rectified and hasattr(model, RECTIFIED_MODULES.get(layer, "")):
        return getattr(model, RECTIFIED_MODULES[layer])
    return getattr(model, layer)


def grad_cam(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, layer: str = "conv3",
             relu: bool = True, rectified: bool = False) -> GradCamResult:
    """Grad-CAM for class `target` at the named conv layer of a model in eval() mode.

    With `rectified`, the feature maps A^k are the layer's activations after its ReLU (as in the
    Grad-CAM paper) rather than the raw convolution output. The model is not modified; only the
    input carries a gradient.
    """
    x = torch.tensor(np.array(image, dtype=np.float32) if not isinstance(image, torch.Tensor) else image.detach(),
                     dtype=torch.float32).reshape(1, 1, 28, 28)
    explainer = LayerGradCam(model, feature_map_module(model, layer, rectified))
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
                    layer: str = "conv3", relu: bool = True, rectified: bool = True) -> np.ndarray:
    """A 28×28 map by the named method (Grad-CAM upsampled to the input size)."""
    if method == "grad_cam":
        return grad_cam(model, image, target, layer, relu, rectified).upsampled
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
                 layer: str = "conv3", relu: bool = True, rectified: bool = True) -> MapPair:
    """The same explanation for the clean and the adversarial image, ready for one shared colour scale."""
    if method == "grad_cam":
        clean_cam = grad_cam(model, clean, target, layer, relu, rectified)
        adversarial_cam = grad_cam(model, adversarial, target, layer, relu, rectified)
        return MapPair(method, int(target), clean_cam.upsampled, adversarial_cam.upsampled, layer, clean_cam.resolution)
    return MapPair(method, int(target), explanation_map(model, clean, target, method),
                   explanation_map(model, adversarial, target, method))

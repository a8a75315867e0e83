"""Where a model looks: Grad-CAM (Captum's LayerGradCam) for the digit CNN."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from captum.attr import LayerAttribution, LayerGradCam
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


def grad_cam(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, layer: str = "conv3",
             relu: bool = True) -> GradCamResult:
    """Grad-CAM for class `target` at the named conv layer of a model in eval() mode.

    The model is not modified; only the input carries a gradient.
    """
    x = torch.as_tensor(image, dtype=torch.float32).reshape(1, 1, 28, 28).clone()
    explainer = LayerGradCam(model, getattr(model, layer))
    with torch.enable_grad():
        coarse = explainer.attribute(x, target=int(target), relu_attributions=relu)
        upsampled = LayerAttribution.interpolate(coarse, (28, 28), interpolate_mode="bilinear")
    return GradCamResult(
        layer=layer,
        coarse=coarse.detach()[0, 0].numpy().astype(np.float64),
        upsampled=upsampled.detach()[0, 0].numpy().astype(np.float64),
        target=int(target),
    )

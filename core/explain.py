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


def _images_batch(images: np.ndarray | torch.Tensor) -> torch.Tensor:
    """28×28 images (one, or a stack) as a float32 batch (N, 1, 28, 28)."""
    x = images.detach() if isinstance(images, torch.Tensor) else torch.tensor(np.array(images, dtype=np.float32))
    return x.to(torch.float32).reshape(-1, 1, 28, 28)


def _targets(targets, count: int) -> torch.Tensor:
    """One class per image (a single class is repeated)."""
    values = torch.as_tensor(np.array(targets, dtype=np.int64)).reshape(-1)
    return values.expand(count).clone() if values.numel() == 1 else values


def grad_cams(model: nn.Module, images: np.ndarray | torch.Tensor, targets, layer: str = "conv2",
              relu: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Grad-CAM of a stack of images, each for its own class, in one batch: (coarse (N, h, w), upsampled (N, 28, 28)).

    See grad_cam; the images are independent (the model is in eval() mode), so each map is the one of its image alone.
    """
    x = _images_batch(images)
    private = private_module_tree(model)
    explainer = LayerGradCam(private, rectified_maps_module(private, layer))
    with torch.enable_grad():
        coarse = explainer.attribute(x, target=_targets(targets, len(x)), relu_attributions=relu)
        upsampled = LayerAttribution.interpolate(coarse, (28, 28), interpolate_mode="bilinear")
    return (coarse.detach()[:, 0].numpy().astype(np.float64), upsampled.detach()[:, 0].numpy().astype(np.float64))


def grad_cam(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, layer: str = "conv2",
             relu: bool = True) -> GradCamResult:
    """Grad-CAM (Selvaraju et al.) for class `target` on the rectified feature maps of the named conv layer.

    α_k is the mean over positions of ∂y_c/∂A^k with A^k the layer's maps after its ReLU; the map is
    ReLU(Σ_k α_k A^k), or the signed sum with `relu` off. The model is not modified: hooks go on a
    private copy of its modules and only the input carries a gradient. It must be in eval() mode.
    """
    coarse, upsampled = grad_cams(model, image, [target], layer, relu)
    return GradCamResult(layer=layer, coarse=coarse[0], upsampled=upsampled[0], target=int(target))


MAP_METHODS = ("grad_cam", "saliency", "integrated_gradients")


def has_conv_layers(model: nn.Module) -> bool:
    """Grad-CAM needs a convolutional layer; the MLPs get saliency or Integrated Gradients instead."""
    return bool(getattr(model, "gradcam_layers", ()))


def input_saliencies(model: nn.Module, images: np.ndarray | torch.Tensor, targets) -> np.ndarray:
    """|∂score_target/∂x| per pixel (Captum's Saliency) of a stack of images, each for its own class: (N, 28, 28)."""
    x = _images_batch(images).clone().requires_grad_(True)
    with torch.enable_grad():
        attribution = Saliency(model).attribute(x, target=_targets(targets, len(x)), abs=True)
    return attribution.detach()[:, 0].numpy().astype(np.float64)


def input_saliency(model: nn.Module, image: np.ndarray | torch.Tensor, target: int) -> np.ndarray:
    """|∂score_target/∂x| per pixel (Captum's Saliency), 28×28."""
    return input_saliencies(model, image, [target])[0]


def integrated_gradients_batch(model: nn.Module, images: np.ndarray | torch.Tensor, targets,
                               steps: int = 32) -> np.ndarray:
    """Integrated Gradients from a black image (Captum) of a stack of images, each for its own class: (N, 28, 28)."""
    x = _images_batch(images).clone().requires_grad_(True)
    with torch.enable_grad():
        attribution = IntegratedGradients(model).attribute(
            x, baselines=torch.zeros_like(x), target=_targets(targets, len(x)), n_steps=steps
        )
    return attribution.detach()[:, 0].numpy().astype(np.float64)


def integrated_gradients(model: nn.Module, image: np.ndarray | torch.Tensor, target: int,
                         steps: int = 32) -> np.ndarray:
    """Integrated Gradients from a black image (Captum), 28×28; signed, summing to score(x) − score(0)."""
    return integrated_gradients_batch(model, image, [target], steps)[0]


def explanation_maps(model: nn.Module, images: np.ndarray | torch.Tensor, targets, method: str,
                     layer: str = "conv2", relu: bool = True) -> np.ndarray:
    """28×28 maps of a stack of images, each for its own class, by the named method, in one batch: (N, 28, 28)."""
    if method == "grad_cam":
        return grad_cams(model, images, targets, layer, relu)[1]
    if method == "saliency":
        return input_saliencies(model, images, targets)
    if method == "integrated_gradients":
        return integrated_gradients_batch(model, images, targets)
    raise ValueError(f"unknown method '{method}'")


def explanation_map(model: nn.Module, image: np.ndarray | torch.Tensor, target: int, method: str,
                    layer: str = "conv2", relu: bool = True) -> np.ndarray:
    """A 28×28 map by the named method (Grad-CAM upsampled to the input size)."""
    return explanation_maps(model, image, [target], method, layer, relu)[0]


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


EXPLAINED_CLASSES = ("true", "clean_prediction", "adversarial_prediction", "any")


def explained_classes(choice: str, label: int, clean_prediction: int, adversarial_predictions: np.ndarray,
                      any_class: int = 0) -> np.ndarray:
    """The class explained at each ε: the attacked class, the clean prediction, the prediction on each
    adversarial image, or one chosen class."""
    count = len(adversarial_predictions)
    if choice == "adversarial_prediction":
        return np.asarray(adversarial_predictions, dtype=np.int64)
    fixed = {"true": label, "clean_prediction": clean_prediction, "any": any_class}
    if choice not in fixed:
        raise ValueError(f"unknown class choice '{choice}'")
    return np.full(count, int(fixed[choice]), dtype=np.int64)


@dataclass(frozen=True)
class MapSweep:
    """One explanation of the clean image and of each adversarial image of an attack sweep, entry i for class
    targets[i]: float32 maps, shared read-only when cached."""

    method: str
    layer: str | None
    resolution: tuple[int, int] | None  # Grad-CAM's feature-map size
    targets: np.ndarray  # (E,)
    clean_classes: tuple[int, ...]  # the classes clean_maps are for
    clean_maps: np.ndarray  # (K, 28, 28): the clean image's map for each class in clean_classes
    adversarial: np.ndarray  # (E, 28, 28)

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def nbytes(self) -> int:
        return self.targets.nbytes + self.clean_maps.nbytes + self.adversarial.nbytes

    def clean(self, index: int) -> np.ndarray:
        return self.clean_maps[self.clean_classes.index(int(self.targets[index]))]

    def pair(self, index: int) -> MapPair:
        """Entry i as explain_pair gives it."""
        return MapPair(self.method, int(self.targets[index]), np.array(self.clean(index), dtype=np.float64),
                       np.array(self.adversarial[index], dtype=np.float64), self.layer, self.resolution)


def map_sweep(model: nn.Module, clean: np.ndarray, adversarial: np.ndarray, targets: np.ndarray, method: str,
              layer: str = "conv2", relu: bool = True) -> MapSweep:
    """The maps of the clean image (once per class asked for) and of every adversarial image (E, 28, 28), each for
    its class in targets, in one batch."""
    targets = np.asarray(targets, dtype=np.int64)
    classes = tuple(int(target) for target in dict.fromkeys(targets.tolist()))
    clean_stack = np.repeat(np.asarray(clean, dtype=np.float32)[None], len(classes), axis=0)
    images = np.concatenate([clean_stack, np.asarray(adversarial, dtype=np.float32)])
    every_target = np.concatenate([np.array(classes, dtype=np.int64), targets])
    layer_name, resolution = None, None
    if method == "grad_cam":
        coarse, maps = grad_cams(model, images, every_target, layer, relu)
        layer_name, resolution = layer, (int(coarse.shape[1]), int(coarse.shape[2]))
    else:
        maps = explanation_maps(model, images, every_target, method)
    maps = maps.astype(np.float32)
    return MapSweep(method, layer_name, resolution, targets, classes, maps[: len(classes)], maps[len(classes):])

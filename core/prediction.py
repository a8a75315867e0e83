"""What a digit model makes of one 28×28 image: class probabilities and what happens inside."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from core.models import MLP, DigitCNN, class_probabilities

LOW_CONFIDENCE = 0.6  # a top probability under this is reported as a guess


@dataclass
class Prediction:
    """The model's answer for one image and the values inside it, for display."""

    probabilities: np.ndarray  # (10,) summing to 1
    scores: np.ndarray  # (10,) the model's raw outputs (logits, or pre-sigmoid sums)
    hidden: list[np.ndarray] = field(default_factory=list)  # MLP: each hidden layer's activations
    outputs: np.ndarray | None = None  # MLP: the output neurons' activations (softmax or sigmoid)
    feature_maps: dict[str, np.ndarray] = field(default_factory=dict)  # CNN: layer → (channels, h, w)

    @property
    def top(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.top])

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE


def as_batch(image: np.ndarray) -> torch.Tensor:
    return torch.tensor(np.asarray(image, dtype=np.float32)).reshape(1, 1, 28, 28)


def mlp_hidden_activations(model: MLP, x: torch.Tensor) -> list[np.ndarray]:
    """The output of every hidden layer's activation, in order."""
    hidden = []
    value = x.flatten(1)
    modules = list(model.layers)
    for index, module in enumerate(modules):
        value = module(value)
        if not isinstance(module, nn.Linear) and index < len(modules) - 1:
            hidden.append(value[0].numpy().astype(np.float64))
    return hidden


def output_activations(model: nn.Module, scores: torch.Tensor) -> np.ndarray:
    """What the output neurons emit: sigmoid for a sigmoid head, softmax otherwise."""
    if getattr(model, "output_activation", "softmax") == "sigmoid":
        return torch.sigmoid(scores)[0].numpy().astype(np.float64)
    return torch.softmax(scores, dim=-1)[0].numpy().astype(np.float64)


@torch.no_grad()
def predict(model: nn.Module, image: np.ndarray) -> Prediction:
    """Probabilities for a 28×28 image in [0, 1], with an MLP's activations or a CNN's feature maps
    (a CNN's in the same forward pass)."""
    x = as_batch(image)
    maps = model.feature_maps(x) if isinstance(model, DigitCNN) else {}
    scores = model.classify(maps["conv3"]) if maps else model(x)
    prediction = Prediction(
        probabilities=class_probabilities(model, scores)[0].numpy().astype(np.float64),
        scores=scores[0].numpy().astype(np.float64),
    )
    if isinstance(model, MLP):
        prediction.hidden = mlp_hidden_activations(model, x)
        prediction.outputs = output_activations(model, scores)
    if isinstance(model, DigitCNN):
        prediction.feature_maps = {name: layer[0].numpy() for name, layer in maps.items()}
    return prediction


@torch.no_grad()
def predict_batch(model: nn.Module, images: np.ndarray, batch_size: int = 500) -> np.ndarray:
    """Predicted classes for images shaped (N, 28, 28) in [0, 1]."""
    tensor = torch.tensor(np.asarray(images, dtype=np.float32)).reshape(-1, 1, 28, 28)
    return torch.cat([model(chunk).argmax(dim=1) for chunk in tensor.split(batch_size)]).numpy()


def misclassified(model: nn.Module, images: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Indices of the images the model gets wrong."""
    return np.flatnonzero(predict_batch(model, images) != np.asarray(labels))


def grid_shape(count: int) -> tuple[int, int]:
    """Rows and columns of the most nearly square grid that holds `count` cells exactly or nearly."""
    rows = int(np.floor(np.sqrt(count)))
    while rows > 1 and count % rows:
        rows -= 1
    if rows == 1 and count > 3:
        rows = int(np.floor(np.sqrt(count)))
    return rows, int(np.ceil(count / rows))

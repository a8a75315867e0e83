"""Network builders and the shipped, read-only digit models."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

MODELS_DIR = Path(__file__).resolve().parent.parent / "assets" / "models"
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
}


class MLP(nn.Module):
    """A fully connected network; input of any shape is flattened; returns pre-activation scores.

    `output_activation` ("softmax" or "sigmoid") names the head applied for probabilities.
    """

    def __init__(self, widths: list[int], activation: str = "relu", output_activation: str = "softmax"):
        super().__init__()
        if len(widths) < 2:
            raise ValueError("an MLP needs at least an input and an output width")
        self.widths = list(widths)
        self.activation = activation
        self.output_activation = output_activation
        layers: list[nn.Module] = []
        for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if index < len(widths) - 2:
                layers.append(ACTIVATIONS[activation]())
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x.flatten(1))

    def linear_layers(self) -> list[nn.Linear]:
        return [layer for layer in self.layers if isinstance(layer, nn.Linear)]


class Normalize(nn.Module):
    """Mean/std normalization as the model's first module, so images stay in [0, 1] outside."""

    def __init__(self, mean: float = MNIST_MEAN, std: float = MNIST_STD):
        super().__init__()
        self.mean, self.std = mean, std

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class DigitCNN(nn.Module):
    """Three 3×3 conv layers (28×28 → 14×14 → 7×7) and two dense layers; returns logits.

    Grad-CAM layers: `conv2` (14×14 maps) and `conv3` (7×7 maps).
    """

    output_activation = "softmax"
    gradcam_layers = ("conv2", "conv3")

    def __init__(self):
        super().__init__()
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.relu1, self.relu2, self.relu3 = nn.ReLU(), nn.ReLU(), nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.relu4 = nn.ReLU()
        self.dropout = nn.Dropout(0.3)
        self.fc2 = nn.Linear(128, 10)

    def feature_maps(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """Every conv layer's activation (after ReLU), for display."""
        x = x.reshape(-1, 1, 28, 28)
        a1 = self.relu1(self.conv1(self.normalize(x)))
        a2 = self.relu2(self.conv2(self.pool(a1)))
        a3 = self.relu3(self.conv3(self.pool(a2)))
        return {"conv1": a1, "conv2": a2, "conv3": a3}

    def classify(self, conv3: torch.Tensor) -> torch.Tensor:
        """The logits from conv3's maps: a forward pass that already has the feature maps finishes here."""
        return self.fc2(self.dropout(self.relu4(self.fc1(conv3.flatten(1)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(self.feature_maps(x)["conv3"])


@dataclass(frozen=True)
class ShippedModel:
    key: str
    file: str
    description: str

    def build(self) -> nn.Module:
        return SHIPPED_BUILDERS[self.key]()

    @property
    def path(self) -> Path:
        return MODELS_DIR / self.file


SHIPPED_BUILDERS = {
    "mlp_3b1b": lambda: MLP([784, 16, 16, 10], "sigmoid", output_activation="sigmoid"),
    "mlp_keras": lambda: MLP([784, 128, 10], "relu"),
    "cnn": DigitCNN,
    "cnn_robust": DigitCNN,
}

SHIPPED_MODELS = {
    "cnn": ShippedModel("cnn", "cnn.pt", "digit CNN, trained with augmentation"),
    "mlp_keras": ShippedModel("mlp_keras", "mlp_keras.pt", "784-128-10 ReLU (the Keras 40-line model)"),
    "mlp_3b1b": ShippedModel("mlp_3b1b", "mlp_3b1b.pt", "784-16-16-10 sigmoid (the 3Blue1Brown net)"),
    "cnn_robust": ShippedModel("cnn_robust", "cnn_robust.pt", "the digit CNN, adversarially trained"),
}


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def load_state_dict_file(path: Path | str, map_location: str = "cpu") -> dict[str, torch.Tensor]:
    """Read a state_dict with weights_only=True (tensors and plain containers only)."""
    state = torch.load(path, map_location=map_location, weights_only=True)
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("the file does not hold a state_dict of tensors")
    return state


def load_shipped(key: str) -> nn.Module:
    """A shipped model in eval() mode with frozen parameters (safe to share between sessions)."""
    spec = SHIPPED_MODELS[key]
    model = spec.build()
    model.load_state_dict(load_state_dict_file(spec.path))
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    return model


def class_probabilities(model: nn.Module, scores: torch.Tensor) -> torch.Tensor:
    """Probabilities from a model's scores: softmax, or sigmoid outputs scaled to sum to 1."""
    if getattr(model, "output_activation", "softmax") == "sigmoid":
        activations = torch.sigmoid(scores)
        return activations / activations.sum(dim=-1, keepdim=True).clamp_min(1e-12)
    return torch.softmax(scores, dim=-1)

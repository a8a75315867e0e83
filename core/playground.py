"""The playground's engine: architecture, losses, a step-by-step trainer with history, divergence
detection with the last good weights, the linear collapse W′x + b′, and weight export/import."""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from core.models import MLP
from core.threads import torch_threads

HEADS = ("sigmoid_bce", "softmax_ce", "sigmoid_squared", "linear_squared")
ACTIVATION_NAMES = ("relu", "leaky_relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "momentum", "adam")
REGULARIZATIONS = ("none", "l1", "l2")
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1)
BATCH_SIZES = (1, 4, 8, 16, 32, 64, 128, 256, 512)
MOMENTUM = 0.9
ADAM_BETAS = (0.9, 0.999)
MAX_HIDDEN_LAYERS = 6
MAX_WIDTH_2D = 16
MAX_WIDTH_DIGITS = 256
EVAL_CAP = 2000
EXPLODE_FACTOR = 100.0
EXPLODE_FLOOR = 1e3
HUGE_ACTIVATION = 1e3
HUGE_PARAMETER = 1e6


def one_thread():
    """Tiny tensors train several times faster on one thread than with threads fighting for busy cores."""
    return torch_threads(1)


@dataclass(frozen=True)
class Architecture:
    """Input size, hidden widths, class count, hidden activation and output head (with its loss)."""

    input_size: int
    hidden: tuple[int, ...]
    n_classes: int
    activation: str = "tanh"
    head: str = "sigmoid_bce"

    @property
    def output_size(self) -> int:
        one_output = self.n_classes == 2 and self.head in ("sigmoid_bce", "sigmoid_squared")
        return 1 if one_output else self.n_classes

    @property
    def widths(self) -> list[int]:
        return [self.input_size, *self.hidden, self.output_size]

    @property
    def output_activation(self) -> str:
        return "sigmoid" if self.head.startswith("sigmoid") else "softmax"

    @property
    def loss_name(self) -> str:
        """The loss name other pages read from PlaygroundNetwork.loss."""
        return {"sigmoid_bce": "bce", "softmax_ce": "cross_entropy"}.get(self.head, "squared_error")

    def label(self) -> str:
        return "-".join(str(width) for width in self.widths)


def layer_parameter_counts(architecture: Architecture) -> list[tuple[int, int, int]]:
    """(fan_in, fan_out, weights + biases) for every layer."""
    widths = architecture.widths
    return [(a, b, a * b + b) for a, b in zip(widths[:-1], widths[1:])]


def total_parameters(architecture: Architecture) -> int:
    return sum(count for _, _, count in layer_parameter_counts(architecture))


@dataclass(frozen=True)
class Settings:
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    batch_size: int = 16
    regularization: str = "none"
    regularization_rate: float = 0.0
    dropout: float = 0.0


@dataclass(frozen=True)
class Preset:
    kind: str  # "2d" or "digits"
    hidden: tuple[int, ...]
    activation: str
    head: str
    optimizer: str
    learning_rate: float
    batch_size: int


PRESETS = {
    "xor_2_4_1": Preset("2d", (4,), "tanh", "sigmoid_bce", "sgd", 0.3, 16),
    "deep_2_8_8_1": Preset("2d", (8, 8), "relu", "sigmoid_bce", "adam", 0.01, 16),
    "linear_stack": Preset("2d", (4, 4), "linear", "sigmoid_bce", "adam", 0.03, 16),
    "exercise_net": Preset("2d", (1, 2), "relu", "sigmoid_bce", "sgd", 0.1, 8),
    "lecture_mlp": Preset("2d", (2, 3), "sigmoid", "linear_squared", "sgd", 0.1, 8),
    "net_3b1b": Preset("digits", (16, 16), "sigmoid", "sigmoid_squared", "sgd", 1.0, 16),
    "keras_40_line": Preset("digits", (128,), "relu", "softmax_ce", "adam", 1e-3, 128),
    "backprop_unit": Preset("digits", (20,), "relu", "softmax_ce", "sgd", 0.1, 64),
}


def build_model(architecture: Architecture, seed: int) -> MLP:
    """An MLP with PyTorch's default initialisation drawn from its own seeded generator."""
    model = MLP(architecture.widths, architecture.activation, architecture.output_activation)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for layer in model.linear_layers():
            bound = 1.0 / math.sqrt(layer.in_features)
            layer.weight.uniform_(-bound, bound, generator=generator)
            layer.bias.uniform_(-bound, bound, generator=generator)
    return model


def forward_layers(
    model: MLP, x: torch.Tensor, dropout: float = 0.0, generator: torch.Generator | None = None
) -> list[torch.Tensor]:
    """Every layer's output: hidden activations (after dropout when given) and the output scores."""
    outputs = []
    x = x.flatten(1)
    for module in model.layers:
        x = module(x)
        if not isinstance(module, nn.Linear):
            if dropout > 0:
                keep = torch.rand(x.shape, generator=generator) >= dropout
                x = x * keep / (1.0 - dropout)
            outputs.append(x)
    outputs.append(x)
    return outputs


def targets_for(architecture: Architecture, labels: torch.Tensor) -> torch.Tensor:
    if architecture.output_size == 1:
        return labels.float().unsqueeze(1)
    return F.one_hot(labels, architecture.n_classes).float()


def head_loss(architecture: Architecture, scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean over examples of the per-example loss (squared error and BCE summed over outputs)."""
    if architecture.head == "softmax_ce":
        return F.cross_entropy(scores, labels)
    target = targets_for(architecture, labels)
    if architecture.head == "sigmoid_bce":
        return F.binary_cross_entropy_with_logits(scores, target, reduction="sum") / len(labels)
    outputs = torch.sigmoid(scores) if architecture.head == "sigmoid_squared" else scores
    return ((outputs - target) ** 2).sum(1).mean()


def predict(architecture: Architecture, scores: torch.Tensor) -> torch.Tensor:
    if architecture.output_size == 1:
        return (scores[:, 0] > 0).long()
    return scores.argmax(1)


def class_scores(architecture: Architecture, scores: torch.Tensor) -> torch.Tensor:
    """Per-class values in [0, 1] for shading: p(class 1) for one output, else normalised outputs."""
    if architecture.output_size == 1:
        return torch.sigmoid(scores[:, 0])
    if architecture.head == "softmax_ce" or architecture.head == "linear_squared":
        return torch.softmax(scores, 1)
    activations = torch.sigmoid(scores)
    return activations / activations.sum(1, keepdim=True).clamp_min(1e-12)


@dataclass
class TrainingData:
    """Tensors of one data set (shared, never modified); epoch_size caps the examples per epoch."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    n_classes: int
    epoch_size: int | None = None

    @property
    def examples_per_epoch(self) -> int:
        return min(len(self.train_y), self.epoch_size or len(self.train_y))


@dataclass
class History:
    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)

    def append(self, epoch: int, train: tuple[float, float], test: tuple[float, float]) -> None:
        self.epochs.append(epoch)
        self.train_loss.append(train[0])
        self.train_accuracy.append(train[1])
        self.test_loss.append(test[0])
        self.test_accuracy.append(test[1])

    def truncate(self, epoch: int) -> None:
        keep = sum(1 for e in self.epochs if e <= epoch)
        for values in (self.epochs, self.train_loss, self.test_loss, self.train_accuracy, self.test_accuracy):
            del values[keep:]


@dataclass(frozen=True)
class Divergence:
    """What went wrong: kind "nan", "inf" or "exploding"; cause "learning_rate" or "activations"."""

    kind: str
    cause: str
    epoch: int
    loss: float
    learning_rate: float
    largest_activation: float
    good_epoch: int


class Trainer:
    """One session's model, optimizer, batch order, history and last good weights."""

    def __init__(self, architecture: Architecture, data: TrainingData, settings: Settings, seed: int = 0):
        self.architecture = architecture
        self.data = data
        self.seed = seed
        self.settings = settings
        self.model = build_model(architecture, seed)
        self.generator = torch.Generator().manual_seed(seed + 7919)
        self.optimizer = make_optimizer(self.model, settings)
        self.epoch = 0
        self.batch_index = 0
        self.batches_done = 0
        self.order = self._new_order()
        self.history = History()
        self.divergence: Divergence | None = None
        self.last_batch_loss = float("nan")
        self.imported = False
        self.reference_loss = 1.0
        self.last_good = {key: value.detach().clone() for key, value in self.model.state_dict().items()}
        self._record_epoch()
        self.reference_loss = max(self.history.train_loss[-1], 1e-3) if self.history.train_loss else 1.0

    def replace_data(self, data: TrainingData) -> None:
        """New examples for the same architecture (e.g. a point added): weights and history stay."""
        self.data = data
        self.batch_index = 0
        self.order = self._new_order()

    def _new_order(self) -> torch.Tensor:
        return torch.randperm(len(self.data.train_y), generator=self.generator)[: self.data.examples_per_epoch]

    @property
    def batches_per_epoch(self) -> int:
        return max(1, math.ceil(self.data.examples_per_epoch / self.settings.batch_size))

    def apply_settings(self, settings: Settings) -> None:
        """Change optimizer settings without touching the weights (a new optimizer type starts fresh)."""
        if settings.optimizer != self.settings.optimizer:
            self.optimizer = make_optimizer(self.model, settings)
        for group in self.optimizer.param_groups:
            group["lr"] = settings.learning_rate
        if settings.batch_size != self.settings.batch_size:
            self.batch_index = min(self.batch_index, self.batches_per_epoch)
        self.settings = settings

    def regularization_penalty(self) -> torch.Tensor | float:
        rate, kind = self.settings.regularization_rate, self.settings.regularization
        if kind == "none" or rate == 0:
            return 0.0
        weights = [layer.weight for layer in self.model.linear_layers()]
        if kind == "l1":
            return rate * sum(w.abs().sum() for w in weights)
        return rate * sum((w**2).sum() for w in weights)

    def step_batch(self) -> bool:
        """One optimizer step on the next minibatch (see _step_batch)."""
        with one_thread():
            return self._step_batch()

    def _step_batch(self) -> bool:
        """One optimizer step on the next minibatch; False (and the last good weights back) on divergence.

        A step that sends the weights to inf or NaN shows up in the next batch's loss or the epoch's
        evaluation, before it is ever recorded as good.
        """
        if self.divergence is not None:
            return False
        size = self.settings.batch_size
        index = self.order[self.batch_index * size : (self.batch_index + 1) * size]
        x, y = self.data.train_x[index], self.data.train_y[index]
        self.model.train()
        loss = head_loss(self.architecture, forward_layers(self.model, x, self.settings.dropout, self.generator)[-1], y)
        value = loss.item()
        if self._diverged(value, x):
            return False
        self.optimizer.zero_grad(set_to_none=True)
        (loss + self.regularization_penalty()).backward()
        self.optimizer.step()
        self.last_batch_loss = value
        self.batches_done += 1
        self.batch_index += 1
        if self.batch_index >= self.batches_per_epoch:
            self._end_epoch()
        return True

    def _diverged(self, loss: float, x: torch.Tensor) -> bool:
        if math.isnan(loss):
            self._diverge("nan", loss, x)
        elif math.isinf(loss):
            self._diverge("inf", loss, x)
        elif loss > max(EXPLODE_FACTOR * self.reference_loss, EXPLODE_FLOOR):
            self._diverge("exploding", loss, x)
        return self.divergence is not None

    @torch.no_grad()
    def largest_activation(self, x: torch.Tensor) -> float:
        """The largest |output| of any layer on x with the current weights (inf when not finite)."""
        self.model.eval()
        largest = max(float(layer.abs().max()) for layer in forward_layers(self.model, x))
        return largest if math.isfinite(largest) else float("inf")

    def _diverge(self, kind: str, loss: float, x: torch.Tensor) -> None:
        largest = self.largest_activation(x)
        cause = "activations" if largest > HUGE_ACTIVATION else "learning_rate"
        good_epoch = self.history.epochs[-1] if self.history.epochs else 0
        self.divergence = Divergence(kind, cause, self.epoch, loss, self.settings.learning_rate, largest, good_epoch)
        self.restore_last_good()

    def _end_epoch(self) -> None:
        self.epoch += 1
        self.batch_index = 0
        self.order = self._new_order()
        self._record_epoch()

    def _record_epoch(self) -> None:
        train, test = self.evaluate()
        if not (math.isfinite(train[0]) and math.isfinite(test[0] if len(self.data.test_y) else 0.0)):
            self._diverge("nan" if math.isnan(train[0]) else "inf", train[0], self.data.train_x[:EVAL_CAP])
            return
        self.history.append(self.epoch, train, test)
        self.last_good = {key: value.detach().clone() for key, value in self.model.state_dict().items()}

    def step_epoch(self) -> bool:
        """Batches until the current epoch ends (a whole epoch from its start)."""
        start = self.epoch
        with one_thread():
            while self.epoch == start:
                if not self._step_batch():
                    return False
        return True

    def train_for(self, seconds: float, max_epochs: int = 1_000_000) -> int:
        """Train batch by batch for about `seconds` (at least one batch); returns the epochs finished."""
        start_epoch, deadline = self.epoch, time.perf_counter() + seconds
        with one_thread():
            while self.epoch - start_epoch < max_epochs:
                if not self._step_batch() or time.perf_counter() >= deadline:
                    break
        return self.epoch - start_epoch

    @torch.no_grad()
    def evaluate(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """(loss, accuracy) on the training set and the test set (each capped at EVAL_CAP examples)."""
        self.model.eval()
        return (
            self._loss_and_accuracy(self.data.train_x[:EVAL_CAP], self.data.train_y[:EVAL_CAP]),
            self._loss_and_accuracy(self.data.test_x[:EVAL_CAP], self.data.test_y[:EVAL_CAP]),
        )

    def _loss_and_accuracy(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        if len(y) == 0:
            return float("nan"), float("nan")
        scores = self.model(x)
        loss = float(head_loss(self.architecture, scores, y))
        accuracy = float((predict(self.architecture, scores) == y).float().mean())
        return loss, accuracy

    def restore_last_good(self) -> None:
        """Back to the weights of the last healthy epoch, with a fresh optimizer state."""
        self.model.load_state_dict(self.last_good)
        self.optimizer = make_optimizer(self.model, self.settings)
        self.epoch = self.history.epochs[-1] if self.history.epochs else 0
        self.history.truncate(self.epoch)
        self.batch_index = 0
        self.order = self._new_order()

    def load_weights(self, state: dict[str, torch.Tensor]) -> None:
        """Replace the weights (checked by import_weights): history and optimizer start again at epoch 0."""
        self.model.load_state_dict(state)
        self.optimizer = make_optimizer(self.model, self.settings)
        self.divergence = None
        self.history = History()
        self.epoch = self.batch_index = 0
        self.imported = True
        self.last_good = {key: value.detach().clone() for key, value in self.model.state_dict().items()}
        self._record_epoch()

    def resolve_divergence(self, learning_rate: float | None = None) -> None:
        """Clear the divergence (optionally with a new learning rate); the last good weights stay."""
        if learning_rate is not None:
            self.apply_settings(Settings(**{**self.settings.__dict__, "learning_rate": learning_rate}))
        self.restore_last_good()
        self.divergence = None

    def gradients(self, limit: int = 512) -> list[torch.Tensor]:
        """∂L/∂W of every layer on (up to `limit`) training examples, without changing the weights."""
        self.model.eval()
        self.model.zero_grad(set_to_none=True)
        x, y = self.data.train_x[:limit], self.data.train_y[:limit]
        loss = head_loss(self.architecture, self.model(x), y) + self.regularization_penalty()
        loss.backward()
        grads = [layer.weight.grad.detach().clone() for layer in self.model.linear_layers()]
        self.model.zero_grad(set_to_none=True)
        return grads


def digit_training_data(split, epoch_size: int | None = None) -> TrainingData:
    """Tensors (N, 784) from a core.data.DigitSplit (copied once, then shared read-only)."""
    flat = lambda images: torch.tensor(np.asarray(images).reshape(len(images), -1), dtype=torch.float32)  # noqa: E731
    labels = lambda values: torch.tensor(np.asarray(values), dtype=torch.int64)  # noqa: E731
    return TrainingData(
        flat(split.train_images),
        labels(split.train_labels),
        flat(split.test_images),
        labels(split.test_labels),
        10,
        epoch_size,
    )


def point_training_data(train_points, train_labels, test_points, test_labels, n_classes: int) -> TrainingData:
    """Tensors from 2-D numpy points and labels."""
    as_x = lambda points: torch.tensor(np.asarray(points, dtype=np.float32).reshape(-1, 2))  # noqa: E731
    as_y = lambda labels: torch.tensor(np.asarray(labels, dtype=np.int64))  # noqa: E731
    return TrainingData(as_x(train_points), as_y(train_labels), as_x(test_points), as_y(test_labels), n_classes)


def make_optimizer(model: nn.Module, settings: Settings) -> torch.optim.Optimizer:
    parameters = model.parameters()
    if settings.optimizer == "adam":
        return torch.optim.Adam(parameters, lr=settings.learning_rate, betas=ADAM_BETAS)
    momentum = MOMENTUM if settings.optimizer == "momentum" else 0.0
    return torch.optim.SGD(parameters, lr=settings.learning_rate, momentum=momentum)


def lower_learning_rate(learning_rate: float) -> float:
    """The learning rate ÷ 10, snapped to the slider's nearest value (never below its minimum)."""
    target = learning_rate / 10
    return min(LEARNING_RATES, key=lambda value: abs(math.log10(value) - math.log10(target)))


@torch.no_grad()
def collapse_linear(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """W′ and b′ of a stack of linear layers: W′ = W_L…W_1, b′ = W_L…W_2 b_1 + … + b_L."""
    layers = model.linear_layers()
    weight = torch.eye(layers[0].in_features, dtype=torch.float64)
    bias = torch.zeros(layers[0].in_features, dtype=torch.float64)
    for layer in layers:
        w, b = layer.weight.double(), layer.bias.double()
        weight, bias = w @ weight, w @ bias + b
    return weight.numpy(), bias.numpy()


@torch.no_grad()
def plane_grid(
    extent: tuple[float, float, float, float], resolution: int
) -> tuple[np.ndarray, np.ndarray, torch.Tensor]:
    xs = np.linspace(extent[0], extent[1], resolution, dtype=np.float32)
    ys = np.linspace(extent[2], extent[3], resolution, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1))


@torch.no_grad()
def neuron_maps(model: MLP, extent: tuple[float, float, float, float], resolution: int) -> list[np.ndarray]:
    """What every neuron computes over the plane: per layer (inputs first) an array (width, R, R)."""
    _, _, grid = plane_grid(extent, resolution)
    model.eval()
    layers = [grid, *forward_layers(model, grid)]
    return [layer.T.reshape(-1, resolution, resolution).numpy() for layer in layers]


@torch.no_grad()
def decision_surface(
    architecture: Architecture, model: MLP, extent: tuple[float, float, float, float], resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """xs, ys, predicted class (R, R) and confidence (R, R): p(class 1) for one output, else max share."""
    xs, ys, grid = plane_grid(extent, resolution)
    model.eval()
    scores = model(grid)
    classes = predict(architecture, scores).reshape(resolution, resolution).numpy()
    values = class_scores(architecture, scores)
    confidence = values if values.ndim == 1 else values.max(1).values
    return xs, ys, classes, confidence.reshape(resolution, resolution).numpy()


@torch.no_grad()
def example_activations(model: MLP, x: torch.Tensor) -> list[np.ndarray]:
    """The inputs and every layer's output for one example (neurons coloured by activation)."""
    model.eval()
    x = x.reshape(1, -1)
    return [x[0].numpy(), *(layer[0].numpy() for layer in forward_layers(model, x))]


@torch.no_grad()
def confusion_matrix(architecture: Architecture, model: MLP, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """Counts[true, predicted]."""
    model.eval()
    predicted = predict(architecture, model(x))
    counts = torch.zeros(architecture.n_classes, architecture.n_classes, dtype=torch.int64)
    counts.index_put_((y, predicted), torch.ones_like(y), accumulate=True)
    return counts.numpy()


@torch.no_grad()
def misclassified(
    architecture: Architecture, model: MLP, x: torch.Tensor, y: torch.Tensor, limit: int = 12
) -> list[tuple[int, int, int]]:
    """(index, true label, predicted label) of the first `limit` misclassified examples."""
    model.eval()
    predicted = predict(architecture, model(x))
    wrong = torch.nonzero(predicted != y).flatten()[:limit]
    return [(int(i), int(y[i]), int(predicted[i])) for i in wrong]


class WeightsError(ValueError):
    """Uploaded weights cannot be used; `reason` is a short code, `details` fill the message."""

    def __init__(self, reason: str, **details: object):
        super().__init__(f"{reason}: {details}")
        self.reason = reason
        self.details = details


def export_weights(model: nn.Module) -> bytes:
    buffer = io.BytesIO()
    torch.save({key: value.detach().clone() for key, value in model.state_dict().items()}, buffer)
    return buffer.getvalue()


def import_weights(raw: bytes, architecture: Architecture) -> dict[str, torch.Tensor]:
    """A state_dict read with weights_only=True and checked against the architecture's shapes."""
    try:
        state = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many types for corrupt, foreign or unsafe files
        raise WeightsError("unreadable") from error
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise WeightsError("not_state_dict")
    expected = {key: tuple(value.shape) for key, value in MLP(architecture.widths).state_dict().items()}
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise WeightsError(
            "keys", missing=", ".join(missing) or "—", unexpected=", ".join(unexpected) or "—", expected=len(expected)
        )
    for key, shape in expected.items():
        if tuple(state[key].shape) != shape:
            found = "×".join(map(str, state[key].shape))
            raise WeightsError("shape", name=key, found=found, expected="×".join(map(str, shape)))
        if not torch.isfinite(state[key]).all():
            raise WeightsError("not_finite", name=key)
    return {key: value.float() for key, value in state.items()}


TORCH_ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "leaky_relu": "nn.LeakyReLU(0.01)",
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "linear": "nn.Identity()",
}
HEAD_NOTES = {
    "sigmoid_bce": "probabilities = torch.sigmoid(scores)  # loss: nn.BCEWithLogitsLoss",
    "softmax_ce": "probabilities = torch.softmax(scores, dim=1)  # loss: nn.CrossEntropyLoss",
    "sigmoid_squared": "outputs = torch.sigmoid(scores)  # loss: squared error summed over outputs",
    "linear_squared": "outputs = scores  # loss: squared error summed over outputs",
}


def pytorch_snippet(architecture: Architecture, filename: str) -> str:
    """Plain PyTorch that rebuilds the architecture and loads the exported file."""
    widths = architecture.widths
    lines = ["import torch", "from torch import nn", "", "model = nn.Sequential("]
    for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        hidden = index < len(widths) - 2
        activation = f" {TORCH_ACTIVATIONS[architecture.activation]}," if hidden else ""
        lines.append(f"    nn.Linear({fan_in}, {fan_out}),{activation}")
    lines += [
        ")",
        f'state = torch.load("{filename}", weights_only=True)',
        'model.load_state_dict({key.removeprefix("layers."): value for key, value in state.items()})',
        "model.eval()",
        "",
        f"x = torch.zeros(1, {architecture.input_size})  # one example per row"
        + ("; a digit is 784 pixels in [0, 1], row by row" if architecture.input_size == 784 else ""),
        "scores = model(x)",
        HEAD_NOTES[architecture.head],
    ]
    return "\n".join(lines) + "\n"

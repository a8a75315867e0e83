"""Forward and backward propagation written out by hand in NumPy (float64), every value recorded.

Notation (docs/course.md §2, used everywhere on the forward/backward page):
    a_0 = x,   u_ℓ = W_ℓ a_{ℓ−1} + b_ℓ   (pre-activation),   a_ℓ = φ_ℓ(u_ℓ)   (activation),
    δ_ℓ = ∂L/∂u_ℓ = ∂L/∂a_ℓ ⊙ φ′_ℓ(u_ℓ),   ∂L/∂W_ℓ = δ_ℓ a_{ℓ−1}ᵀ,   ∂L/∂b_ℓ = δ_ℓ,
    ∂L/∂a_{ℓ−1} = W_ℓᵀ δ_ℓ.

W_ℓ has shape (n_ℓ, n_{ℓ−1}) like torch.nn.Linear. Batches are rows: X has shape (B, n_0). The loss
L of one example sums over the outputs; the cost of a batch is the mean of its examples' losses, so
∂C/∂W_ℓ is the mean of the per-example ∂L/∂W_ℓ. No autograd here: this module is the lesson, and
`autograd_gradients` / `finite_difference_gradients` exist only to check it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

LEAKY_SLOPE = 0.01
ELEMENTWISE_ACTIVATIONS = ("linear", "sigmoid", "tanh", "tanh_half", "relu", "leaky_relu", "step")
OUTPUT_ACTIVATIONS = (*ELEMENTWISE_ACTIVATIONS, "softmax")
LOSSES = ("squared_error", "bce", "softmax_ce")
LOSS_HEADS = {"bce": "sigmoid", "softmax_ce": "softmax"}  # the output activation a loss requires
MAX_CHAIN_PATHS = 20_000


def sigmoid(u: np.ndarray) -> np.ndarray:
    """σ(u) = 1/(1+e^{−u}) without overflow for large |u|."""
    u = np.asarray(u, dtype=np.float64)
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _phi(name: str, u: np.ndarray) -> np.ndarray:
    if name == "linear":
        return u.copy()
    if name == "sigmoid":
        return sigmoid(u)
    if name == "tanh":
        return np.tanh(u)
    if name == "tanh_half":
        return np.tanh(u / 2.0)
    if name == "relu":
        return np.maximum(u, 0.0)
    if name == "leaky_relu":
        return np.where(u > 0, u, LEAKY_SLOPE * u)
    if name == "step":
        return (u > 0).astype(np.float64)
    if name == "softmax":
        shifted = u - u.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"unknown activation '{name}'")


def _phi_prime(name: str, u: np.ndarray) -> np.ndarray:
    """φ′(u), element-wise. PyTorch's conventions at the kinks: ReLU′(0) = 0, leaky ReLU′(0) = slope."""
    if name == "linear":
        return np.ones_like(u)
    if name == "sigmoid":
        s = sigmoid(u)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(u) ** 2
    if name == "tanh_half":
        return 0.5 * (1.0 - np.tanh(u / 2.0) ** 2)
    if name == "relu":
        return (u > 0).astype(np.float64)
    if name == "leaky_relu":
        return np.where(u > 0, 1.0, LEAKY_SLOPE)
    if name == "step":
        return np.zeros_like(u)
    raise ValueError(f"φ′ of '{name}' is not element-wise")


def activation_curve(name: str, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """φ(x) and φ′(x) of an element-wise activation, for plotting."""
    xs = np.asarray(xs, dtype=np.float64)
    return _phi(name, xs), _phi_prime(name, xs)


@dataclass
class Network:
    """A fully connected network as plain arrays: layer ℓ = 1..L has W_ℓ, b_ℓ and φ_ℓ."""

    weights: list[np.ndarray]  # W_ℓ, shape (n_ℓ, n_{ℓ−1})
    biases: list[np.ndarray]  # b_ℓ, shape (n_ℓ,)
    activations: list[str]  # φ_ℓ; the last one is the output head
    loss: str  # "squared_error", "bce" (sigmoid head) or "softmax_ce" (softmax head)

    def __post_init__(self) -> None:
        self.weights = [np.array(w, dtype=np.float64, ndmin=2) for w in self.weights]
        self.biases = [np.array(b, dtype=np.float64, ndmin=1) for b in self.biases]
        self.activations = list(self.activations)
        check_network(self)

    @property
    def widths(self) -> list[int]:
        return [self.weights[0].shape[1], *(w.shape[0] for w in self.weights)]

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def parameter_count(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def copy(self) -> Network:
        return Network([w.copy() for w in self.weights], [b.copy() for b in self.biases], self.activations, self.loss)

    def with_activations(
        self, hidden: str | None = None, loss: str | None = None, output: str | None = None
    ) -> Network:
        """The same weights with another hidden activation, loss or output head (head follows the loss)."""
        loss = loss or self.loss
        head = LOSS_HEADS.get(loss, output or self.activations[-1])
        if loss == "squared_error" and head == "softmax":
            head = "linear"
        acts = [hidden or a for a in self.activations[:-1]] + [head]
        return Network([w.copy() for w in self.weights], [b.copy() for b in self.biases], acts, loss)


def check_network(net: Network) -> None:
    """Raise ValueError when shapes, activations or the loss do not fit together."""
    if not net.weights or len(net.weights) != len(net.biases) or len(net.weights) != len(net.activations):
        raise ValueError("every layer needs a weight matrix, a bias vector and an activation")
    for index, (w, b) in enumerate(zip(net.weights, net.biases)):
        if w.ndim != 2 or b.shape != (w.shape[0],):
            raise ValueError(f"layer {index + 1}: W must be (n_out, n_in) and b (n_out,)")
        w_below = net.weights[index - 1]
        if index and w.shape[1] != w_below.shape[0]:
            raise ValueError(
                f"layer {index + 1}: W has {w.shape[1]} inputs, layer {index} has {w_below.shape[0]} outputs"
            )
    for act in net.activations[:-1]:
        if act not in ELEMENTWISE_ACTIVATIONS:
            raise ValueError(f"hidden activation '{act}' is not one of {ELEMENTWISE_ACTIVATIONS}")
    if net.activations[-1] not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"output activation '{net.activations[-1]}' is unknown")
    if net.loss not in LOSSES:
        raise ValueError(f"loss '{net.loss}' is not one of {LOSSES}")
    required = LOSS_HEADS.get(net.loss)
    if required and net.activations[-1] != required:
        raise ValueError(f"loss '{net.loss}' needs a {required} output")
    if net.loss == "squared_error" and net.activations[-1] == "softmax":
        raise ValueError("a softmax output goes with cross-entropy")


@dataclass
class LayerRecord:
    """Everything layer ℓ computes for each example of the batch (rows), like a node of nn.ts."""

    u: np.ndarray  # pre-activation W_ℓ a_{ℓ−1} + b_ℓ, shape (B, n_ℓ)
    a: np.ndarray  # activation φ_ℓ(u_ℓ), shape (B, n_ℓ)
    phi_prime: np.ndarray | None = None  # φ′_ℓ(u_ℓ) (None for a softmax head), shape (B, n_ℓ)
    dL_da: np.ndarray | None = None  # ∂L/∂a_ℓ per example, shape (B, n_ℓ)
    delta: np.ndarray | None = None  # δ_ℓ = ∂L/∂u_ℓ per example, shape (B, n_ℓ)
    dW: np.ndarray | None = None  # ∂C/∂W_ℓ, mean over the batch, shape (n_ℓ, n_{ℓ−1})
    db: np.ndarray | None = None  # ∂C/∂b_ℓ, mean over the batch, shape (n_ℓ,)


@dataclass
class Trace:
    """One forward and backward pass: the input, the target, every layer's record and the losses."""

    x: np.ndarray  # a_0, shape (B, n_0)
    y: np.ndarray  # target, shape (B, n_L)
    layers: list[LayerRecord]
    losses: np.ndarray  # L per example, shape (B,)
    cost: float  # mean of the losses
    notes: list[str] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        return self.layers[-1].a

    @property
    def finite(self) -> bool:
        """True when no loss, value or gradient overflowed to inf or NaN."""
        arrays = [self.losses]
        for layer in self.layers:
            arrays += [layer.u, layer.a] + [g for g in (layer.dL_da, layer.delta, layer.dW, layer.db) if g is not None]
        return all(np.isfinite(array).all() for array in arrays)


def _as_batch(values: np.ndarray | list, width: int, name: str) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != width:
        raise ValueError(f"{name} must have {width} entries per example, got shape {array.shape}")
    return array


def forward(net: Network, x: np.ndarray | list) -> list[LayerRecord]:
    """u_ℓ = W_ℓ a_{ℓ−1} + b_ℓ and a_ℓ = φ_ℓ(u_ℓ) for ℓ = 1..L (rows are examples)."""
    a = _as_batch(x, net.widths[0], "x")
    records = []
    with np.errstate(over="ignore", invalid="ignore"):
        for w, b, act in zip(net.weights, net.biases, net.activations):
            u = a @ w.T + b
            a = _phi(act, u)
            records.append(LayerRecord(u=u, a=a, phi_prime=None if act == "softmax" else _phi_prime(act, u)))
    return records


def loss_per_example(net: Network, output_u: np.ndarray, output_a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """L for each row: Σ_j (a_j − y_j)², or BCE / cross-entropy computed from the logits u for stability."""
    with np.errstate(over="ignore", invalid="ignore"):
        if net.loss == "squared_error":
            return ((output_a - y) ** 2).sum(axis=1)
        if net.loss == "bce":  # −[y log σ(u) + (1−y) log(1−σ(u))] = max(u,0) − u·y + log(1+e^{−|u|})
            u = output_u
            return (np.maximum(u, 0.0) - u * y + np.log1p(np.exp(-np.abs(u)))).sum(axis=1)
        shifted = output_u - output_u.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -(y * log_p).sum(axis=1)


def _output_gradients(net: Network, top: LayerRecord, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(∂L/∂a_L, δ_L) per example. For sigmoid+BCE and softmax+CE δ_L is the fused a_L − y."""
    a = top.a
    if net.loss == "squared_error":
        dL_da = 2.0 * (a - y)
        return dL_da, dL_da * top.phi_prime
    if net.loss == "bce":
        dL_da = (a - y) / (a * (1.0 - a))
        return dL_da, a - y
    dL_da = -y / a
    return dL_da, a * y.sum(axis=1, keepdims=True) - y


def backward(net: Network, x: np.ndarray, y: np.ndarray, records: list[LayerRecord]) -> None:
    """Fill ∂L/∂a_ℓ, δ_ℓ, ∂C/∂W_ℓ and ∂C/∂b_ℓ into the records, from the output layer down to layer 1."""
    batch = x.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for index in reversed(range(net.n_layers)):
            record = records[index]
            if index == net.n_layers - 1:
                record.dL_da, record.delta = _output_gradients(net, record, y)
            else:
                above = records[index + 1]
                record.dL_da = above.delta @ net.weights[index + 1]  # row form of W_{ℓ+1}ᵀ δ_{ℓ+1}
                record.delta = record.dL_da * record.phi_prime
            a_below = x if index == 0 else records[index - 1].a
            record.dW = record.delta.T @ a_below / batch  # mean over the batch of δ_ℓ a_{ℓ−1}ᵀ
            record.db = record.delta.mean(axis=0)


def propagate(net: Network, x: np.ndarray | list, y: np.ndarray | list) -> Trace:
    """Forward pass, loss, backward pass: the full record of one example (or a batch)."""
    x = _as_batch(x, net.widths[0], "x")
    y = _as_batch(y, net.widths[-1], "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError("x and y need the same number of examples")
    records = forward(net, x)
    losses = loss_per_example(net, records[-1].u, records[-1].a, y)
    backward(net, x, y, records)
    cost = float(losses.mean())
    return Trace(x=x, y=y, layers=records, losses=losses, cost=cost)


def cost(net: Network, x: np.ndarray | list, y: np.ndarray | list) -> float:
    """The mean loss only (a forward pass, no backward pass)."""
    x = _as_batch(x, net.widths[0], "x")
    y = _as_batch(y, net.widths[-1], "y")
    records = forward(net, x)
    return float(loss_per_example(net, records[-1].u, records[-1].a, y).mean())


def gradients(trace: Trace) -> list[np.ndarray]:
    """∂C/∂W_1, ∂C/∂b_1, …, ∂C/∂W_L, ∂C/∂b_L (the order of `parameters`)."""
    return [g for layer in trace.layers for g in (layer.dW, layer.db)]


def parameters(net: Network) -> list[np.ndarray]:
    return [p for pair in zip(net.weights, net.biases) for p in pair]


def update(net: Network, trace: Trace, learning_rate: float) -> Network:
    """One gradient-descent step θ ← θ − η ∂C/∂θ; returns a new network, the old one is untouched."""
    with np.errstate(over="ignore", invalid="ignore"):
        weights = [w - learning_rate * layer.dW for w, layer in zip(net.weights, trace.layers)]
        biases = [b - learning_rate * layer.db for b, layer in zip(net.biases, trace.layers)]
    return Network(weights, biases, net.activations, net.loss)


# --- the chain rule, path by path -------------------------------------------------------------


@dataclass
class ChainPath:
    """One path from a weight to the loss: the neurons it passes and the factors along it."""

    neurons: list[int]  # 0-based neuron index in layers ℓ, ℓ+1, …, L
    factors: list[tuple[str, float]]  # (LaTeX symbol, value), from the weight up to the loss
    product: float


def chain_rule_paths(net: Network, trace: Trace, layer: int, row: int, col: int, example: int = 0) -> list[ChainPath]:
    """Every path from W_layer[row, col] (1-based layer) to the loss, for one example.

    ∂L/∂w = a_{ℓ−1,i} · φ′(u_{ℓ,j}) · Σ_paths Π_m w^{(m)}_{k_m k_{m−1}} φ′(u_{m,k_m}) · ∂L/∂a_{L,k_L}.
    The sum of the products equals the back-propagated ∂L/∂W_ℓ[j, i] (multivariate chain rule).
    With a softmax head the last two factors are one: ∂L/∂u_{L,k} = δ_{L,k}.
    """
    L = net.n_layers
    later_widths = [net.widths[m] for m in range(layer + 1, L + 1)]
    if math.prod(later_widths) > MAX_CHAIN_PATHS:
        raise ValueError(f"more than {MAX_CHAIN_PATHS} paths")
    records = trace.layers
    a_below = trace.x[example] if layer == 1 else records[layer - 2].a[example]
    paths = []
    for tail in itertools.product(*(range(n) for n in later_widths)):
        neurons = [row, *tail]
        factors = [(f"a_{{{layer - 1},{col + 1}}}", float(a_below[col]))]
        for depth, neuron in enumerate(neurons):
            m = layer + depth
            record = records[m - 1]
            if depth:
                prev = neurons[depth - 1]
                factors.append((f"w^{{({m})}}_{{{neuron + 1}{prev + 1}}}", float(net.weights[m - 1][neuron, prev])))
            if m == L and record.phi_prime is None:
                factors.append((rf"\delta_{{{L},{neuron + 1}}}", float(record.delta[example, neuron])))
            else:
                factors.append((rf"\varphi'(u_{{{m},{neuron + 1}}})", float(record.phi_prime[example, neuron])))
                if m == L:
                    factors.append(
                        (rf"\partial L/\partial a_{{{L},{neuron + 1}}}", float(record.dL_da[example, neuron]))
                    )
        paths.append(ChainPath(neurons, factors, math.prod(value for _, value in factors)))
    return paths


# --- diagnostics ---------------------------------------------------------------------------------


def dead_relus(net: Network, trace: Trace, example: int = 0) -> list[tuple[int, int]]:
    """(layer, neuron), 1-based, of ReLU neurons whose pre-activation is ≤ 0: φ′ = 0, nothing flows back."""
    return [
        (index + 1, int(neuron))
        for index, (act, record) in enumerate(zip(net.activations, trace.layers))
        if act == "relu"
        for neuron in np.flatnonzero(record.u[example] <= 0)
    ]


def zero_gradient_layers(trace: Trace) -> list[int]:
    """1-based layers whose ∂L/∂W and ∂L/∂b are all exactly 0."""
    return [index + 1 for index, layer in enumerate(trace.layers) if not np.any(layer.dW) and not np.any(layer.db)]


# --- presets (docs/course.md §1 and §3) -------------------------------------------------------------


@dataclass
class Preset:
    network: Network
    x: np.ndarray
    y: np.ndarray
    learning_rate: float


def single_neuron() -> Preset:
    """Oracle A: one sigmoid neuron, squared error C = (y − ŷ)²."""
    net = Network([[[0.2, -0.4]]], [[0.1]], ["sigmoid"], "squared_error")
    return Preset(net, np.array([1.0, 0.5]), np.array([1.0]), 1.0)


def lecture_mlp() -> Preset:
    """Oracle B: the lecture's 2-3-2 network, sigmoid hidden layers, identity output, L = ‖a₃ − t‖²."""
    net = Network(
        [[[0.5, -0.5], [1.0, 0.5]], [[1, -1], [0.5, 0.5], [-1, 2]], [[1, 0, -1], [0.5, 1, 0.5]]],
        [[0, 0.5], [0, -0.5, 0.5], [0, 0]],
        ["sigmoid", "sigmoid", "linear"],
        "squared_error",
    )
    return Preset(net, np.array([1.0, -1.0]), np.array([1.0, 0.0]), 0.1)


EXERCISE_X, EXERCISE_Y = np.array([1.0, 1.0]), np.array([1.0])
EXERCISE_ACTIVATIONS = ["relu", "relu", "sigmoid"]


def exercise_net() -> Preset:
    """The exercise net Linear(2,1)→ReLU→Linear(1,2)→ReLU→Linear(2,1)→Sigmoid with hand-set weights, BCE."""
    net = Network(
        [[[0.5, 0.3]], [[0.8], [-0.4]], [[0.7, -0.6]]],
        [[0.1], [0.2, 0.5], [0.1]],
        EXERCISE_ACTIVATIONS,
        "bce",
    )
    return Preset(net, EXERCISE_X.copy(), EXERCISE_Y.copy(), 0.5)


def default_linear_init(fan_in: int, fan_out: int, generator) -> tuple[np.ndarray, np.ndarray]:
    """nn.Linear's default initialisation (weights, then bias, uniform in ±1/√fan_in) drawn from `generator`."""
    import torch
    from torch import nn

    weight = torch.empty(fan_out, fan_in)
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=generator)
    bound = 1 / math.sqrt(fan_in)
    bias = torch.empty(fan_out).uniform_(-bound, bound, generator=generator)
    return weight.double().numpy(), bias.double().numpy()


def exercise_net_random(seed: int) -> Preset:
    """The exercise net with PyTorch's default initialisation, as torch.manual_seed(seed) would give it.

    The draws come from a generator of its own, so another session seeding torch at the same moment
    cannot change them.
    """
    import torch

    generator = torch.Generator().manual_seed(int(seed))
    layers = [default_linear_init(fan_in, fan_out, generator) for fan_in, fan_out in ((2, 1), (1, 2), (2, 1))]
    net = Network(
        [weight for weight, _ in layers],
        [bias for _, bias in layers],
        EXERCISE_ACTIVATIONS,
        "bce",
    )
    return Preset(net, EXERCISE_X.copy(), EXERCISE_Y.copy(), 0.5)


def from_mlp(model, loss: str | None = None) -> Network:
    """A copy of a core.models.MLP's weights as a Network (the model itself is never touched)."""
    linears = model.linear_layers()
    head = getattr(model, "output_activation", "softmax")
    if loss is None:
        loss = {"softmax": "softmax_ce", "sigmoid": "bce"}.get(head, "squared_error")
    if head not in OUTPUT_ACTIVATIONS or (loss == "squared_error" and head == "softmax"):
        head = "linear"
    head = LOSS_HEADS.get(loss, head)
    hidden = model.activation if model.activation in ELEMENTWISE_ACTIVATIONS else "linear"
    return Network(
        [layer.weight.detach().double().cpu().numpy().copy() for layer in linears],
        [layer.bias.detach().double().cpu().numpy().copy() for layer in linears],
        [hidden] * (len(linears) - 1) + [head],
        loss,
    )


def softmax_cross_entropy(logits: np.ndarray | list, target: int) -> tuple[np.ndarray, float, np.ndarray]:
    """(softmax(u), H = −log p_target, ∂H/∂u = p − onehot(target))."""
    u = np.asarray(logits, dtype=np.float64)
    if not 0 <= target < u.size:
        raise ValueError("the target class must be one of the logits")
    p = _phi("softmax", u[None, :])[0]
    shifted = u - u.max()
    loss = float(-(shifted[target] - np.log(np.exp(shifted).sum())))
    onehot = np.zeros_like(u)
    onehot[target] = 1.0
    return p, loss, p - onehot


# --- checks against autograd and finite differences ---------------------------------------------


@dataclass
class GradientCheck:
    """Largest absolute and relative difference between the hand-written gradients and a reference."""

    max_abs: float
    max_rel: float
    checked: int  # how many parameters were compared
    total: int


REL_FLOOR = 1e-8  # relative error = |g − r| / max(|g|, |r|, REL_FLOOR)


def compare(hand: np.ndarray, reference: np.ndarray, total: int | None = None) -> GradientCheck:
    hand, reference = np.asarray(hand, dtype=np.float64).ravel(), np.asarray(reference, dtype=np.float64).ravel()
    if hand.size == 0:
        return GradientCheck(0.0, 0.0, 0, total or 0)
    diff = np.abs(hand - reference)
    scale = np.maximum(np.maximum(np.abs(hand), np.abs(reference)), REL_FLOOR)
    return GradientCheck(float(diff.max()), float((diff / scale).max()), hand.size, total or hand.size)


def _torch_activation(name: str, u):
    import torch
    import torch.nn.functional as F

    table: dict[str, Callable] = {
        "linear": lambda v: v,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "tanh_half": lambda v: torch.tanh(v / 2),
        "relu": torch.relu,
        "leaky_relu": lambda v: F.leaky_relu(v, LEAKY_SLOPE),
        "step": lambda v: (v > 0).to(v.dtype) + 0.0 * v,
        "softmax": lambda v: torch.softmax(v, dim=-1),
    }
    return table[name](u)


def autograd_gradients(net: Network, x: np.ndarray | list, y: np.ndarray | list) -> tuple[float, list[np.ndarray]]:
    """The cost and its gradients by torch.autograd in float64 (the reference for the hand-written pass)."""
    import torch
    import torch.nn.functional as F

    x_t = torch.from_numpy(_as_batch(x, net.widths[0], "x"))
    y_t = torch.from_numpy(_as_batch(y, net.widths[-1], "y"))
    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in parameters(net)]
    a = x_t
    u = a
    for index, act in enumerate(net.activations):
        u = a @ params[2 * index].T + params[2 * index + 1]
        a = _torch_activation(act, u)
    if net.loss == "squared_error":
        losses = ((a - y_t) ** 2).sum(dim=1)
    elif net.loss == "bce":
        losses = F.binary_cross_entropy_with_logits(u, y_t, reduction="none").sum(dim=1)
    else:
        losses = -(y_t * torch.log_softmax(u, dim=1)).sum(dim=1)
    total = losses.mean()
    total.backward()
    return float(total.detach()), [p.grad.numpy().copy() for p in params]


def finite_difference_gradients(
    net: Network,
    x: np.ndarray | list,
    y: np.ndarray | list,
    step: float = 1e-6,
    max_params: int | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Central differences (C(θ+h) − C(θ−h)) / 2h for every parameter, or a seeded sample of max_params.

    Returns (flat indices into the concatenated parameters, the estimates).
    """
    flat = np.concatenate([p.ravel() for p in parameters(net)])
    indices = np.arange(flat.size)
    if max_params is not None and flat.size > max_params:
        indices = np.sort(np.random.default_rng(seed).choice(flat.size, max_params, replace=False))
    shapes = [p.shape for p in parameters(net)]

    def cost_at(vector: np.ndarray) -> float:
        arrays, offset = [], 0
        for shape in shapes:
            size = math.prod(shape)
            arrays.append(vector[offset : offset + size].reshape(shape))
            offset += size
        return cost(Network(arrays[0::2], arrays[1::2], net.activations, net.loss), x, y)

    estimates = np.empty(indices.size)
    for slot, index in enumerate(indices):
        plus, minus = flat.copy(), flat.copy()
        plus[index] += step
        minus[index] -= step
        estimates[slot] = (cost_at(plus) - cost_at(minus)) / (2 * step)
    return indices, estimates


@dataclass
class ProofReport:
    """The hand-written gradients checked against autograd (all parameters) and finite differences."""

    autograd: GradientCheck
    finite_differences: GradientCheck
    autograd_cost: float
    hand_cost: float


def prove(net: Network, x: np.ndarray | list, y: np.ndarray | list, fd_max_params: int = 400) -> ProofReport:
    trace = propagate(net, x, y)
    hand = np.concatenate([g.ravel() for g in gradients(trace)])
    auto_cost, auto = autograd_gradients(net, x, y)
    indices, estimates = finite_difference_gradients(net, x, y, max_params=fd_max_params)
    return ProofReport(
        autograd=compare(hand, np.concatenate([g.ravel() for g in auto])),
        finite_differences=compare(hand[indices], estimates, total=hand.size),
        autograd_cost=auto_cost,
        hand_cost=trace.cost,
    )


# --- the stepper: forward layer by layer → loss → backward layer by layer → update ---------------


@dataclass(frozen=True)
class Step:
    kind: str  # "forward", "loss", "backward" or "update"
    layer: int | None = None  # 1-based layer for forward and backward steps


def stepper_steps(n_layers: int) -> list[Step]:
    """The order of one training cycle."""
    return (
        [Step("forward", layer) for layer in range(1, n_layers + 1)]
        + [Step("loss")]
        + [Step("backward", layer) for layer in range(n_layers, 0, -1)]
        + [Step("update")]
    )


@dataclass(frozen=True)
class Visible:
    """What has been computed by a step: forward values up to `forward_upto`, gradients down to `backward_downto`."""

    forward_upto: int  # layers 1..forward_upto have u and a
    loss: bool
    backward_downto: int | None  # layers backward_downto..L have ∂L/∂a, δ, ∂L/∂W (None: none yet)
    update: bool


def visible_at(n_layers: int, index: int) -> Visible:
    steps = stepper_steps(n_layers)
    index = max(0, min(index, len(steps) - 1))
    done = steps[: index + 1]
    forward = max((s.layer for s in done if s.kind == "forward"), default=0)
    backward = [s.layer for s in done if s.kind == "backward"]
    return Visible(
        forward_upto=forward,
        loss=any(s.kind == "loss" for s in done),
        backward_downto=min(backward) if backward else None,
        update=steps[index].kind == "update",
    )

"""Loss surfaces for the gradient-descent page: torch functions of w = (w0, w1), their domains and known minima.

Every function takes a tensor shaped (..., 2) and returns the values shaped (...), so one call evaluates
a single point, a batch of optimizer positions or a whole plotting grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
import torch.nn.functional as F

Box = tuple[tuple[float, float], tuple[float, float]]

SURFACE_KEYS = (
    "eggholder",
    "neuron_raw",
    "neuron_stretched",
    "neuron_standardized",
    "bowl",
    "rosenbrock",
    "himmelblau",
    "rastrigin",
    "beale",
    "saddle",
)
NEURON_VARIANTS = ("raw", "stretched", "standardized")
NEURON_BIAS = 5.0
NEURON_STRETCH = 2.5
NEURON_START = (1.4, 1.4)
NEURON_SEED = 0
NEURON_POINTS_PER_BLOB = 50
DEFAULT_CONDITION = 10.0


@dataclass(frozen=True)
class Minimum:
    """A known minimum: where it is, its value, and whether it is the global one."""

    point: tuple[float, float]
    value: float
    is_global: bool
    name: str


@dataclass(frozen=True)
class Surface:
    """A two-parameter loss surface on a box, with its known minima and a sensible start."""

    key: str
    function: Callable[[torch.Tensor], torch.Tensor]
    domain: Box
    minima: tuple[Minimum, ...]
    start: tuple[float, float]
    log_colours: bool = False

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return self.function(w)

    @property
    def global_minimum(self) -> Minimum | None:
        return next((minimum for minimum in self.minima if minimum.is_global), None)

    def contains(self, point: tuple[float, float]) -> bool:
        (x_low, x_high), (y_low, y_high) = self.domain
        x, y = point
        return x_low <= x <= x_high and y_low <= y <= y_high

    def inside(self, points: np.ndarray) -> np.ndarray:
        """For points shaped (n, 2): which of them lie in the domain (closed box)."""
        (x_low, x_high), (y_low, y_high) = self.domain
        x, y = points[:, 0], points[:, 1]
        return (x >= x_low) & (x <= x_high) & (y >= y_low) & (y <= y_high)

    def value(self, point: tuple[float, float]) -> float:
        with torch.no_grad():
            return float(self.function(torch.tensor(point, dtype=torch.float64)))

    def distance_to_nearest_minimum(self, points: np.ndarray) -> np.ndarray | None:
        """Euclidean distance from each point (n, 2) to the nearest known minimum; None without minima."""
        if not self.minima:
            return None
        centres = np.array([minimum.point for minimum in self.minima], dtype=np.float64)
        differences = points[:, None, :].astype(np.float64) - centres[None, :, :]
        return np.sqrt((differences**2).sum(axis=-1)).min(axis=1)


@dataclass(frozen=True)
class Grid:
    """A surface sampled on a regular grid: z[i, j] is the value at (x[j], y[i])."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def sample_grid(surface: Surface, resolution: int = 160) -> Grid:
    """The surface on a resolution × resolution grid over its domain (float64)."""
    (x_low, x_high), (y_low, y_high) = surface.domain
    x = torch.linspace(x_low, x_high, resolution, dtype=torch.float64)
    y = torch.linspace(y_low, y_high, resolution, dtype=torch.float64)
    ys, xs = torch.meshgrid(y, x, indexing="ij")
    with torch.no_grad():
        z = surface(torch.stack([xs, ys], dim=-1))
    return Grid(x.numpy(), y.numpy(), z.numpy())


# --- the course's surfaces ---------------------------------------------------------------------------------------


def eggholder_function(w: torch.Tensor) -> torch.Tensor:
    """f(w0, w1) = −(w1 + 47)·sin(√|w1 + w0/2 + 47|) − w0·sin(√|w0 − (w1 + 47)|)."""
    x, y = w[..., 0], w[..., 1]
    return -(y + 47) * torch.sin(torch.sqrt(torch.abs(y + x / 2 + 47))) - x * torch.sin(
        torch.sqrt(torch.abs(x - (y + 47)))
    )


EGGHOLDER_MINIMA = (
    Minimum((512.0, 404.2319), -959.6407, True, "global"),
    Minimum((418.5606, 171.0431), -629.6337, False, "course_first_local"),
    Minimum((479.0454, 434.5059), -955.2552, False, "course_second_local"),
)


def eggholder() -> Surface:
    domain = ((-512.0, 512.0), (-512.0, 512.0))
    return Surface("eggholder", eggholder_function, domain, EGGHOLDER_MINIMA, (300.0, 135.0))


@cache
def neuron_data(variant: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The course's two Gaussian blobs (100 points, 2 features), seeded; features as the variant says."""
    if variant not in NEURON_VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    generator = torch.Generator().manual_seed(NEURON_SEED)
    noise = torch.randn(2 * NEURON_POINTS_PER_BLOB, 2, generator=generator, dtype=torch.float64)
    centres = torch.tensor([[4.0, 4.0], [1.0, 1.5]], dtype=torch.float64)
    labels = torch.cat([torch.zeros(NEURON_POINTS_PER_BLOB), torch.ones(NEURON_POINTS_PER_BLOB)]).double()
    features = centres[labels.long()] + noise
    if variant == "stretched":
        features = features * torch.tensor([NEURON_STRETCH, 1.0], dtype=torch.float64)
    elif variant == "standardized":
        features = (features - features.mean(dim=0)) / features.std(dim=0)
    return features, labels


def neuron_loss(w: torch.Tensor, features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of σ(w·x + 5) over the data, for every w in the batch."""
    logits = w @ features.to(w.dtype).T + NEURON_BIAS
    targets = labels.to(w.dtype).expand_as(logits)
    return F.binary_cross_entropy_with_logits(logits, targets, reduction="none").mean(dim=-1)


def _newton_minimum(function: Callable[[torch.Tensor], torch.Tensor], start: tuple[float, float]) -> torch.Tensor:
    """The minimum of a smooth convex function of two parameters, by damped Newton steps in float64."""
    w = torch.tensor(start, dtype=torch.float64)
    for _ in range(50):
        gradient = torch.autograd.functional.jacobian(function, w)
        if gradient.norm() < 1e-11:
            break
        step = torch.linalg.solve(torch.autograd.functional.hessian(function, w), gradient)
        scale, current = 1.0, function(w)
        while function(w - scale * step) > current and scale > 1e-8:
            scale /= 2
        w = w - scale * step
    return w


def _box_around(points: list[tuple[float, float]], margin: float) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (
        (math.floor(min(xs) - margin), math.ceil(max(xs) + margin)),
        (math.floor(min(ys) - margin), math.ceil(max(ys) + margin)),
    )


@cache
def course_neuron(variant: str) -> Surface:
    """The cross-entropy of one logistic neuron on two blobs, as a function of (w0, w1) with b fixed at 5."""
    features, labels = neuron_data(variant)

    def loss(w: torch.Tensor) -> torch.Tensor:
        return neuron_loss(w, features, labels)

    best = _newton_minimum(loss, NEURON_START)
    best_point = (float(best[0]), float(best[1]))
    minimum = Minimum(best_point, float(loss(best)), True, "global")
    domain = _box_around([NEURON_START, best_point], margin=2.0)
    return Surface(f"neuron_{variant}", loss, domain, (minimum,), NEURON_START, log_colours=True)


# --- standard test functions -------------------------------------------------------------------------------------


def quadratic_bowl(condition: float = DEFAULT_CONDITION) -> Surface:
    """f = (w0² + κ·w1²)/2: a bowl whose curvatures differ by the condition number κ."""
    if not condition >= 1:
        raise ValueError("the condition number must be at least 1")

    def bowl(w: torch.Tensor) -> torch.Tensor:
        return 0.5 * (w[..., 0] ** 2 + condition * w[..., 1] ** 2)

    return Surface("bowl", bowl, ((-3.0, 3.0), (-3.0, 3.0)), (Minimum((0.0, 0.0), 0.0, True, "global"),), (-2.5, 1.5),
                   log_colours=True)


def rosenbrock_function(w: torch.Tensor) -> torch.Tensor:
    x, y = w[..., 0], w[..., 1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock() -> Surface:
    return Surface("rosenbrock", rosenbrock_function, ((-2.0, 2.0), (-1.0, 3.0)),
                   (Minimum((1.0, 1.0), 0.0, True, "global"),), (-1.5, 2.5), log_colours=True)


def himmelblau_function(w: torch.Tensor) -> torch.Tensor:
    x, y = w[..., 0], w[..., 1]
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


HIMMELBLAU_MINIMA = (
    Minimum((3.0, 2.0), 0.0, True, "global"),
    Minimum((-2.8051180870, 3.1313125183), 0.0, True, "global"),
    Minimum((-3.7793102534, -3.2831859913), 0.0, True, "global"),
    Minimum((3.5844283403, -1.8481265270), 0.0, True, "global"),
)


def himmelblau() -> Surface:
    return Surface("himmelblau", himmelblau_function, ((-5.0, 5.0), (-5.0, 5.0)), HIMMELBLAU_MINIMA, (0.0, 0.0),
                   log_colours=True)


def rastrigin_function(w: torch.Tensor) -> torch.Tensor:
    return 20 + (w**2 - 10 * torch.cos(2 * math.pi * w)).sum(dim=-1)


def rastrigin() -> Surface:
    return Surface("rastrigin", rastrigin_function, ((-5.12, 5.12), (-5.12, 5.12)),
                   (Minimum((0.0, 0.0), 0.0, True, "global"),), (3.3, -2.6))


def beale_function(w: torch.Tensor) -> torch.Tensor:
    x, y = w[..., 0], w[..., 1]
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def beale() -> Surface:
    return Surface("beale", beale_function, ((-4.5, 4.5), (-4.5, 4.5)), (Minimum((3.0, 0.5), 0.0, True, "global"),),
                   (-2.0, 2.0), log_colours=True)


def saddle_function(w: torch.Tensor) -> torch.Tensor:
    """f = w0² − w1²: a saddle at the origin, no minimum (it falls away along w1)."""
    return w[..., 0] ** 2 - w[..., 1] ** 2


def saddle() -> Surface:
    return Surface("saddle", saddle_function, ((-2.0, 2.0), (-2.0, 2.0)), (), (-1.8, 0.01))


def build_surface(key: str, condition: float = DEFAULT_CONDITION) -> Surface:
    """The surface named key; `condition` is the quadratic bowl's condition number."""
    builders: dict[str, Callable[[], Surface]] = {
        "eggholder": eggholder,
        "bowl": lambda: quadratic_bowl(condition),
        "rosenbrock": rosenbrock,
        "himmelblau": himmelblau,
        "rastrigin": rastrigin,
        "beale": beale,
        "saddle": saddle,
    }
    if key.startswith("neuron_"):
        return course_neuron(key.removeprefix("neuron_"))
    if key not in builders:
        raise ValueError(f"unknown surface {key!r}")
    return builders[key]()

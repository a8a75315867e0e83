"""Optimizer runs on a loss surface: torch.optim optimizers and schedulers walking a Surface, recorded as paths.

Several optimizers race from one start in lockstep (one forward and backward pass for all of them per step).
Every path records its points, the loss at each point, the learning rate each step really used, and why it
stopped early if it did (a non-finite gradient on an eggholder ridge, a loss that overflowed).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from core.surfaces import Surface, eggholder

OPTIMIZER_KINDS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
SCHEDULE_KINDS = ("none", "exponential", "course_decay", "warmup_decay")
WARMUP_FACTOR = 1.1
WARMUP_EPOCHS = 10
DECAY_FACTOR = 0.9
MAX_STEPS = 1000
MAX_LEARNING_RATE = 1e4
DTYPE = torch.float32


@dataclass(frozen=True)
class OptimizerSettings:
    """One racer: which torch.optim rule, its hyper-parameters and its learning-rate schedule."""

    kind: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99
    schedule: str = "none"
    gamma: float = 0.9


@dataclass(frozen=True)
class RunSettings:
    """What every racer shares: number of steps, simulated gradient noise, projection into the box."""

    steps: int = 100
    noise_sigma: float = 0.0
    seed: int = 0
    project: bool = False


@dataclass(frozen=True)
class Stop:
    """Why a path ended before its last step: reason is "nan_gradient", "inf_gradient" or "diverged"."""

    reason: str
    step: int
    point: tuple[float, float]


@dataclass
class Path:
    """One optimizer's walk: points[k] is the position after k steps, lrs[k] the rate used for step k+1."""

    settings: OptimizerSettings
    points: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    inside: np.ndarray
    distances: np.ndarray | None
    stop: Stop | None = None
    projected: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def steps_taken(self) -> int:
        return len(self.points) - 1

    @property
    def first_exit(self) -> int | None:
        """The first step whose point lies outside the domain, or None."""
        outside = np.flatnonzero(~self.inside)
        return int(outside[0]) if outside.size else None

    @property
    def stays_outside(self) -> bool:
        """True when the path left the domain and never came back."""
        exit_step = self.first_exit
        return exit_step is not None and not self.inside[exit_step:].any()

    @property
    def final_point(self) -> tuple[float, float]:
        return float(self.points[-1, 0]), float(self.points[-1, 1])

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def learning_rate_problem(lr: float) -> str | None:
    """None when lr is usable, else "not_a_number", "zero", "negative" or "too_large"."""
    if not isinstance(lr, int | float) or math.isnan(lr):
        return "not_a_number"
    if lr == 0:
        return "zero"
    if lr < 0:
        return "negative"
    if not lr <= MAX_LEARNING_RATE:
        return "too_large"
    return None


def make_optimizer(settings: OptimizerSettings, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """The torch.optim optimizer for the settings."""
    kind, lr = settings.kind, settings.lr
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr, foreach=False)
    if kind == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=settings.momentum, foreach=False)
    if kind == "nesterov":
        # With no momentum Nesterov's look-ahead is plain SGD (torch refuses nesterov=True with momentum 0).
        return torch.optim.SGD(params, lr=lr, momentum=settings.momentum, nesterov=settings.momentum > 0, foreach=False)
    if kind == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=settings.eps, foreach=False)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=settings.alpha, eps=settings.eps, foreach=False)
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(settings.beta1, settings.beta2), eps=settings.eps, foreach=False)
    raise ValueError(f"unknown optimizer {kind!r}")


def make_scheduler(settings: OptimizerSettings, optimizer: torch.optim.Optimizer):
    """The torch.optim.lr_scheduler for the settings' schedule, or None for a constant rate."""
    schedule = settings.schedule
    if schedule == "none":
        return None
    if schedule == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=settings.gamma)
    if schedule == "course_decay":
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: DECAY_FACTOR**epoch)
    if schedule == "warmup_decay":
        warm_up = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: WARMUP_FACTOR**epoch)
        decay = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: DECAY_FACTOR**epoch)
        return torch.optim.lr_scheduler.SequentialLR(optimizer, [warm_up, decay], milestones=[WARMUP_EPOCHS])
    raise ValueError(f"unknown schedule {schedule!r}")


def schedule_values(settings: OptimizerSettings, steps: int) -> np.ndarray:
    """The learning rate the real scheduler gives at epochs 0 … steps−1 (on a dummy parameter)."""
    parameter = torch.zeros(1, requires_grad=True)
    optimizer = make_optimizer(settings, [parameter])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scheduler = make_scheduler(settings, optimizer)
        values = []
        for _ in range(steps):
            values.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
    return np.array(values, dtype=np.float64)


def _box_bounds(surface: Surface) -> tuple[torch.Tensor, torch.Tensor]:
    (x_low, x_high), (y_low, y_high) = surface.domain
    return torch.tensor([x_low, y_low], dtype=DTYPE), torch.tensor([x_high, y_high], dtype=DTYPE)


class _Racer:
    """One optimizer's state during a race."""

    def __init__(self, settings: OptimizerSettings, start: tuple[float, float], run: RunSettings):
        self.settings = settings
        self.parameter = torch.tensor(start, dtype=DTYPE, requires_grad=True)
        self.optimizer = make_optimizer(settings, [self.parameter])
        self.scheduler = make_scheduler(settings, self.optimizer)
        self.generator = torch.Generator().manual_seed(run.seed) if run.noise_sigma > 0 else None
        self.lrs: list[float] = []
        self.stop: Stop | None = None

    def halt(self, step: int, loss: torch.Tensor, gradient: torch.Tensor) -> None:
        """Stop at `step`, saying why: a NaN or infinite gradient at a finite point, else divergence."""
        point = self.parameter.detach()
        if not torch.isfinite(point).all() or not torch.isfinite(loss):
            reason = "diverged"
        elif torch.isnan(gradient).any():
            reason = "nan_gradient"
        else:
            reason = "inf_gradient"
        self.stop = Stop(reason, step, (float(point[0]), float(point[1])))

    def step(self, run: RunSettings, low: torch.Tensor, high: torch.Tensor) -> None:
        """One optimizer step (with the simulated noise, the schedule and the projection when asked)."""
        if self.generator is not None:
            gradient = self.parameter.grad
            gradient.mul_(torch.normal(1.0, run.noise_sigma, size=gradient.shape, generator=self.generator))
        self.lrs.append(self.optimizer.param_groups[0]["lr"])
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        if run.project:
            with torch.no_grad():
                self.parameter.copy_(torch.maximum(torch.minimum(self.parameter, high), low))


def race(
    surface: Surface, racers: Sequence[OptimizerSettings], start: tuple[float, float], run: RunSettings
) -> list[Path]:
    """Run every racer from start for run.steps steps of its torch.optim rule on the surface.

    One forward and backward pass serves every racer that is still running; a racer whose loss or gradient at
    its current point is not finite stops there (history then holds its last position unchanged).
    """
    steps = max(0, min(int(run.steps), MAX_STEPS))
    low, high = _box_bounds(surface)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        states = [_Racer(settings, start, run) for settings in racers]
        history = torch.empty(steps + 1, len(states), 2, dtype=DTYPE)
        history[0] = torch.tensor(start, dtype=DTYPE)
        taken = steps
        for step in range(steps):
            active = [state for state in states if state.stop is None]
            if not active:
                taken = step
                break
            for state in active:
                state.parameter.grad = None
            losses = surface(torch.stack([state.parameter for state in active]))
            losses.sum().backward()
            gradients = torch.stack([state.parameter.grad for state in active])
            finite = torch.isfinite(torch.cat([losses.detach()[:, None], gradients], dim=1)).all(dim=1)
            if not bool(finite.all()):
                for state, ok, loss, gradient in zip(active, finite.tolist(), losses.detach(), gradients):
                    if not ok:
                        state.halt(step, loss, gradient)
            for state in active:
                if state.stop is None:
                    state.step(run, low, high)
            history[step + 1] = torch.stack([state.parameter.detach() for state in states])
        positions = history[: taken + 1].double().numpy()
    return [_finish(surface, state, positions[:, index], run) for index, state in enumerate(states)]


def _finish(surface: Surface, state: _Racer, positions: np.ndarray, run: RunSettings) -> Path:
    """The racer's recorded path, cut where it stopped; a final step that overflowed counts as divergence."""
    length = len(positions) if state.stop is None else state.stop.step + 1
    points = positions[:length]
    finite = np.isfinite(points).all(axis=1)
    stop = state.stop
    if not finite.all():
        last = int(np.flatnonzero(~finite)[0]) - 1
        points = points[: last + 1]
        stop = Stop("diverged", last + 1, (float(points[-1, 0]), float(points[-1, 1])))
    with torch.no_grad():
        losses = surface(torch.from_numpy(points).to(DTYPE)).double().numpy()
    return Path(
        settings=state.settings,
        points=points,
        losses=losses,
        lrs=np.array(state.lrs[: len(points) - 1], dtype=np.float64),
        inside=surface.inside(points),
        distances=surface.distance_to_nearest_minimum(points),
        stop=stop,
        projected=run.project,
    )


def run_path(
    surface: Surface, settings: OptimizerSettings, start: tuple[float, float], run: RunSettings
) -> Path:
    """One optimizer alone."""
    return race(surface, [settings], start, run)[0]


# --- the course's experiment ---------------------------------------------------------------------------------------

COURSE_START = (300.0, 135.0)
COURSE_LR = 5.0
COURSE_STEPS = 10


def course_settings(decay: bool) -> OptimizerSettings:
    """SGD with lr 5, with or without the course's LambdaLR(0.9 ** epoch) decay."""
    return OptimizerSettings(kind="sgd", lr=COURSE_LR, schedule="course_decay" if decay else "none")


def course_experiment(decay: bool) -> Path:
    """The course's run: SGD lr 5 from (300, 135) on the eggholder, 10 steps → an 11×2 path."""
    return run_path(eggholder(), course_settings(decay), COURSE_START, RunSettings(steps=COURSE_STEPS))


# --- random restarts --------------------------------------------------------------------------------------------------


@dataclass
class Restarts:
    """N random starts of one optimizer: where each began and ended, and the best end."""

    starts: np.ndarray
    ends: np.ndarray
    final_losses: np.ndarray
    stopped: np.ndarray
    inside: np.ndarray

    @property
    def best_index(self) -> int | None:
        """The run whose finite end inside the domain is lowest; None when no run ended inside with a finite loss."""
        candidates = np.isfinite(self.final_losses) & ~self.stopped & self.inside
        if not candidates.any():
            return None
        return int(np.argmin(np.where(candidates, self.final_losses, np.inf)))

    @property
    def best_point(self) -> tuple[float, float] | None:
        index = self.best_index
        return None if index is None else (float(self.ends[index, 0]), float(self.ends[index, 1]))

    @property
    def best_loss(self) -> float | None:
        index = self.best_index
        return None if index is None else float(self.final_losses[index])


def random_starts(surface: Surface, count: int, seed: int) -> np.ndarray:
    """count points drawn uniformly from the surface's domain (seeded)."""
    (x_low, x_high), (y_low, y_high) = surface.domain
    generator = torch.Generator().manual_seed(seed)
    unit = torch.rand(count, 2, generator=generator, dtype=torch.float64)
    low = torch.tensor([x_low, y_low], dtype=torch.float64)
    span = torch.tensor([x_high - x_low, y_high - y_low], dtype=torch.float64)
    return (low + unit * span).numpy()


def random_restarts(
    surface: Surface, settings: OptimizerSettings, count: int, run: RunSettings, seed: int = 0
) -> Restarts:
    """Run one optimizer from count random starts at once (its rules act element by element, so rows are
    independent runs); a row whose loss or gradient stops being finite is frozen where it was."""
    starts = random_starts(surface, count, seed)
    parameter = torch.tensor(starts, dtype=DTYPE, requires_grad=True)
    optimizer = make_optimizer(settings, [parameter])
    low, high = _box_bounds(surface)
    stopped = torch.zeros(count, dtype=torch.bool)
    generator = torch.Generator().manual_seed(run.seed) if run.noise_sigma > 0 else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scheduler = make_scheduler(settings, optimizer)
        for _ in range(max(0, min(int(run.steps), MAX_STEPS))):
            parameter.grad = None
            losses = surface(parameter)
            losses.sum().backward()
            gradient = parameter.grad
            bad = ~torch.isfinite(losses.detach()) | ~torch.isfinite(gradient).all(dim=1)
            stopped |= bad
            if stopped.all():
                break
            gradient[stopped] = 0.0
            if generator is not None:
                gradient.mul_(torch.normal(1.0, run.noise_sigma, size=gradient.shape, generator=generator, dtype=DTYPE))
            before = parameter.detach().clone()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            with torch.no_grad():
                if run.project:
                    parameter.copy_(torch.maximum(torch.minimum(parameter, high), low))
                overflowed = ~torch.isfinite(parameter).all(dim=1)
                stopped |= overflowed
                parameter[stopped] = before[stopped]
    ends = parameter.detach()
    with torch.no_grad():
        final_losses = surface(ends).double().numpy()
    end_points = ends.double().numpy()
    return Restarts(starts, end_points, final_losses, stopped.numpy(), surface.inside(end_points))


# --- the one-dimensional lesson ---------------------------------------------------------------------------------------

PARABOLA_START = 2.0
PARABOLA_RATES = (0.05, 0.5, 0.9, 1.1)
PARABOLA_STEPS = 12


def parabola_path(lr: float, start: float = PARABOLA_START, steps: int = PARABOLA_STEPS) -> np.ndarray:
    """torch.optim.SGD on f(x) = x² from start: x_k, each step multiplying x by (1 − 2·lr)."""
    x = torch.tensor([start], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([x], lr=lr)
    points = [start]
    for _ in range(steps):
        optimizer.zero_grad()
        (x**2).sum().backward()
        optimizer.step()
        points.append(float(x.detach()[0]))
    return np.array(points)


# --- suggested starting learning rates per surface (values on the page's log scale) ----------------------------------

SUGGESTED_LRS: dict[str, dict[str, float]] = {
    "eggholder": {"sgd": 1.0, "momentum": 0.2, "nesterov": 0.2, "adagrad": 20.0, "rmsprop": 2.0, "adam": 5.0},
    "neuron": {"sgd": 1.0, "momentum": 0.5, "nesterov": 0.5, "adagrad": 1.0, "rmsprop": 0.05, "adam": 0.1},
    "bowl": {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 1.0, "rmsprop": 0.05, "adam": 0.1},
    "rosenbrock": {"sgd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 0.5, "rmsprop": 0.01,
                   "adam": 0.05},
    "himmelblau": {"sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.1},
    "rastrigin": {"sgd": 0.005, "momentum": 0.002, "nesterov": 0.002, "adagrad": 0.5, "rmsprop": 0.05, "adam": 0.1},
    "beale": {"sgd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 0.5, "rmsprop": 0.01, "adam": 0.05},
    "saddle": {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.2, "rmsprop": 0.02, "adam": 0.05},
}


def suggested_lr(surface_key: str, kind: str) -> float:
    """A learning rate that makes a reasonable first run of optimizer `kind` on the surface."""
    family = "neuron" if surface_key.startswith("neuron_") else surface_key
    return SUGGESTED_LRS[family][kind]


def learning_rate_options() -> list[float]:
    """The 1-2-5 log scale of the learning-rate sliders, 1e-5 … 1e3."""
    return [float(f"{mantissa}e{exponent}") for exponent in range(-5, 4) for mantissa in (1, 2, 5)][:-2]

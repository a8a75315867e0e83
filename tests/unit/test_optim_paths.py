"""Optimizer paths: torch.optim rules against hand-written update loops, schedules, the course's experiment,
NaN gradients, leaving the domain, projection, noise and random restarts."""

import math

import numpy as np
import pytest
import torch

from core import optim_paths as optim
from core import surfaces

STEPS = 6


def rosenbrock_gradient(w: np.ndarray) -> np.ndarray:
    x, y = w
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


def reference_path(kind: str, lr: float, start, steps: int, **settings) -> np.ndarray:
    """The update rules written out by hand (float64, analytic Rosenbrock gradient)."""
    w = np.array(start, dtype=np.float64)
    v = np.zeros(2)
    s = np.zeros(2)
    beta = settings.get("momentum", 0.9)
    beta1, beta2 = settings.get("beta1", 0.9), settings.get("beta2", 0.999)
    eps = settings.get("eps", 1e-8)
    alpha = settings.get("alpha", 0.99)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = rosenbrock_gradient(w)
        if kind == "sgd":
            w = w - lr * g
        elif kind == "momentum":
            v = beta * v + g
            w = w - lr * v
        elif kind == "nesterov":
            v = beta * v + g
            w = w - lr * (g + beta * v)
        elif kind == "adagrad":
            s = s + g**2
            w = w - lr * g / (np.sqrt(s) + eps)
        elif kind == "rmsprop":
            s = alpha * s + (1 - alpha) * g**2
            w = w - lr * g / (np.sqrt(s) + eps)
        elif kind == "adam":
            v = beta1 * v + (1 - beta1) * g
            s = beta2 * s + (1 - beta2) * g**2
            v_hat, s_hat = v / (1 - beta1**t), s / (1 - beta2**t)
            w = w - lr * v_hat / (np.sqrt(s_hat) + eps)
        path.append(w.copy())
    return np.array(path)


@pytest.mark.parametrize(
    "kind, lr, extra",
    [
        ("sgd", 0.0005, {}),
        ("momentum", 0.0003, {"momentum": 0.8}),
        ("nesterov", 0.0003, {"momentum": 0.9}),
        ("adagrad", 0.1, {"eps": 1e-10}),
        ("rmsprop", 0.01, {"alpha": 0.9, "eps": 1e-8}),
        ("adam", 0.05, {"beta1": 0.9, "beta2": 0.99, "eps": 1e-8}),
        ("adam", 0.05, {}),
    ],
)
def test_paths_follow_the_hand_written_update_rules(kind, lr, extra):
    settings = optim.OptimizerSettings(kind=kind, lr=lr, **extra)
    start = (-1.2, 1.0)
    path = optim.run_path(surfaces.rosenbrock(), settings, start, optim.RunSettings(steps=STEPS))
    expected = reference_path(kind, lr, start, STEPS, **extra)
    assert path.points.shape == (STEPS + 1, 2)
    np.testing.assert_allclose(path.points, expected, rtol=2e-5, atol=2e-5)
    assert not np.allclose(path.points[1], path.points[0])
    np.testing.assert_allclose(path.lrs, np.full(STEPS, lr))


def test_racers_in_one_race_equal_separate_runs():
    surface = surfaces.himmelblau()
    racers = [optim.OptimizerSettings(kind=k, lr=0.01) for k in optim.OPTIMIZER_KINDS]
    run = optim.RunSettings(steps=40)
    together = optim.race(surface, racers, (0.5, -0.5), run)
    for settings, path in zip(racers, together):
        alone = optim.run_path(surface, settings, (0.5, -0.5), run)
        np.testing.assert_array_equal(path.points, alone.points)


def test_warmup_then_decay_restarts_at_the_base_rate():
    values = optim.schedule_values(optim.OptimizerSettings(lr=1.0, schedule="warmup_decay"), 14)
    np.testing.assert_allclose(values[:10], [1.1**k for k in range(10)])
    assert values[9] == pytest.approx(2.3579, abs=1e-4)
    np.testing.assert_allclose(values[10:14], [1.0, 0.9, 0.81, 0.729])


def test_exponential_and_course_decay_schedules():
    exponential = optim.schedule_values(optim.OptimizerSettings(lr=2.0, schedule="exponential", gamma=0.8), 5)
    np.testing.assert_allclose(exponential, [2.0 * 0.8**k for k in range(5)])
    course = optim.schedule_values(optim.OptimizerSettings(lr=5.0, schedule="course_decay"), 4)
    np.testing.assert_allclose(course, [5.0, 4.5, 4.05, 3.645])
    constant = optim.schedule_values(optim.OptimizerSettings(lr=0.3), 4)
    np.testing.assert_allclose(constant, [0.3] * 4)


def test_the_rate_a_path_used_is_the_schedule():
    settings = optim.OptimizerSettings(kind="adam", lr=0.01, schedule="warmup_decay")
    path = optim.run_path(surfaces.himmelblau(), settings, (0.0, 0.0), optim.RunSettings(steps=30))
    np.testing.assert_allclose(path.lrs, optim.schedule_values(settings, 30))


def course_loop(decay: bool) -> np.ndarray:
    """The course's code, written out as the course gives it."""
    w = torch.tensor([300.0, 135.0], requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=5)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda epoch: 0.9**epoch) if decay else None
    path = [w.detach().clone()]
    for _ in range(10):
        optimizer.zero_grad()
        surfaces.eggholder_function(w).backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        path.append(w.detach().clone())
    return torch.stack(path).double().numpy()


def analytic_eggholder_gradient(x: float, y: float) -> tuple[float, float]:
    u, v = y + x / 2 + 47, x - (y + 47)
    su, sv = math.sqrt(abs(u)), math.sqrt(abs(v))
    du, dv = math.copysign(1, u) / (2 * su), math.copysign(1, v) / (2 * sv)
    gx = -(y + 47) * math.cos(su) * du / 2 - math.sin(sv) - x * math.cos(sv) * dv
    gy = -math.sin(su) - (y + 47) * math.cos(su) * du + x * math.cos(sv) * dv
    return gx, gy


@pytest.mark.parametrize("decay", [False, True])
def test_course_experiment_is_the_course_code(decay):
    path = optim.course_experiment(decay)
    assert path.points.shape == (11, 2)
    np.testing.assert_array_equal(path.points, course_loop(decay))
    np.testing.assert_allclose(path.lrs, [5.0 * (0.9**k if decay else 1.0) for k in range(10)], rtol=1e-12)
    # the same walk by hand in float64: equal early on up to float32 rounding, which the eggholder amplifies
    # step by step (the sixth point differs by 1.2e-3 on one CPU, by less on another), within 0.5 after 10 steps
    w = [300.0, 135.0]
    by_hand = [tuple(w)]
    for k in range(10):
        lr = 5.0 * 0.9**k if decay else 5.0
        gx, gy = analytic_eggholder_gradient(*w)
        w = [w[0] - lr * gx, w[1] - lr * gy]
        by_hand.append(tuple(w))
    difference = np.abs(path.points - np.array(by_hand)).max(axis=1)
    assert difference[:6].max() < 5e-3 and difference.max() < 0.5
    assert path.points[1] == pytest.approx([296.0009, 161.3980], abs=1e-3)


def test_course_decay_path_settles_and_plain_one_keeps_jumping():
    plain, decayed = optim.course_experiment(False), optim.course_experiment(True)
    assert np.linalg.norm(decayed.points[-1] - decayed.points[-2]) < 1.0
    assert np.linalg.norm(plain.points[-1] - plain.points[-2]) > 20.0


def test_plain_gd_lr_10_leaves_the_box_after_3_steps_and_stays_outside():
    path = optim.run_path(surfaces.eggholder(), optim.OptimizerSettings(lr=10.0), (300.0, 135.0),
                          optim.RunSettings(steps=10))
    assert path.inside[:3].all()
    assert path.first_exit == 3
    assert path.stays_outside
    assert path.stop is None


def test_projection_keeps_every_point_in_the_box():
    run = optim.RunSettings(steps=10, project=True)
    path = optim.run_path(surfaces.eggholder(), optim.OptimizerSettings(lr=10.0), (300.0, 135.0), run)
    assert path.inside.all() and path.first_exit is None and path.projected
    assert np.abs(path.points).max() <= 512.0
    assert (np.abs(path.points) == 512.0).any()


@pytest.mark.parametrize("start", [(0.0, -47.0), (100.0, 53.0)])
def test_a_nan_gradient_on_an_eggholder_ridge_stops_the_path_and_says_where(start):
    path = optim.run_path(surfaces.eggholder(), optim.OptimizerSettings(lr=1.0), start, optim.RunSettings(steps=5))
    assert path.stop is not None
    assert path.stop.reason == "nan_gradient"
    assert path.stop.step == 0 and path.stop.point == start
    assert path.steps_taken == 0 and np.isfinite(path.points).all()


def test_divergence_stops_at_the_first_non_finite_point():
    path = optim.run_path(surfaces.rosenbrock(), optim.OptimizerSettings(lr=1.0), (-1.5, 2.5),
                          optim.RunSettings(steps=50))
    assert path.stop is not None and path.stop.reason == "diverged"
    assert 0 < path.steps_taken < 50
    assert np.isfinite(path.points).all()
    assert len(path.lrs) == path.steps_taken


def test_noise_is_multiplicative_and_seeded():
    bowl = surfaces.quadratic_bowl(1.0)
    settings = optim.OptimizerSettings(lr=0.01)
    run = optim.RunSettings(steps=5, noise_sigma=15.0, seed=3)
    first = optim.run_path(bowl, settings, (1.0, 1.0), run)
    again = optim.run_path(bowl, settings, (1.0, 1.0), run)
    np.testing.assert_array_equal(first.points, again.points)
    other = optim.run_path(bowl, settings, (1.0, 1.0), optim.RunSettings(steps=5, noise_sigma=15.0, seed=4))
    assert not np.allclose(first.points, other.points)
    # by hand: the bowl's gradient is w, so each step is w ← w − lr · w ⊙ n with n ~ normal(1, σ), seeded
    generator = torch.Generator().manual_seed(3)
    w = np.array([1.0, 1.0])
    for k in range(1, 6):
        noise = torch.normal(1.0, 15.0, size=(2,), generator=generator).double().numpy()
        w = w - 0.01 * w * noise
        np.testing.assert_allclose(first.points[k], w, rtol=1e-5)


def test_distance_to_the_nearest_known_minimum():
    path = optim.run_path(surfaces.quadratic_bowl(1.0), optim.OptimizerSettings(lr=0.25), (2.0, 0.0),
                          optim.RunSettings(steps=3))
    np.testing.assert_allclose(path.distances, [2.0, 1.5, 1.125, 0.84375], rtol=1e-6)
    saddle = optim.run_path(surfaces.saddle(), optim.OptimizerSettings(lr=0.1), (1.0, 0.1), optim.RunSettings(steps=3))
    assert saddle.distances is None


def test_learning_rate_problems():
    assert optim.learning_rate_problem(0.01) is None
    assert optim.learning_rate_problem(0.0) == "zero"
    assert optim.learning_rate_problem(-0.1) == "negative"
    assert optim.learning_rate_problem(1e9) == "too_large"
    assert optim.learning_rate_problem(math.inf) == "too_large"
    assert optim.learning_rate_problem(math.nan) == "not_a_number"


def test_steps_are_capped_at_one_thousand():
    path = optim.run_path(surfaces.quadratic_bowl(), optim.OptimizerSettings(lr=0.01), (1.0, 1.0),
                          optim.RunSettings(steps=5000))
    assert path.steps_taken == optim.MAX_STEPS


def test_random_restarts_are_independent_runs_and_report_the_best():
    surface = surfaces.himmelblau()
    settings = optim.OptimizerSettings(kind="adam", lr=0.1)
    run = optim.RunSettings(steps=200)
    result = optim.random_restarts(surface, settings, 8, run, seed=1)
    assert result.starts.shape == (8, 2) and surface.inside(result.starts).all()
    for row in (0, 5):
        alone = optim.run_path(surface, settings, tuple(result.starts[row]), run)
        np.testing.assert_allclose(result.ends[row], alone.points[-1], rtol=1e-4, atol=1e-4)
    assert result.best_loss == pytest.approx(result.final_losses.min())
    assert result.best_loss < 1e-3


def test_random_restarts_on_the_eggholder_choose_the_best_inside_the_box():
    result = optim.random_restarts(surfaces.eggholder(), optim.OptimizerSettings(kind="adam", lr=5.0), 40,
                                   optim.RunSettings(steps=150), seed=0)
    assert surfaces.eggholder().contains(result.best_point)
    inside_losses = result.final_losses[result.inside & ~result.stopped]
    assert result.best_loss == pytest.approx(inside_losses.min())
    assert result.best_loss >= -959.6407 - 1e-3


def test_random_restarts_report_no_best_when_no_run_stayed_inside():
    result = optim.random_restarts(surfaces.eggholder(), optim.OptimizerSettings(kind="sgd", lr=1e4), 6,
                                   optim.RunSettings(steps=20), seed=0)
    assert not (result.inside & np.isfinite(result.final_losses) & ~result.stopped).any()
    assert result.best_index is None and result.best_point is None and result.best_loss is None


def test_parabola_lesson_rates():
    small, right, large, divergent = (optim.parabola_path(lr, steps=5) for lr in optim.PARABOLA_RATES)
    np.testing.assert_allclose(small, 2.0 * 0.9 ** np.arange(6))
    assert right[1] == 0.0
    np.testing.assert_allclose(large, 2.0 * (-0.8) ** np.arange(6))
    np.testing.assert_allclose(divergent, 2.0 * (-1.2) ** np.arange(6))


def test_nesterov_with_momentum_slid_to_zero_runs_as_plain_sgd():
    nesterov = optim.OptimizerSettings(kind="nesterov", lr=0.0005, momentum=0.0)
    sgd = optim.OptimizerSettings(kind="sgd", lr=0.0005)
    run = optim.RunSettings(steps=20)
    a = optim.run_path(surfaces.rosenbrock(), nesterov, (-1.0, 1.5), run)
    b = optim.run_path(surfaces.rosenbrock(), sgd, (-1.0, 1.5), run)
    assert len(a.points) == 21 and np.allclose(a.points, b.points)

"""Loss surfaces: values at known points, the known minima really are minima, domains and grids."""

import math

import numpy as np
import pytest
import torch

from core import surfaces


def value(function, point):
    return float(function(torch.tensor(point, dtype=torch.float64)))


def gradient_and_hessian(function, point):
    w = torch.tensor(point, dtype=torch.float64)
    return torch.autograd.functional.jacobian(function, w), torch.autograd.functional.hessian(function, w)


def test_eggholder_formula_at_hand_computed_points():
    x, y = 300.0, 135.0
    expected = -(y + 47) * math.sin(math.sqrt(abs(y + x / 2 + 47))) - x * math.sin(math.sqrt(abs(x - (y + 47))))
    assert value(surfaces.eggholder_function, (x, y)) == pytest.approx(expected, rel=1e-12)
    assert value(surfaces.eggholder_function, (0.0, 0.0)) == pytest.approx(-47 * math.sin(math.sqrt(47)), rel=1e-12)


def test_eggholder_global_minimum_is_the_lowest_point_of_the_domain():
    egg = surfaces.eggholder()
    best = egg.global_minimum
    assert best.point == (512.0, 404.2319)
    assert value(egg, best.point) == pytest.approx(-959.6407, abs=1e-4)
    grid = surfaces.sample_grid(egg, 400)
    assert grid.z.min() >= -959.6407 - 1e-3
    assert egg.domain == ((-512.0, 512.0), (-512.0, 512.0))
    # on the boundary: the value rises along the border on both sides
    assert value(egg, (512.0, 404.0)) > best.value and value(egg, (512.0, 404.5)) > best.value


COURSE_LOCAL_MINIMA = [("course_first_local", (400, 130)), ("course_second_local", (450, 420))]


@pytest.mark.parametrize("name, near", COURSE_LOCAL_MINIMA)
def test_eggholder_named_local_minima_are_local_minima(name, near):
    minimum = next(m for m in surfaces.EGGHOLDER_MINIMA if m.name == name)
    assert not minimum.is_global
    assert math.dist(minimum.point, near) < 50
    gradient, hessian = gradient_and_hessian(surfaces.eggholder_function, minimum.point)
    assert gradient.norm() < 1e-2
    assert (torch.linalg.eigvalsh(hessian) > 0).all()
    assert value(surfaces.eggholder_function, minimum.point) == pytest.approx(minimum.value, abs=1e-3)


@pytest.mark.parametrize("name, near", COURSE_LOCAL_MINIMA)
@pytest.mark.parametrize("offset", [(1, -1), (-2, 2), (1, 1)])
def test_a_numerical_optimizer_near_the_mark_lands_on_the_marked_minimum(name, near, offset):
    """L-BFGS in float64 from a point beside the mark (the basins between the ridges are only a few units wide)."""
    minimum = next(m for m in surfaces.EGGHOLDER_MINIMA if m.name == name)
    start = (minimum.point[0] + offset[0], minimum.point[1] + offset[1])
    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([w], lr=1, max_iter=500, tolerance_grad=1e-12, tolerance_change=1e-14,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = surfaces.eggholder_function(w)
        loss.backward()
        return loss

    optimizer.step(closure)
    assert w.detach().tolist() == pytest.approx(minimum.point, abs=1e-3)
    assert value(surfaces.eggholder_function, w.detach().tolist()) == pytest.approx(minimum.value, abs=1e-3)


def test_marked_minima_are_labelled_with_their_computed_position_and_value():
    from core.descent_figures import local_minimum_labels

    labels = local_minimum_labels(surfaces.build_surface("eggholder", surfaces.DEFAULT_CONDITION))
    assert labels == {"first": "(418.56, 171.04), f = −629.63", "second": "(479.05, 434.51), f = −955.26"}


@pytest.mark.parametrize(
    "builder, point, expected",
    [
        (surfaces.rosenbrock, (1.0, 1.0), 0.0),
        (surfaces.rosenbrock, (0.0, 0.0), 1.0),
        (surfaces.rosenbrock, (-1.0, 2.0), 4.0 + 100.0),
        (surfaces.himmelblau, (0.0, 0.0), 121.0 + 49.0),
        (surfaces.rastrigin, (0.0, 0.0), 0.0),
        (surfaces.rastrigin, (1.0, 0.5), 20 + (1 - 10) + (0.25 + 10)),
        (surfaces.beale, (3.0, 0.5), 0.0),
        (surfaces.beale, (0.0, 0.0), 1.5**2 + 2.25**2 + 2.625**2),
        (surfaces.saddle, (1.0, 2.0), -3.0),
    ],
)
def test_standard_functions_at_known_points(builder, point, expected):
    assert builder().value(point) == pytest.approx(expected, abs=1e-12)


def test_quadratic_bowl_condition_number_is_the_ratio_of_curvatures():
    for condition in (1.0, 10.0, 100.0):
        bowl = surfaces.quadratic_bowl(condition)
        _, hessian = gradient_and_hessian(bowl.function, (0.3, -0.7))
        eigenvalues = torch.linalg.eigvalsh(hessian)
        assert float(eigenvalues[1] / eigenvalues[0]) == pytest.approx(condition)
    with pytest.raises(ValueError):
        surfaces.quadratic_bowl(0.5)


@pytest.mark.parametrize("key", ["rosenbrock", "himmelblau", "rastrigin", "beale", "bowl"])
def test_every_listed_minimum_has_zero_gradient_and_the_stated_value(key):
    surface = surfaces.build_surface(key)
    assert surface.minima
    for minimum in surface.minima:
        gradient, _ = gradient_and_hessian(surface.function, minimum.point)
        assert gradient.norm() < 1e-4, minimum
        assert surface.value(minimum.point) == pytest.approx(minimum.value, abs=1e-9)
        assert surface.contains(minimum.point)


def test_himmelblau_has_four_global_minima_and_the_saddle_none():
    assert len([m for m in surfaces.himmelblau().minima if m.is_global]) == 4
    saddle = surfaces.saddle()
    assert saddle.minima == () and saddle.global_minimum is None
    assert saddle.distance_to_nearest_minimum(np.zeros((3, 2))) is None


def test_course_neuron_is_the_mean_cross_entropy_with_bias_five():
    features, labels = surfaces.neuron_data("raw")
    assert features.shape == (100, 2) and labels.sum() == 50
    surface = surfaces.course_neuron("raw")
    w = (1.4, 1.4)
    logits = features @ torch.tensor(w, dtype=torch.float64) + 5.0
    probability = torch.sigmoid(logits)
    expected = -(labels * torch.log(probability) + (1 - labels) * torch.log(1 - probability)).mean()
    assert surface.value(w) == pytest.approx(float(expected), rel=1e-8)
    assert surface.start == (1.4, 1.4)


def test_course_neuron_variants_stretch_and_standardize_the_features():
    raw, _ = surfaces.neuron_data("raw")
    stretched, _ = surfaces.neuron_data("stretched")
    standardized, _ = surfaces.neuron_data("standardized")
    assert torch.allclose(stretched[:, 0], 2.5 * raw[:, 0]) and torch.allclose(stretched[:, 1], raw[:, 1])
    assert torch.allclose(standardized.mean(dim=0), torch.zeros(2, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(standardized.std(dim=0), torch.ones(2, dtype=torch.float64))


def condition_at_minimum(variant):
    surface = surfaces.course_neuron(variant)
    _, hessian = gradient_and_hessian(surface.function, surface.global_minimum.point)
    eigenvalues = torch.linalg.eigvalsh(hessian)
    return float(eigenvalues[1] / eigenvalues[0])


def test_course_neuron_minimum_and_conditioning_per_variant():
    for variant in surfaces.NEURON_VARIANTS:
        surface = surfaces.course_neuron(variant)
        minimum = surface.global_minimum
        gradient, hessian = gradient_and_hessian(surface.function, minimum.point)
        assert gradient.norm() < 1e-8
        assert (torch.linalg.eigvalsh(hessian) > 0).all()
        assert surface.contains(minimum.point) and surface.contains(surface.start)
    # stretching the first feature makes the valley narrower; standardizing makes it rounder
    assert condition_at_minimum("stretched") > condition_at_minimum("raw") > condition_at_minimum("standardized")


def test_grid_orientation_and_domain_checks():
    surface = surfaces.rosenbrock()
    grid = surfaces.sample_grid(surface, 21)
    assert grid.x[0] == -2.0 and grid.x[-1] == 2.0 and grid.y[0] == -1.0 and grid.y[-1] == 3.0
    row, column = 7, 15
    assert grid.z[row, column] == pytest.approx(surface.value((grid.x[column], grid.y[row])))
    assert surface.contains((0.0, 0.0)) and not surface.contains((2.5, 0.0))
    assert surface.inside(np.array([[0.0, 0.0], [0.0, 3.5]])).tolist() == [True, False]
    assert surface.distance_to_nearest_minimum(np.array([[1.0, 4.0]]))[0] == pytest.approx(3.0)


def test_every_surface_key_builds_and_its_start_is_inside():
    for key in surfaces.SURFACE_KEYS:
        surface = surfaces.build_surface(key)
        assert surface.key == key
        assert surface.contains(surface.start)
        assert math.isfinite(surface.value(surface.start))
    with pytest.raises(ValueError):
        surfaces.build_surface("nope")

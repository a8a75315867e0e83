"""Property: the hand-written backward pass equals torch.autograd (float64) on random networks.

A seeded loop over many random architectures, activations and losses stands in for hypothesis.
"""

import numpy as np
import pytest

from core import propagation as bp

CASES = 120
HIDDEN = list(bp.ELEMENTWISE_ACTIVATIONS)


def random_case(rng: np.random.Generator, batch: int) -> tuple[bp.Network, np.ndarray, np.ndarray]:
    depth = int(rng.integers(1, 5))
    widths = [int(w) for w in rng.integers(1, 7, size=depth + 1)]
    loss = str(rng.choice(bp.LOSSES))
    hidden = [str(rng.choice(HIDDEN)) for _ in range(depth - 1)]
    head = bp.LOSS_HEADS.get(loss) or str(rng.choice(bp.ELEMENTWISE_ACTIVATIONS))
    weights = [rng.normal(0, 1, size=(o, i)) for i, o in zip(widths[:-1], widths[1:])]
    biases = [rng.normal(0, 0.5, size=o) for o in widths[1:]]
    net = bp.Network(weights, biases, [*hidden, head], loss)
    x = rng.normal(0, 1.5, size=(batch, widths[0]))
    if loss == "softmax_ce":
        y = np.eye(widths[-1])[rng.integers(0, widths[-1], size=batch)]
    elif loss == "bce":
        y = rng.uniform(0, 1, size=(batch, widths[-1]))
    else:
        y = rng.normal(0, 1, size=(batch, widths[-1]))
    return net, x, y


@pytest.mark.parametrize("seed", range(CASES))
def test_hand_written_backward_equals_autograd_in_float64(seed):
    rng = np.random.default_rng(seed)
    net, x, y = random_case(rng, batch=int(rng.integers(1, 5)))
    trace = bp.propagate(net, x, y)
    auto_cost, auto = bp.autograd_gradients(net, x, y)
    assert trace.cost == pytest.approx(auto_cost, rel=1e-12, abs=1e-14)
    check = bp.compare(
        np.concatenate([g.ravel() for g in bp.gradients(trace)]), np.concatenate([g.ravel() for g in auto])
    )
    assert check.max_abs <= 1e-12 * max(1.0, max(np.abs(g).max() for g in auto)), (net.activations, net.loss, check)


@pytest.mark.parametrize("seed", range(0, CASES, 3))
def test_minibatch_gradient_is_the_mean_of_per_example_gradients(seed):
    rng = np.random.default_rng(10_000 + seed)
    net, x, y = random_case(rng, batch=int(rng.integers(2, 9)))
    batch = bp.gradients(bp.propagate(net, x, y))
    singles = [bp.gradients(bp.propagate(net, x[i], y[i])) for i in range(len(x))]
    for index, gradient in enumerate(batch):
        mean = np.mean([single[index] for single in singles], axis=0)
        np.testing.assert_allclose(gradient, mean, rtol=1e-12, atol=1e-14)
    assert bp.propagate(net, x, y).cost == pytest.approx(np.mean([bp.cost(net, x[i], y[i]) for i in range(len(x))]))


@pytest.mark.parametrize("seed", range(0, CASES, 4))
def test_hand_written_backward_agrees_with_central_differences(seed):
    rng = np.random.default_rng(20_000 + seed)
    net, x, y = random_case(rng, batch=2)
    report = bp.prove(net, x, y)
    assert report.autograd.max_abs <= 1e-11
    # smooth activations only: at a kink (ReLU, step) a difference quotient may straddle it
    if {"relu", "leaky_relu", "step"}.isdisjoint(net.activations):
        assert report.finite_differences.max_abs <= 1e-6
        assert report.finite_differences.checked == net.parameter_count


def test_chain_rule_paths_match_backprop_on_random_networks():
    for seed in range(30):
        rng = np.random.default_rng(30_000 + seed)
        net, x, y = random_case(rng, batch=1)
        trace = bp.propagate(net, x, y)
        layer = int(rng.integers(1, net.n_layers + 1))
        row, col = int(rng.integers(net.widths[layer])), int(rng.integers(net.widths[layer - 1]))
        total = sum(path.product for path in bp.chain_rule_paths(net, trace, layer, row, col))
        assert total == pytest.approx(trace.layers[layer - 1].dW[row, col], rel=1e-10, abs=1e-13)

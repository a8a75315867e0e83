"""The hand-written forward/backward pass against the oracles of docs/course.md §3."""

import numpy as np
import pytest

from core import propagation as bp

ATOL = 5e-7  # the oracles are printed with 6–7 decimals


def test_single_sigmoid_neuron_oracle():
    preset = bp.single_neuron()
    trace = bp.propagate(preset.network, preset.x, preset.y)
    layer = trace.layers[0]
    assert layer.u[0, 0] == pytest.approx(0.1, abs=1e-12)
    assert layer.a[0, 0] == pytest.approx(0.5249792, abs=ATOL)
    assert trace.cost == pytest.approx(0.2256448, abs=ATOL)
    assert layer.phi_prime[0, 0] == pytest.approx(0.2493760, abs=ATOL)
    np.testing.assert_allclose(layer.dW, [[-0.2369176, -0.1184588]], atol=ATOL)
    np.testing.assert_allclose(layer.db, [-0.2369176], atol=ATOL)
    stepped = bp.update(preset.network, trace, preset.learning_rate)
    assert preset.learning_rate == 1.0
    np.testing.assert_allclose(stepped.weights[0], [[0.4369176, -0.2815412]], atol=ATOL)
    np.testing.assert_allclose(stepped.biases[0], [0.3369176], atol=ATOL)
    after = bp.propagate(stepped, preset.x, preset.y)
    assert after.output[0, 0] == pytest.approx(0.6531840, abs=ATOL)
    assert after.cost == pytest.approx(0.1202813, abs=ATOL)


def test_lecture_mlp_forward_oracle():
    preset = bp.lecture_mlp()
    trace = bp.propagate(preset.network, preset.x, preset.y)
    l1, l2, l3 = trace.layers
    np.testing.assert_allclose(l1.u[0], [1, 1], atol=1e-12)
    np.testing.assert_allclose(l1.a[0], [0.731059, 0.731059], atol=5e-7)
    np.testing.assert_allclose(l2.u[0], [0, 0.231059, 1.231059], atol=5e-7)
    np.testing.assert_allclose(l2.a[0], [0.5, 0.557509, 0.774004], atol=5e-7)
    np.testing.assert_allclose(l3.a[0], [-0.274004, 1.194511], atol=5e-7)
    assert trace.cost == pytest.approx(3.049942, abs=5e-7)


def test_lecture_mlp_backward_oracle():
    preset = bp.lecture_mlp()
    trace = bp.propagate(preset.network, preset.x, preset.y)
    l1, l2, l3 = trace.layers
    np.testing.assert_allclose(l3.delta[0], [-2.548008, 2.389022], atol=5e-7)
    np.testing.assert_allclose(l2.delta[0], [-0.338374, 0.589354, 0.654649], atol=5e-7)
    np.testing.assert_allclose(l1.delta[0], [-0.137303, 0.381889], atol=5e-7)
    np.testing.assert_allclose(l3.dW, [[-1.274004, -1.420537, -1.972168], [1.194511, 1.331901, 1.849112]], atol=5e-7)
    np.testing.assert_allclose(l2.dW, [[-0.247371, -0.247371], [0.430852, 0.430852], [0.478586, 0.478586]], atol=5e-7)
    np.testing.assert_allclose(l1.dW, [[-0.137303, 0.137303], [0.381889, -0.381889]], atol=5e-7)
    for layer in trace.layers:
        np.testing.assert_array_equal(layer.db, layer.delta[0])


def test_lecture_mlp_one_step_oracle():
    preset = bp.lecture_mlp()
    trace = bp.propagate(preset.network, preset.x, preset.y)
    assert preset.learning_rate == 0.1
    stepped = bp.update(preset.network, trace, preset.learning_rate)
    assert bp.cost(stepped, preset.x, preset.y) == pytest.approx(0.873236, abs=5e-7)
    np.testing.assert_array_equal(preset.network.weights[0], bp.lecture_mlp().network.weights[0])


def test_softmax_cross_entropy_oracle():
    p, loss, grad = bp.softmax_cross_entropy([2.0, 1.0, 0.1], 0)
    np.testing.assert_allclose(p, [0.6590011, 0.2424330, 0.0985659], atol=ATOL)
    assert loss == pytest.approx(0.4170300, abs=ATOL)
    np.testing.assert_allclose(grad, [-0.3409989, 0.2424330, 0.0985659], atol=ATOL)


def test_softmax_ce_head_gives_p_minus_onehot():
    net = bp.Network([np.eye(3)], [np.zeros(3)], ["softmax"], "softmax_ce")
    trace = bp.propagate(net, [2.0, 1.0, 0.1], [1.0, 0.0, 0.0])
    assert trace.cost == pytest.approx(0.4170300, abs=ATOL)
    np.testing.assert_allclose(trace.layers[0].delta[0], [-0.3409989, 0.2424330, 0.0985659], atol=ATOL)


def test_exercise_net_hand_set_weights_are_alive_and_the_loss_falls():
    preset = bp.exercise_net()
    net = preset.network
    assert net.parameter_count == 10
    assert net.widths == [2, 1, 2, 1]
    trace = bp.propagate(net, preset.x, preset.y)
    assert bp.dead_relus(net, trace) == []
    assert bp.zero_gradient_layers(trace) == []
    a3 = trace.output[0, 0]
    np.testing.assert_allclose(trace.layers[2].delta[0], [a3 - 1.0], atol=1e-15)  # sigmoid + BCE: δ = a − y
    stepped = bp.update(net, trace, preset.learning_rate)
    assert bp.cost(stepped, preset.x, preset.y) < trace.cost


def test_exercise_net_dead_relu_gives_exact_zero_gradients():
    dead = []
    for seed in range(40):
        preset = bp.exercise_net_random(seed)
        trace = bp.propagate(preset.network, preset.x, preset.y)
        _, auto = bp.autograd_gradients(preset.network, preset.x, preset.y)
        for hand, reference in zip(bp.gradients(trace), auto):
            np.testing.assert_allclose(hand, reference, rtol=1e-12, atol=1e-15)
        if trace.layers[0].u[0, 0] <= 0:
            dead.append(seed)
            assert (1, 0) in bp.dead_relus(preset.network, trace)
            # nothing flows back through the dead ReLU: W1 and b1 get exactly 0, and so does W2 (its input a1 is 0)
            assert trace.layers[0].dW.tolist() == [[0.0, 0.0]] and trace.layers[0].db.tolist() == [0.0]
            assert trace.layers[1].dW.tolist() == [[0.0], [0.0]]
            assert 1 in bp.zero_gradient_layers(trace)
            assert auto[0].tolist() == [[0.0, 0.0]] and auto[1].tolist() == [0.0] and not auto[2].any()
        else:
            assert trace.layers[0].u[0, 0] > 0 and (1, 0) not in bp.dead_relus(preset.network, trace)
    assert 8 <= len(dead) <= 32  # "about half of all seeds"


def test_exercise_random_weights_are_reproducible_by_seed():
    a, b = bp.exercise_net_random(7), bp.exercise_net_random(7)
    for wa, wb in zip(bp.parameters(a.network), bp.parameters(b.network)):
        np.testing.assert_array_equal(wa, wb)


def test_exercise_random_weights_are_pytorchs_default_init_and_ignore_the_global_generator():
    import torch
    from torch import nn

    for seed in (0, 3, 12345):
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            layers = [nn.Linear(2, 1), nn.Linear(1, 2), nn.Linear(2, 1)]
            expected = [t.detach().double().numpy() for layer in layers for t in (layer.weight, layer.bias)]
            torch.manual_seed(999)
            preset = bp.exercise_net_random(seed)
        got = [array for pair in zip(preset.network.weights, preset.network.biases) for array in pair]
        for want, have in zip(expected, got):
            np.testing.assert_array_equal(np.asarray(have).reshape(want.shape), want)


def test_chain_rule_paths_sum_to_the_backpropagated_gradient():
    preset = bp.lecture_mlp()
    trace = bp.propagate(preset.network, preset.x, preset.y)
    paths = bp.chain_rule_paths(preset.network, trace, layer=1, row=0, col=1)
    assert len(paths) == 3 * 2
    assert sum(p.product for p in paths) == pytest.approx(trace.layers[0].dW[0, 1], abs=1e-14)
    for path in paths:
        assert len(path.factors) == 1 + 1 + 2 * 2 + 1
    single = bp.chain_rule_paths(preset.network, trace, layer=3, row=1, col=2)
    assert len(single) == 1
    assert single[0].product == pytest.approx(1.849112, abs=5e-7)


def test_chain_rule_paths_with_a_softmax_head():
    rng = np.random.default_rng(3)
    net = bp.Network(
        [rng.normal(size=(3, 2)), rng.normal(size=(4, 3))],
        [rng.normal(size=3), rng.normal(size=4)],
        ["tanh", "softmax"],
        "softmax_ce",
    )
    trace = bp.propagate(net, [0.3, -1.2], [0, 0, 1, 0])
    for row in range(3):
        for col in range(2):
            total = sum(p.product for p in bp.chain_rule_paths(net, trace, 1, row, col))
            assert total == pytest.approx(trace.layers[0].dW[row, col], abs=1e-14)


def test_update_leaves_the_old_network_untouched():
    preset = bp.lecture_mlp()
    before = [p.copy() for p in bp.parameters(preset.network)]
    bp.update(preset.network, bp.propagate(preset.network, preset.x, preset.y), 0.1)
    for old, now in zip(before, bp.parameters(preset.network)):
        np.testing.assert_array_equal(old, now)


def test_overflow_is_reported_not_raised():
    preset = bp.lecture_mlp()
    net = preset.network.copy()
    net.weights[2][0, 0] = 1e308
    trace = bp.propagate(net, [1e10, -1.0], preset.y)
    assert not trace.finite
    assert not np.isfinite(trace.cost)


def test_activation_derivatives_match_the_course():
    xs = np.linspace(-6, 6, 1201)
    phi, dphi = bp.activation_curve("sigmoid", xs)
    assert dphi.max() == pytest.approx(0.25) and xs[dphi.argmax()] == pytest.approx(0.0)
    half, _ = bp.activation_curve("tanh_half", xs)
    np.testing.assert_allclose(half, 2 * phi - 1, atol=1e-15)
    _, relu_prime = bp.activation_curve("relu", np.array([-1.0, 0.0, 1.0]))
    assert relu_prime.tolist() == [0.0, 0.0, 1.0]
    _, step_prime = bp.activation_curve("step", xs)
    assert not step_prime.any()


def test_incompatible_loss_and_head_is_rejected():
    with pytest.raises(ValueError):
        bp.Network([[[1.0]]], [[0.0]], ["linear"], "bce")
    with pytest.raises(ValueError):
        bp.Network([[[1.0, 2.0]]], [[0.0, 1.0]], ["relu"], "squared_error")
    net = bp.lecture_mlp().network.with_activations(loss="softmax_ce")
    assert net.activations[-1] == "softmax"
    assert net.with_activations(loss="squared_error").activations[-1] == "linear"


def test_parameter_counts_of_the_course_networks():
    def count(widths):
        return sum(o * i + o for i, o in zip(widths[:-1], widths[1:]))

    net = bp.Network(
        [np.zeros((o, i)) for i, o in zip([784, 16, 16], [16, 16, 10])],
        [np.zeros(o) for o in (16, 16, 10)],
        ["sigmoid"] * 3,
        "squared_error",
    )
    assert net.parameter_count == count([784, 16, 16, 10]) == 13_002

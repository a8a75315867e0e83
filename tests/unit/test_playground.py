"""The playground engine: learning, losses, divergence, linear collapse, export/import."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from core import playground as pg
from core.toy_data import make_shape, split_points


def data_for(shape: str, n: int = 200, noise: float = 0.0, seed: int = 0, classes: int = 2) -> pg.TrainingData:
    split = split_points(make_shape(shape, n, noise, seed, classes), 0.5, seed)
    return pg.point_training_data(
        split.train.points, split.train.labels, split.test.points, split.test.labels, split.train.n_classes
    )


def test_seeded_2_4_1_tanh_learns_xor_to_full_training_accuracy():
    data = data_for("xor", 200, 0.0, seed=0)
    trainer = pg.Trainer(pg.Architecture(2, (4,), 2, "tanh", "sigmoid_bce"), data, pg.Settings("sgd", 0.3, 16), 0)
    for _ in range(150):
        trainer.step_epoch()
        if trainer.history.train_accuracy[-1] == 1.0:
            break
    assert trainer.history.train_accuracy[-1] == 1.0, trainer.history.train_accuracy[-5:]
    assert trainer.epoch <= 150
    assert trainer.history.train_loss[-1] < trainer.history.train_loss[0] / 3


def test_four_point_xor_with_adam():
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]) * 2 - 1
    y = torch.tensor([0, 1, 1, 0])
    data = pg.TrainingData(x, y, x, y, 2)
    trainer = pg.Trainer(pg.Architecture(2, (4,), 2, "tanh", "sigmoid_bce"), data, pg.Settings("adam", 0.1, 4), 3)
    for _ in range(300):
        trainer.step_epoch()
    assert trainer.history.train_accuracy[-1] == 1.0


def test_training_is_reproducible_for_a_seed():
    def run():
        data = data_for("spiral", 200, 0.1, seed=4, classes=3)
        trainer = pg.Trainer(
            pg.Architecture(2, (8, 8), 3, "relu", "softmax_ce"), data, pg.Settings("adam", 0.01, 16, dropout=0.2), 5
        )
        for _ in range(5):
            trainer.step_epoch()
        return trainer.history.train_loss

    assert run() == run()


@pytest.mark.parametrize(
    ("hidden", "activation", "head", "expected"),
    [
        ((16, 16), "sigmoid", "sigmoid_squared", 13_002),
        ((128,), "relu", "softmax_ce", 101_770),
        ((20,), "relu", "softmax_ce", 15_910),
    ],
)
def test_digit_preset_parameter_counts_match_the_course(hidden, activation, head, expected):
    architecture = pg.Architecture(784, hidden, 10, activation, head)
    assert pg.total_parameters(architecture) == expected
    assert sum(p.numel() for p in pg.build_model(architecture, 0).parameters()) == expected


def test_presets_cover_the_course_networks():
    exercise = pg.PRESETS["exercise_net"]
    architecture = pg.Architecture(2, exercise.hidden, 2, exercise.activation, exercise.head)
    assert architecture.widths == [2, 1, 2, 1] and pg.total_parameters(architecture) == 10
    lecture = pg.PRESETS["lecture_mlp"]
    assert pg.Architecture(2, lecture.hidden, 2, lecture.activation, lecture.head).widths == [2, 2, 3, 2]
    for name in ("net_3b1b", "keras_40_line", "backprop_unit"):
        preset = pg.PRESETS[name]
        assert preset.kind == "digits"
    assert pg.layer_parameter_counts(pg.Architecture(784, (16, 16), 10)) == [
        (784, 16, 12_560),
        (16, 16, 272),
        (16, 10, 170),
    ]


def test_softmax_cross_entropy_matches_the_oracle():
    architecture = pg.Architecture(2, (), 3, head="softmax_ce")
    scores = torch.tensor([[2.0, 1.0, 0.1]], requires_grad=True)
    loss = pg.head_loss(architecture, scores, torch.tensor([0]))
    loss.backward()
    assert loss.item() == pytest.approx(0.4170300, abs=1e-6)
    assert scores.grad[0].tolist() == pytest.approx([-0.3409989, 0.2424330, 0.0985659], abs=1e-6)


def test_squared_error_is_summed_over_outputs_and_averaged_over_examples():
    architecture = pg.Architecture(2, (), 3, head="linear_squared")
    scores = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    # example 1: target class 1 → (1-0)² + (0-1)² = 2; example 2: target class 2 → (2-1)² = 1
    assert pg.head_loss(architecture, scores, torch.tensor([1, 2])).item() == pytest.approx(1.5)


def test_sigmoid_bce_gradient_is_sigma_minus_y():
    architecture = pg.Architecture(2, (), 2, head="sigmoid_bce")
    scores = torch.tensor([[0.3]], requires_grad=True)
    pg.head_loss(architecture, scores, torch.tensor([1])).backward()
    assert scores.grad.item() == pytest.approx(torch.sigmoid(torch.tensor(0.3)).item() - 1)


@pytest.mark.parametrize(
    ("activation", "head", "optimizer"),
    [
        ("sigmoid", "sigmoid_squared", "sgd"),
        ("relu", "linear_squared", "sgd"),
        ("relu", "sigmoid_bce", "adam"),
        ("linear", "softmax_ce", "momentum"),
        ("leaky_relu", "linear_squared", "momentum"),
    ],
)
def test_learning_rate_ten_never_leaves_broken_weights(activation, head, optimizer):
    data = data_for("circle", 200, 0.1, seed=2)
    trainer = pg.Trainer(pg.Architecture(2, (8, 8), 2, activation, head), data, pg.Settings(optimizer, 10.0, 4), 1)
    for _ in range(30):
        if not trainer.step_epoch():
            break
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    assert all(math.isfinite(value) for value in trainer.history.train_loss)
    if trainer.divergence is not None:
        assert trainer.divergence.kind in ("nan", "inf", "exploding")
        assert trainer.divergence.cause in ("learning_rate", "activations")
        assert trainer.step_batch() is False  # paused until a remedy is chosen


def test_divergence_restores_the_last_good_weights_and_the_remedy_lowers_the_rate():
    data = data_for("circle", 200, 0.1, seed=2)
    trainer = pg.Trainer(pg.Architecture(2, (8, 8), 2, "relu", "linear_squared"), data, pg.Settings("sgd", 10.0, 4), 1)
    for _ in range(20):
        if not trainer.step_epoch():
            break
    assert trainer.divergence is not None
    good = trainer.last_good
    assert all(torch.equal(good[key], value) for key, value in trainer.model.state_dict().items())
    assert trainer.epoch == trainer.history.epochs[-1] == trainer.divergence.good_epoch
    trainer.resolve_divergence(pg.lower_learning_rate(10.0))
    assert trainer.divergence is None
    assert trainer.settings.learning_rate == 1.0
    assert trainer.step_batch() is True


def test_lower_learning_rate_snaps_to_the_slider():
    assert pg.lower_learning_rate(10.0) == 1.0
    assert pg.lower_learning_rate(0.3) == 0.03
    assert pg.lower_learning_rate(1e-4) == 1e-4


def test_linear_collapse_equals_the_network():
    model = pg.build_model(pg.Architecture(2, (4, 5, 3), 2, "linear", "sigmoid_bce"), 9)
    weight, bias = pg.collapse_linear(model)
    x = torch.randn(50, 2)
    expected = model(x).double().detach().numpy()
    assert weight.shape == (1, 2) and bias.shape == (1,)
    np.testing.assert_allclose(x.double().numpy() @ weight.T + bias, expected, atol=1e-5)


def test_a_linear_stack_cannot_separate_xor():
    data = data_for("xor", 200, 0.0, seed=0)
    trainer = pg.Trainer(pg.Architecture(2, (4, 4), 2, "linear", "sigmoid_bce"), data, pg.Settings("adam", 0.03, 16), 0)
    for _ in range(40):
        trainer.step_epoch()
    assert trainer.history.train_accuracy[-1] < 0.8


def test_export_then_import_gives_identical_outputs():
    architecture = pg.Architecture(2, (8, 4), 3, "tanh", "softmax_ce")
    source = pg.build_model(architecture, 1)
    target = pg.build_model(architecture, 2)
    x = torch.randn(20, 2)
    assert not torch.equal(source(x), target(x))
    target.load_state_dict(pg.import_weights(pg.export_weights(source), architecture))
    assert torch.equal(source(x), target(x))


def test_trainer_load_weights_restarts_history():
    architecture = pg.Architecture(2, (4,), 2, "tanh", "sigmoid_bce")
    trainer = pg.Trainer(architecture, data_for("circle"), pg.Settings(), 0)
    trainer.step_epoch()
    other = pg.build_model(architecture, 5)
    trainer.load_weights(pg.import_weights(pg.export_weights(other), architecture))
    assert trainer.epoch == 0 and trainer.history.epochs == [0] and trainer.imported
    x = torch.randn(5, 2)
    assert torch.equal(trainer.model(x), other(x))


@pytest.mark.parametrize(
    ("raw_state", "reason"),
    [
        ({"layers.0.weight": torch.zeros(8, 3)}, "keys"),
        ({"a": 1}, "not_state_dict"),
    ],
)
def test_import_rejects_foreign_files(raw_state, reason):
    import io

    buffer = io.BytesIO()
    torch.save(raw_state, buffer)
    with pytest.raises(pg.WeightsError) as caught:
        pg.import_weights(buffer.getvalue(), pg.Architecture(2, (8,), 2))
    assert caught.value.reason == reason


def test_import_checks_shapes_and_values():
    small, large = pg.Architecture(2, (4,), 2), pg.Architecture(2, (8,), 2)
    with pytest.raises(pg.WeightsError) as caught:
        pg.import_weights(pg.export_weights(pg.build_model(small, 0)), large)
    assert caught.value.reason == "shape"
    assert caught.value.details == {"name": "layers.0.weight", "found": "4×2", "expected": "8×2"}
    model = pg.build_model(small, 0)
    with torch.no_grad():
        model.layers[0].bias[0] = float("nan")
    with pytest.raises(pg.WeightsError) as caught:
        pg.import_weights(pg.export_weights(model), small)
    assert caught.value.reason == "not_finite"


def test_import_rejects_garbage_and_pickles():
    import pickle

    for raw in (b"", b"not a torch file", pickle.dumps({"layers.0.weight": [1, 2]})):
        with pytest.raises(pg.WeightsError) as caught:
            pg.import_weights(raw, pg.Architecture(2, (4,), 2))
        assert caught.value.reason in ("unreadable", "not_state_dict")


def test_pytorch_snippet_rebuilds_the_network(tmp_path):
    architecture = pg.Architecture(2, (5, 3), 2, "leaky_relu", "sigmoid_bce")
    model = pg.build_model(architecture, 3)
    (tmp_path / "weights.pt").write_bytes(pg.export_weights(model))
    script = pg.pytorch_snippet(architecture, "weights.pt") + "print(float(model(torch.ones(1, 2))))\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert float(result.stdout) == pytest.approx(model(torch.ones(1, 2)).item(), abs=1e-6)


def test_neuron_maps_and_surfaces_have_the_grid_shape():
    architecture = pg.Architecture(2, (3, 2), 4, "relu", "softmax_ce")
    model = pg.build_model(architecture, 0)
    maps = pg.neuron_maps(model, (-3, 3, -3, 3), 11)
    assert [m.shape for m in maps] == [(2, 11, 11), (3, 11, 11), (2, 11, 11), (4, 11, 11)]
    np.testing.assert_allclose(maps[0][0][0], np.linspace(-3, 3, 11), atol=1e-6)  # input x along a row
    xs, ys, classes, confidence = pg.decision_surface(architecture, model, (-3, 3, -3, 3), 11)
    assert classes.shape == confidence.shape == (11, 11)
    assert set(np.unique(classes)) <= {0, 1, 2, 3}
    assert ((confidence >= 0.25 - 1e-6) & (confidence <= 1)).all()


def test_digit_views_helpers():
    architecture = pg.Architecture(784, (8,), 10, "relu", "softmax_ce")
    model = pg.build_model(architecture, 0)
    x, y = torch.rand(30, 784), torch.arange(30) % 10
    counts = pg.confusion_matrix(architecture, model, x, y)
    assert counts.shape == (10, 10) and counts.sum() == 30
    wrong = pg.misclassified(architecture, model, x, y, limit=5)
    assert len(wrong) <= 5 and all(true != predicted for _, true, predicted in wrong)
    assert len(wrong) == min(5, 30 - int(np.trace(counts)))


def test_gradients_for_display_leave_the_weights_alone():
    trainer = pg.Trainer(pg.Architecture(2, (4,), 2, "tanh"), data_for("moons"), pg.Settings(), 0)
    before = {key: value.clone() for key, value in trainer.model.state_dict().items()}
    grads = trainer.gradients()
    assert [g.shape for g in grads] == [(4, 2), (1, 4)]
    assert all(torch.equal(before[key], value) for key, value in trainer.model.state_dict().items())


def test_settings_change_keeps_weights():
    trainer = pg.Trainer(pg.Architecture(2, (4,), 2, "tanh"), data_for("moons"), pg.Settings(), 0)
    trainer.step_epoch()
    before = {key: value.clone() for key, value in trainer.model.state_dict().items()}
    trainer.apply_settings(pg.Settings("adam", 0.01, 32, "l2", 0.01, 0.1))
    assert isinstance(trainer.optimizer, torch.optim.Adam)
    assert all(torch.equal(before[key], value) for key, value in trainer.model.state_dict().items())
    assert trainer.step_epoch()


def test_every_key_the_page_builds_at_run_time_is_in_the_catalog():
    from core.i18n import catalog
    from core.toy_data import SHAPES

    english = catalog("en")
    keys = [f"playground.head.{h}" for h in pg.HEADS] + [f"playground.loss_note.{h}" for h in pg.HEADS]
    keys += [f"playground.activation.{a}" for a in pg.ACTIVATION_NAMES]
    keys += [f"playground.optimizer.{o}" for o in pg.OPTIMIZERS] + [f"playground.reg.{r}" for r in pg.REGULARIZATIONS]
    keys += [f"playground.shape.{s}" for s in SHAPES] + [f"playground.preset.{p}" for p in ["custom", *pg.PRESETS]]
    keys += [f"playground.source.{s}" for s in ("toy", "own", "digits", "fashion-mnist", "mnist")]
    keys += [f"playground.fashion.{i}" for i in range(10)]
    keys += [f"playground.diverged.{k}" for k in ("nan", "inf", "exploding")]
    keys += [f"playground.diverged_cause.{c}" for c in ("learning_rate", "activations")]
    keys += [
        f"playground.csv_error.{r}"
        for r in (
            "encoding",
            "no_header",
            "missing_columns",
            "no_rows",
            "too_many_rows",
            "not_a_number",
            "not_finite",
            "missing_value",
            "single_class",
            "too_many_classes",
        )
    ]
    keys += [f"playground.import_error.{r}" for r in ("unreadable", "not_state_dict", "keys", "shape", "not_finite")]
    assert [key for key in keys if key not in english] == []

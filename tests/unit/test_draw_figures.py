"""The drawing page's model read-out (core.prediction) and figure builders (core.draw_figures)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core import draw_figures as figures
from core.models import MLP, DigitCNN
from core.prediction import grid_shape, misclassified, predict


def test_mlp_hidden_activations_are_the_layers_outputs():
    torch.manual_seed(0)
    model = MLP([784, 16, 16, 10], "sigmoid", output_activation="sigmoid").eval()
    image = np.random.default_rng(0).random((28, 28), dtype=np.float32)
    result = predict(model, image)
    x = torch.tensor(image).reshape(1, 784)
    first = torch.sigmoid(model.layers[0](x))
    second = torch.sigmoid(model.layers[2](first))
    np.testing.assert_allclose(result.hidden[0], first[0].detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(result.hidden[1], second[0].detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(result.outputs, torch.sigmoid(model.layers[4](second))[0].detach().numpy(), rtol=1e-6)
    assert result.probabilities.sum() == pytest.approx(1.0)
    assert result.feature_maps == {}


def test_cnn_prediction_has_every_conv_layers_maps():
    model = DigitCNN().eval()
    result = predict(model, np.zeros((28, 28), np.float32))
    assert {name: maps.shape for name, maps in result.feature_maps.items()} == {
        "conv1": (16, 28, 28), "conv2": (32, 14, 14), "conv3": (64, 7, 7)}
    assert result.hidden == [] and 0 <= result.top <= 9


def test_cnn_prediction_in_one_pass_matches_the_models_forward():
    torch.manual_seed(1)
    model = DigitCNN().eval()
    image = np.random.default_rng(2).random((28, 28), dtype=np.float32)
    result = predict(model, image)
    with torch.no_grad():
        scores = model(torch.tensor(image).reshape(1, 1, 28, 28))[0].numpy()
        conv2 = model.feature_maps(torch.tensor(image).reshape(1, 1, 28, 28))["conv2"][0].numpy()
    np.testing.assert_allclose(result.scores, scores, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(result.feature_maps["conv2"], conv2, rtol=1e-6)
    np.testing.assert_allclose(result.probabilities, torch.softmax(torch.tensor(scores), 0).numpy(), rtol=1e-5)


def test_misclassified_lists_exactly_the_wrong_ones():
    model = MLP([784, 10]).eval()
    images = np.random.default_rng(1).random((50, 28, 28), dtype=np.float32)
    predicted = predict_all(model, images)
    labels = predicted.copy()
    labels[[3, 17]] = (labels[[3, 17]] + 1) % 10
    assert misclassified(model, images, labels).tolist() == [3, 17]


def predict_all(model, images):
    return np.array([predict(model, image).top for image in images])


@pytest.mark.parametrize(("count", "shape"), [(128, (8, 16)), (16, (4, 4)), (10, (2, 5)), (13, (3, 5)), (1, (1, 1))])
def test_grid_shape(count, shape):
    assert grid_shape(count) == shape


def test_block_mean_keeps_small_images_and_averages_large_ones():
    small = np.arange(28 * 28, dtype=float).reshape(28, 28)
    assert figures.block_mean(small)[1] == 1
    large = np.zeros((280, 280))
    large[:4, :4] = 1.0
    shown, block = figures.block_mean(large)
    assert block == 4 and shown.shape == (70, 70) and shown[0, 0] == 1.0 and shown.sum() == 1.0


def test_mosaic_tiles_every_map_with_its_number():
    maps = np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2)
    tiled, numbers = figures.mosaic(maps, columns=2)
    assert tiled.shape == (5, 5)
    np.testing.assert_array_equal(tiled[3:5, 0:2], maps[2])
    assert np.isnan(tiled[2]).all() and np.isnan(tiled[3:, 3:]).all()
    assert numbers[0, 3] == 1 and numbers[4, 1] == 2 and numbers[2, 0] == -1
    assert numbers.dtype == np.int8  # one byte a cell on the wire


def test_stages_figure_has_a_panel_per_stage_with_values_on_hover():
    rgba = np.full((280, 280, 4), 255, np.uint8)
    stages = [("raw", rgba), ("ink", np.zeros((280, 280))), ("input", np.ones((28, 28)))]
    figure = figures.stages_figure(stages, "Value", "block of {block}")
    assert [trace.type for trace in figure.data] == ["image", "heatmap", "heatmap"]
    assert [trace.xaxis for trace in figure.data] == ["x", "x2", "x3"]
    assert "block of 4" in figure.data[1].hovertemplate and "block" not in figure.data[2].hovertemplate
    assert [a.text for a in figure.layout.annotations] == ["raw", "ink", "input"]


def test_feature_maps_travel_as_32_bit_floats_without_hover_on_the_gaps():
    figure = figures.feature_maps_figure(np.random.default_rng(3).random((4, 5, 5)), "t", "Map", "Activation", 2)
    trace = figure.data[0]
    assert np.asarray(trace.z).dtype == np.float32 and trace.hoverongaps is False


def test_colour_scales_avoid_the_themes_placeholder_colours():
    placeholders = {f"#{n:06d}" for n in range(1, 11)}
    for scale in (figures.HEAT, figures.GREY, figures.SIGNED, figures.OVERLAY):
        assert not {colour.lower() for _, colour in scale} & placeholders


def test_probability_bars_highlight_the_top_class():
    probabilities = np.full(10, 0.05)
    probabilities[4] = 0.55
    bars = figures.probability_bars(probabilities, "t", "Digit", "Probability").data[0]
    assert bars.marker.color[4] == figures.TOP_COLOUR
    assert sum(colour == figures.TOP_COLOUR for colour in bars.marker.color) == 1


def test_grad_cam_figure_uses_a_diverging_scale_for_signed_maps():
    image = np.zeros((28, 28))
    positive = figures.gradcam_figure(image, np.ones((28, 28)), np.ones((7, 7)), "a", "b", "v", "p")
    signed = figures.gradcam_figure(image, -np.ones((28, 28)), -np.ones((7, 7)), "a", "b", "v", "p")
    assert positive.data[2].zmin == 0.0
    assert signed.data[2].zmin == -signed.data[2].zmax

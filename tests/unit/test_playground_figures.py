"""Figure builders: what the student sees on hover and where the traces go."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.io as pio
import pytest
from PIL import Image
from plotly.colors import hex_to_rgb

from core import playground as pg
from core import playground_figures as figs

TEXTS = figs.NetworkTexts("net", ["in", "h1", "out"], "", "act", "w =", "dL/dw =", "value")


def two_layer_figure(tiles=True):
    architecture = pg.Architecture(2, (3,), 2, "tanh")
    model = pg.build_model(architecture, 0)
    weights = [layer.weight.detach().numpy() for layer in model.linear_layers()]
    grads = [np.full_like(w, 0.5) for w in weights]
    activations = pg.example_activations(model, pg.torch.tensor([0.5, -1.0]))
    maps = pg.neuron_maps(model, (-3, 3, -3, 3), 8) if tiles else None
    return figs.network_figure(weights, grads, activations, TEXTS, maps), weights


def test_edge_hover_gives_every_weight_and_its_gradient():
    figure, weights = two_layer_figure()
    hover = [trace for trace in figure.data if trace.customdata is not None and "w =" in (trace.hovertemplate or "")]
    assert len(hover) == 1
    custom = np.array(hover[0].customdata, dtype=float)
    assert len(custom) == 2 * 3 + 3 * 1
    np.testing.assert_allclose(sorted(custom[:, 0]), sorted(np.concatenate([w.ravel() for w in weights])), rtol=1e-6)
    assert (custom[:, 1] == 0.5).all()


def test_edges_are_coloured_by_sign_and_wider_when_larger():
    figure, _ = two_layer_figure(tiles=False)
    lines = [trace for trace in figure.data if trace.mode == "lines"]
    colours = {trace.line.color for trace in lines}
    assert colours <= {figs.POSITIVE, figs.NEGATIVE}
    widest = max(lines, key=lambda trace: trace.line.width)
    assert widest.line.width > min(trace.line.width for trace in lines) or len(lines) == 1


def picture(source: str) -> np.ndarray:
    """The RGB pixels of a layout image's PNG data URL."""
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("RGB"))


def test_every_neuron_gets_a_tile_over_the_plane():
    figure, _ = two_layer_figure()
    tiles = figure.layout.images
    assert len(tiles) == 2 + 3 + 1
    assert all(tile.source.startswith("data:image/png;base64,") for tile in tiles)
    assert [tile.sizex for tile in tiles] == pytest.approx([figs.TILE] * 6)
    assert picture(tiles[0].source).shape == (8, 8, 3)
    hover = [trace for trace in figure.data if "value" in (trace.hovertemplate or "")]
    assert len(hover) == 1 and len(hover[0].x) == 6
    assert pio.to_json(figure)  # serialisable


def test_tile_pictures_put_the_top_of_the_plane_on_top():
    """The input y is negative below and positive above: blue (positive) on the top row, orange below."""
    figure, _ = two_layer_figure()
    y_input = picture(figure.layout.images[1].source).astype(int)
    blue, orange = np.array(hex_to_rgb(figs.POSITIVE)), np.array(hex_to_rgb(figs.NEGATIVE))
    assert np.abs(y_input[0] - blue).sum(axis=1).max() < 40
    assert np.abs(y_input[-1] - orange).sum(axis=1).max() < 40


def test_decision_regions_are_a_picture_over_the_extent_with_output_on_hover():
    texts = figs.PlaneTexts("regions", ["a", "b"], "train", "test", "p =", "add")
    xs = ys = np.linspace(-3, 3, 7)
    confidence = np.tile((ys > 0).astype(float)[:, None], (1, 7))  # p(b) = 1 above the x axis
    surface = (xs, ys, confidence.astype(int), confidence)
    train = (np.array([[-2.0, 2.0], [2.0, -2.0]], dtype=np.float32), np.array([1, 0]))
    test = (np.array([[0.2, 2.9]], dtype=np.float32), np.array([1]))
    figure = figs.decision_figure((-3, 3, -3, 3), texts, train, test, surface, binary=True)
    (regions,) = figure.layout.images
    assert (regions.x, regions.y, regions.sizex, regions.sizey) == (-3.5, 3.5, 7.0, 7.0)
    pixels = picture(regions.source).astype(int)
    assert np.abs(pixels[0] - np.array(hex_to_rgb(figs.POSITIVE))).sum(axis=1).max() < 40
    assert np.abs(pixels[-1] - np.array(hex_to_rgb(figs.NEGATIVE))).sum(axis=1).max() < 40
    outputs = {trace.name: list(trace.customdata) for trace in figure.data if "p =" in (trace.hovertemplate or "")}
    assert outputs == {"a · train": [0.0], "b · train": [1.0], "b · test": [1.0]}


def test_wide_layers_are_cut_to_the_strongest_neurons():
    rng = np.random.default_rng(0)
    weights = [rng.normal(size=(20, 784)), rng.normal(size=(10, 20))]
    weights[0][:, 5] *= 100
    shown = figs.shown_neurons(weights)
    assert [len(s) for s in shown] == [16, 16, 10]
    assert 5 in shown[0]


def test_decision_figure_has_click_grid_and_points():
    texts = figs.PlaneTexts("regions", ["a", "b", "c"], "train", "test", "p", "add")
    train = (np.array([[0, 0], [1, 1]], dtype=np.float32), np.array([0, 2]))
    test = (np.array([[0.5, 0.5]], dtype=np.float32), np.array([1]))
    surface = (np.linspace(-3, 3, 5), np.linspace(-3, 3, 5), np.zeros((5, 5), int), np.ones((5, 5)))
    figure = figs.decision_figure((-3, 3, -3, 3), texts, train, test, surface, binary=False, click_grid=7)
    grid = [trace for trace in figure.data if trace.name == "add"]
    assert len(grid) == 1 and len(grid[0].x) == 49
    names = [trace.name for trace in figure.data if trace.type == "scatter" and trace.name != "add"]
    assert names == ["a · train", "c · train", "b · test"]


def test_curves_gallery_and_confusion_build():
    texts = figs.CurveTexts("curves", "epoch", "loss", "accuracy", "train", "test")
    curves = figs.curves_figure([0, 1], [1.0, 0.5], [1.1, 0.6], [0.5, 0.8], [0.4, 0.7], texts)
    assert [trace.yaxis for trace in curves.data] == ["y", "y", "y2", "y2"]
    confusion = figs.confusion_figure(np.eye(3, dtype=int), ["0", "1", "2"], "c", "true", "predicted")
    assert confusion.data[0].z.tolist() == np.eye(3).tolist()
    gallery = figs.gallery_figure(np.zeros((7, 28, 28)), [f"#{i}" for i in range(7)], "wrong", columns=6)
    assert len(gallery.layout.annotations) == 7
    assert gallery.data[0].z.shape == (64, 192)

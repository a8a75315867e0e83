"""Figure builders of the gradient-descent page: playback frames, the click layer, the contour picture, log colours,
curves."""

import base64
import dataclasses
import io

import numpy as np
import plotly.colors
import plotly.io
import pytest
from PIL import Image

from core import descent_figures as figures
from core import optim_paths as optim
from core import surfaces

TEXT = figures.MapText("w0", "w1", "loss", "loss", "click", "start", "global", "local", "domain", "Play", "Pause",
                       "step", "3-D")


def race(surface, steps):
    racers = [optim.OptimizerSettings(kind="sgd", lr=0.001), optim.OptimizerSettings(kind="adam", lr=0.05,
                                                                                     schedule="warmup_decay")]
    return optim.race(surface, racers, surface.start, optim.RunSettings(steps=steps))


def background(surface, resolution=40):
    return figures.map_background(surface, surfaces.sample_grid(surface, resolution))


def picture(background: figures.MapBackground) -> np.ndarray:
    header, encoded = background.image.split(",", 1)
    assert header == "data:image/webp;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB"), dtype=float)


def values(array) -> np.ndarray:
    """A frame's coordinates: plotly.js typed arrays (float32, base64)."""
    assert array["dtype"] == "f4"
    return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.float32)


def test_map_has_a_click_layer_every_path_and_playback_frames():
    surface = surfaces.rosenbrock()
    paths = race(surface, 300)
    figure = figures.map_figure(surface, background(surface), paths, ["a", "b"], surface.start, TEXT)
    click_layer = figure.data[0]
    assert click_layer.mode == "markers" and len(click_layer.x) == figures.CLICK_GRID**2
    assert min(click_layer.x) == -2.0 and max(click_layer.y) == 3.0
    # hover gives the loss at every grid point; only one invisible marker is drawn, clicks still find every point
    corner = int(np.argmax((click_layer.x == 1.0) & (click_layer.y == 1.0)))
    assert click_layer.customdata[corner] == pytest.approx(0.0, abs=1e-9)
    assert click_layer.customdata[0] == pytest.approx(surface.value((-2.0, -1.0)), rel=1e-6)
    assert click_layer.marker.maxdisplayed == 1 and click_layer.marker.opacity == 0.0
    assert click_layer.marker.showscale and float(click_layer.marker.colorbar.ticktext[0]) == pytest.approx(0, abs=0.01)
    image = figure.layout.images[0]
    assert (image.x, image.y, image.sizex, image.sizey) == (-2.0, 3.0, 4.0, 4.0) and image.layer == "below"
    path_traces = [trace for trace in figure.data if trace.name in ("a", "b") and trace.showlegend is not False]
    assert [len(trace.x) for trace in path_traces] == [301, 301]
    assert all(trace.mode == "lines" for trace in path_traces)  # no marker per step on long paths
    first_steps = [trace for trace in figure.data if trace.name in ("a", "b") and trace.showlegend is False]
    assert [list(trace.text) for trace in first_steps] == [[str(k) for k in range(figures.NUMBERED_POINTS)]] * 2
    assert list(first_steps[0].marker.symbol[:figures.ARROWED_STEPS + 2]) == ["circle"] + ["arrow"] * 5 + ["circle"]
    assert 1 < len(figure.frames) <= figures.MAX_FRAMES
    assert figure.frames[-1].name == "300"
    last = figure.frames[-1]
    np.testing.assert_allclose([values(last.data[0].x)[-1], values(last.data[0].y)[-1]], paths[0].points[-1],
                               rtol=1e-6)
    assert all(len(frame.data) == 4 for frame in figure.frames)
    # every frame keeps the numbered first points exactly, so their arrows and numbers stay in place
    middle = figure.frames[len(figure.frames) // 2]
    np.testing.assert_allclose(values(middle.data[0].x)[:figures.NUMBERED_POINTS],
                               paths[0].points[:figures.NUMBERED_POINTS, 0], rtol=1e-6)
    assert len(values(figure.frames[0].data[2].x)) == 1 and len(values(last.data[2].x)) == figures.NUMBERED_POINTS
    assert list(figure.layout.sliders[0].steps[-1].args[0]) == ["300"]
    assert figure.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True
    plotly.io.to_json(figure, validate=False)


def test_short_paths_get_one_frame_per_step():
    surface = surfaces.eggholder()
    paths = [optim.course_experiment(False)]
    figure = figures.map_figure(surface, background(surface, 30), paths, ["course"], surface.start, TEXT)
    assert [frame.name for frame in figure.frames] == [str(k) for k in range(11)]
    assert len(values(figure.frames[3].data[0].x)) == 4


def test_log_colours_label_the_real_values():
    surface = surfaces.rosenbrock()
    grid = surfaces.sample_grid(surface, 50)
    shown, ticks = figures.colour_values(surface, grid.z)
    assert shown.min() == 0.0
    assert float(ticks["ticktext"][0]) == pytest.approx(grid.z.min(), rel=1e-3)
    assert float(ticks["ticktext"][2]) == pytest.approx(grid.z.min() + 99, rel=1e-3)
    assert figures.colour_values(surfaces.eggholder(), grid.z)[1] == {}


def test_contour_picture_colours_the_surface_and_draws_level_lines():
    surface = surfaces.quadratic_bowl(1.0)
    grid = surfaces.sample_grid(surface, 101)
    shown = background(surface, 101)
    pixels = picture(shown)
    assert pixels.shape == (101 * figures.LINE_SUPERSAMPLING, 101 * figures.LINE_SUPERSAMPLING, 3)
    darkest, brightest = figures.COLOUR_SCALE[0][1], figures.COLOUR_SCALE[-1][1]
    centre = pixels.shape[0] // 2
    middle = pixels[centre - 3: centre + 3, centre - 3: centre + 3]
    np.testing.assert_allclose(middle.mean(axis=(0, 1)), plotly_rgb(darkest), atol=12)  # the bowl's minimum
    np.testing.assert_allclose(pixels[2, 2], plotly_rgb(brightest), atol=12)  # its highest corner (top left)
    # the bowl is coloured by log10(f − min + 1): 0 at its minimum, 1 at its corners (f = 9)
    assert (shown.colour_low, shown.colour_high) == (pytest.approx(0.0), pytest.approx(np.log10(grid.z.max() + 1)))
    # level lines: along the middle row, brightness jumps up where the colour band changes
    row = pixels[pixels.shape[0] // 2].sum(axis=1)
    assert ((row[1:-1] > row[:-2] + 60) & (row[1:-1] > row[2:] + 60)).sum() >= figures.CONTOUR_LEVELS // 2


def plotly_rgb(colour: str) -> np.ndarray:
    return np.array(plotly.colors.hex_to_rgb(colour), dtype=float)


def test_restarts_map_shares_the_picture_and_hover_values():
    surface = surfaces.himmelblau()
    starts = np.array([[0.0, 0.0], [1.0, 1.0]])
    ends = np.array([[3.0, 2.0], [3.0, 2.0]])
    shown = background(surface)
    figure = figures.restarts_figure(surface, shown, starts, ends, (3.0, 2.0),
                                     figures.RestartText(TEXT, "starts", "ends", "best"))
    assert figure.layout.images[0].source == shown.image
    assert "click" not in figure.data[0].hovertemplate and figure.data[0].customdata is not None


def test_race_curves_mark_the_sequential_restart_and_skip_missing_distances():
    surface = surfaces.himmelblau()
    paths = race(surface, 20)
    text = figures.RaceCurveText(figures.CurveText("loss", "step", "loss"),
                                 figures.CurveText("lr", "step", "lr", note="restart"),
                                 figures.CurveText("d", "step", "d", empty="none"))
    curves = figures.race_curves_figure(paths, ["a", "b"], text)
    assert [trace.name for trace in curves.data] == ["a", "b"] * 3
    assert [trace.showlegend for trace in curves.data] == [True, True] + [False] * 4
    assert [trace.xaxis for trace in curves.data] == ["x", "x", "x2", "x2", "x3", "x3"]
    np.testing.assert_allclose(curves.data[2].y, paths[0].lrs)
    restarts = [annotation for annotation in curves.layout.annotations if annotation.text == "restart"]
    assert len(restarts) == 1 and restarts[0].x == optim.WARMUP_EPOCHS and restarts[0].xref == "x2"
    assert curves.layout.yaxis3.type == "log"
    no_minimum = [dataclasses.replace(optim.course_experiment(False), distances=None)]
    empty = figures.race_curves_figure(no_minimum, ["a"], text)
    assert [trace.xaxis for trace in empty.data] == ["x", "x2"]
    assert any(annotation.text == "none" for annotation in empty.layout.annotations)


def test_parabola_and_surface_figures():
    panels = [figures.ParabolaPanel(f"lr {lr}", optim.parabola_path(lr, steps=5)) for lr in optim.PARABOLA_RATES]
    figure = figures.parabola_figure(panels, "x", "f", "step")
    assert len(figure.data) == 8
    surface = surfaces.beale()
    three_d = figures.surface_figure(surface, surfaces.sample_grid(surface, 20), race(surface, 5), ["a", "b"], TEXT)
    assert three_d.data[0].type == "surface" and three_d.data[0].surfacecolor is not None


def test_every_marked_minimum_is_labelled_on_the_map_with_its_position_and_value():
    surface = surfaces.eggholder()
    paths = race(surface, 10)
    figure = figures.map_figure(surface, background(surface), paths, ["a", "b"], surface.start, TEXT)
    labels = {annotation.text: (annotation.x, annotation.y) for annotation in figure.layout.annotations}
    assert labels == {figures.minimum_label(minimum): minimum.point for minimum in surface.minima}
    assert "(418.56, 171.04), f = −629.63" in labels and "(512.00, 404.23), f = −959.64" in labels
    offsets = {(annotation.ax, annotation.ay) for annotation in figure.layout.annotations}
    assert len(offsets) == len(surface.minima)  # minima close together get labels on different sides

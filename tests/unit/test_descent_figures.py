"""Figure builders of the gradient-descent page: playback frames, the click layer, log colours, curves."""

import dataclasses

import numpy as np
import plotly.io
import pytest

from core import descent_figures as figures
from core import optim_paths as optim
from core import surfaces

TEXT = figures.MapText("w0", "w1", "loss", "loss", "click", "start", "global", "local", "domain", "Play", "Pause",
                       "step", "3-D")


def race(surface, steps):
    racers = [optim.OptimizerSettings(kind="sgd", lr=0.001), optim.OptimizerSettings(kind="adam", lr=0.05,
                                                                                     schedule="warmup_decay")]
    return optim.race(surface, racers, surface.start, optim.RunSettings(steps=steps))


def test_map_has_a_click_layer_every_path_and_playback_frames():
    surface = surfaces.rosenbrock()
    paths = race(surface, 300)
    figure = figures.map_figure(surface, surfaces.sample_grid(surface, 40), paths, ["a", "b"], surface.start, TEXT)
    click_layer = figure.data[1]
    assert click_layer.mode == "markers" and len(click_layer.x) == figures.CLICK_GRID**2
    assert min(click_layer.x) == -2.0 and max(click_layer.y) == 3.0
    path_traces = [trace for trace in figure.data if trace.name in ("a", "b") and trace.showlegend is not False]
    assert [len(trace.x) for trace in path_traces] == [301, 301]
    assert all(trace.mode == "lines" for trace in path_traces)  # no marker per step on long paths
    first_steps = [trace for trace in figure.data if trace.name in ("a", "b") and trace.showlegend is False]
    assert [list(trace.text) for trace in first_steps] == [[str(k) for k in range(figures.NUMBERED_POINTS)]] * 2
    assert list(first_steps[0].marker.symbol[:figures.ARROWED_STEPS + 2]) == ["circle"] + ["arrow"] * 5 + ["circle"]
    assert 1 < len(figure.frames) <= figures.MAX_FRAMES
    assert figure.frames[-1].name == "300"
    last = figure.frames[-1]
    np.testing.assert_allclose([last.data[0].x[-1], last.data[0].y[-1]], paths[0].points[-1], rtol=1e-6)
    assert all(len(frame.data) == 4 for frame in figure.frames)
    # every frame keeps the numbered first points exactly, so their arrows and numbers stay in place
    middle = figure.frames[len(figure.frames) // 2]
    np.testing.assert_allclose(middle.data[0].x[:figures.NUMBERED_POINTS],
                               paths[0].points[:figures.NUMBERED_POINTS, 0], rtol=1e-6)
    assert len(figure.frames[0].data[2].x) == 1 and len(last.data[2].x) == figures.NUMBERED_POINTS
    assert list(figure.layout.sliders[0].steps[-1].args[0]) == ["300"]
    assert figure.layout.updatemenus[0].buttons[0].args[1]["frame"]["redraw"] is True
    plotly.io.to_json(figure, validate=False)


def test_short_paths_get_one_frame_per_step():
    surface = surfaces.eggholder()
    paths = [optim.course_experiment(False)]
    figure = figures.map_figure(surface, surfaces.sample_grid(surface, 30), paths, ["course"], surface.start, TEXT)
    assert [frame.name for frame in figure.frames] == [str(k) for k in range(11)]
    assert len(figure.frames[3].data[0].x) == 4


def test_log_colours_label_the_real_values():
    surface = surfaces.rosenbrock()
    grid = surfaces.sample_grid(surface, 50)
    shown, ticks = figures.colour_values(surface, grid.z)
    assert shown.min() == 0.0
    assert float(ticks["ticktext"][0]) == pytest.approx(grid.z.min(), rel=1e-3)
    assert float(ticks["ticktext"][2]) == pytest.approx(grid.z.min() + 99, rel=1e-3)
    assert figures.colour_values(surfaces.eggholder(), grid.z)[1] == {}


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

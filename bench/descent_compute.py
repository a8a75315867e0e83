"""`python -m bench.descent_compute`: six optimizers × 1,000 steps on the eggholder, computed and drawn.

Times what the gradient-descent page does for one race of every torch.optim rule: the race itself
(core.optim_paths.race), building every figure the race tab shows (contour map with playback frames,
3-D surface, and the loss, learning-rate and distance panels), and serializing them to JSON as st.plotly_chart does.
The surface grids and the map's contour picture are cached by the page, so they are built once before timing.
A first untimed run loads torch.optim's lazily imported modules. Run by hand on an otherwise idle machine; target ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import plotly.io

from core import descent_figures as figures
from core import optim_paths as optim
from core import surfaces

MAP_GRID_RESOLUTION = 225  # as pages/descent.py samples them
SURFACE_GRID_RESOLUTION = 90
RACERS = tuple(
    optim.OptimizerSettings(kind=kind, lr=optim.suggested_lr("eggholder", kind)) for kind in optim.OPTIMIZER_KINDS
)
TEXT = figures.MapText("w0", "w1", "loss", "loss", "click", "start", "global minimum", "local minimum", "domain",
                       "Play", "Pause", "step", "3-D")
CURVE_TEXT = figures.RaceCurveText(figures.CurveText("loss", "step", "loss"),
                                   figures.CurveText("lr", "step", "lr", note="restart"),
                                   figures.CurveText("d", "step", "d", empty="none"))


def one_race(background: figures.MapBackground, grid_3d: surfaces.Grid) -> dict[str, float]:
    surface = surfaces.eggholder()
    names = [settings.kind for settings in RACERS]
    started = time.perf_counter()
    paths = optim.race(surface, RACERS, surface.start, optim.RunSettings(steps=1000))
    computed = time.perf_counter()
    built = [
        figures.map_figure(surface, background, paths, names, surface.start, TEXT),
        figures.surface_figure(surface, grid_3d, paths, names, TEXT),
        figures.race_curves_figure(paths, names, CURVE_TEXT),
    ]
    drawn = time.perf_counter()
    sizes = [len(plotly.io.to_json(figure, validate=False)) for figure in built]
    serialized = time.perf_counter()
    assert all(path.steps_taken == 1000 or path.stop is not None for path in paths)
    return {"compute": computed - started, "figures": drawn - computed, "json": serialized - drawn,
            "total": serialized - started, "megabytes": sum(sizes) / 1e6}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.descent_compute", description=__doc__)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args(argv)
    surface = surfaces.eggholder()
    background = figures.map_background(surface, surfaces.sample_grid(surface, MAP_GRID_RESOLUTION))
    grid_3d = surfaces.sample_grid(surface, SURFACE_GRID_RESOLUTION)
    one_race(background, grid_3d)
    runs = [one_race(background, grid_3d) for _ in range(args.repetitions)]
    print(f"6 optimizers × 1,000 steps on the eggholder, {args.repetitions} runs (median, min, max in seconds):")
    for part in ("compute", "figures", "json", "total"):
        values = [run[part] for run in runs]
        print(f"  {part:<8} {statistics.median(values):6.3f}  {min(values):6.3f}  {max(values):6.3f}")
    print(f"  figure JSON sent to the browser: {runs[0]['megabytes']:.2f} MB")


if __name__ == "__main__":
    main()

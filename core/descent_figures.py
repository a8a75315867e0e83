"""Plotly figures for the gradient-descent page: pure functions from grids and paths to figures.

Every visible string arrives already translated (the `text` arguments); nothing here knows a language.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import torch
import torch.nn.functional as F
from PIL import Image
from plotly.colors import get_colorscale, hex_to_rgb
from plotly.subplots import make_subplots

from core import palette
from core.optim_paths import WARMUP_EPOCHS, Path
from core.surfaces import Grid, Surface

COLOURS = palette.SERIES
NUMBERED_POINTS = 10
ARROWED_STEPS = 5
MAX_FRAMES = 60
MARKED_PATH_POINTS = 201
MARKED_RATES = 60  # the learning-rate panel marks every step of short runs only
CLICK_GRID = 41
MARGIN = 0.12
COLOUR_SCALE = get_colorscale("Viridis")
CONTOUR_LEVELS = 30
CONTOUR_LINE_MIX = 0.35  # a contour line is white mixed 35 % into the colour beneath it
LINE_SUPERSAMPLING = 2  # contour lines are traced on a grid this many times finer, so they are thin and smooth
IMAGE_QUALITY = 80


@dataclass(frozen=True)
class MapText:
    """Translated strings of the map, the 3-D view and the playback controls."""

    x_title: str
    y_title: str
    value: str
    colour_title: str
    click_hint: str
    start: str
    global_minimum: str
    local_minimum: str
    domain: str
    play: str
    pause: str
    step: str
    title_3d: str


@dataclass(frozen=True)
class CurveText:
    title: str
    x_title: str
    y_title: str
    empty: str = ""
    note: str = ""


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def colour_values(surface: Surface, z: np.ndarray, floor: float | None = None) -> tuple[np.ndarray, dict]:
    """The values to colour by, and colour-bar ticks: log10(f − floor + 1) on surfaces that span decades (floor:
    the lowest value of z unless given)."""
    if not surface.log_colours:
        return z, {}
    floor = float(np.nanmin(z)) if floor is None else floor
    shifted = np.log10(np.maximum(z - floor, 0.0) + 1.0)
    top = float(np.nanmax(shifted))
    ticks = np.arange(0.0, np.ceil(top) + 1.0)
    return shifted, {"tickvals": ticks.tolist(), "ticktext": [f"{floor + 10**tick - 1:.3g}" for tick in ticks]}


@dataclass(frozen=True)
class MapBackground:
    """What the map shows of a surface whatever the race: its coloured contour picture (a WebP data URL), the range
    of colour values the picture spans with the colour-bar ticks, and a grid of points with their loss for hover
    and clicks."""

    image: str
    colour_low: float
    colour_high: float
    ticks: dict
    points: np.ndarray
    losses: np.ndarray
    colours: np.ndarray


def map_background(surface: Surface, grid: Grid) -> MapBackground:
    """The surface's contour picture drawn from a fine grid: colours as Plotly's contour heatmap colouring, and white
    lines between CONTOUR_LEVELS equal colour bands (one image the browser only has to paint)."""
    shown, ticks = colour_values(surface, grid.z)
    finite = np.isfinite(shown)
    low, high = (float(shown[finite].min()), float(shown[finite].max())) if finite.any() else (0.0, 1.0)
    unit = np.clip((np.where(finite, shown, low) - low) / max(high - low, 1e-12), 0.0, 1.0)
    fine = F.interpolate(torch.from_numpy(unit)[None, None], scale_factor=LINE_SUPERSAMPLING, mode="bilinear",
                         align_corners=True)[0, 0].numpy()
    rgb = _colour_table()[np.rint(fine * 255).astype(int)]
    band = np.minimum(np.floor(fine * CONTOUR_LEVELS), CONTOUR_LEVELS - 1)
    line = np.zeros(band.shape, dtype=bool)
    line[:, 1:] |= band[:, 1:] != band[:, :-1]
    line[1:, :] |= band[1:, :] != band[:-1, :]
    rgb[line] = rgb[line] * (1 - CONTOUR_LINE_MIX) + 255 * CONTOUR_LINE_MIX
    known = F.interpolate(torch.from_numpy(finite.astype(np.float64))[None, None], scale_factor=LINE_SUPERSAMPLING,
                          mode="nearest")[0, 0].numpy() > 0
    rgba = np.dstack([rgb, np.where(known, 255.0, 0.0)])
    picture = Image.fromarray(np.rint(rgba[::-1]).astype(np.uint8), mode="RGBA")  # image rows run top to bottom
    encoded = io.BytesIO()
    picture.save(encoded, format="WEBP", quality=IMAGE_QUALITY)
    points, losses = _click_points(surface)
    colours, _ = colour_values(surface, losses, floor=float(np.nanmin(grid.z)))
    return MapBackground(image="data:image/webp;base64," + base64.b64encode(encoded.getvalue()).decode("ascii"),
                         colour_low=low, colour_high=high, ticks=ticks, points=points, losses=losses,
                         colours=np.clip(colours, low, high))


def _colour_table() -> np.ndarray:
    """COLOUR_SCALE as 256 RGB rows, interpolated between its stops as Plotly does."""
    stops = np.array([stop for stop, _ in COLOUR_SCALE])
    colours = np.array([hex_to_rgb(colour) for _, colour in COLOUR_SCALE], dtype=np.float64)
    at = np.linspace(0.0, 1.0, 256)
    return np.column_stack([np.interp(at, stops, colours[:, channel]) for channel in range(3)])


def _click_points(surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """A CLICK_GRID × CLICK_GRID grid of points over the domain (n, 2), and the loss at each."""
    (x_low, x_high), (y_low, y_high) = surface.domain
    xs, ys = np.meshgrid(np.linspace(x_low, x_high, CLICK_GRID), np.linspace(y_low, y_high, CLICK_GRID))
    points = np.column_stack([xs.ravel(), ys.ravel()]).round(6)
    with torch.no_grad():
        losses = surface(torch.from_numpy(points)).numpy()
    return points, losses


def _axis_ranges(surface: Surface) -> tuple[list[float], list[float]]:
    (x_low, x_high), (y_low, y_high) = surface.domain
    dx, dy = (x_high - x_low) * MARGIN, (y_high - y_low) * MARGIN
    return [x_low - dx, x_high + dx], [y_low - dy, y_high + dy]


def _frame_steps(length: int) -> np.ndarray:
    return np.unique(np.linspace(0, length - 1, min(length, MAX_FRAMES)).round().astype(int))


def _trail(path: Path, frame_steps: np.ndarray, step: int) -> np.ndarray:
    """The indices of the path drawn at playback step `step`: its first points, the frame steps so far, the current."""
    last = min(step, len(path.points) - 1)
    first = list(range(min(last + 1, NUMBERED_POINTS)))
    later = [int(k) for k in frame_steps if NUMBERED_POINTS <= k < last]
    return np.array(first + later + ([last] if last >= NUMBERED_POINTS else []), dtype=int)


def _first_steps(path: Path, step: int) -> np.ndarray:
    """The numbered first points shown at playback step `step`."""
    return np.arange(min(step + 1, NUMBERED_POINTS, len(path.points)))


def minimum_label(minimum) -> str:
    """A marked minimum's position and value as computed, e.g. (418.56, 171.04), f = −629.63."""
    (x, y), value = minimum.point, minimum.value
    return f"({x:.2f}, {y:.2f}), f = {value:.2f}".replace("-", "−")


def local_minimum_labels(surface: Surface) -> dict[str, str]:
    """The labels of a surface's marked local minima, in order, as `first`, `second`, …"""
    local = [minimum for minimum in surface.minima if not minimum.is_global]
    return {name: minimum_label(minimum) for name, minimum in zip(("first", "second", "third"), local)}


LABEL_OFFSETS = ((-80, 45), (80, 45), (-90, -40), (80, -40))
"""Where each marked minimum's label sits, in pixels from the marker (global minimum first, then the local ones),
so that labels of minima close together do not cover each other."""


def minimum_annotations(surface: Surface) -> list[dict]:
    """Each marked minimum's position and value in a box beside it, with an arrow to the marker."""
    ordered = sorted(surface.minima, key=lambda minimum: not minimum.is_global)
    return [
        {"x": minimum.point[0], "y": minimum.point[1], "text": minimum_label(minimum), "showarrow": True,
         "arrowhead": 0, "arrowwidth": 1, "ax": ax, "ay": ay, "bgcolor": "rgba(255,255,255,0.85)",
         "bordercolor": "#333333", "borderwidth": 1, "borderpad": 2, "font": {"size": 11, "color": "black"}}
        for minimum, (ax, ay) in zip(ordered, LABEL_OFFSETS * len(ordered))
    ]


def _minimum_traces(surface: Surface, text: MapText, three_d: bool = False) -> list:
    traces = []
    for is_global, name, symbol, size in ((True, text.global_minimum, "star", 18), (False, text.local_minimum,
                                                                                     "star-diamond", 13)):
        chosen = [minimum for minimum in surface.minima if minimum.is_global == is_global]
        if not chosen:
            continue
        xs = [minimum.point[0] for minimum in chosen]
        ys = [minimum.point[1] for minimum in chosen]
        values = [minimum.value for minimum in chosen]
        hover = f"{name}<br>({{x:.4f}}, {{y:.4f}})<br>{text.value} = %{{customdata:.4f}}<extra></extra>"
        hover = hover.replace("{x:", "%{x:").replace("{y:", "%{y:")
        marker = {"color": "gold" if is_global else "white", "line": {"color": "black", "width": 1.5}}
        if three_d:
            traces.append(go.Scatter3d(x=xs, y=ys, z=values, mode="markers+text", name=name, customdata=values,
                                       text=[minimum_label(minimum) for minimum in chosen], textposition="top center",
                                       marker={**marker, "size": 6, "symbol": "diamond"}, hovertemplate=hover))
        else:
            traces.append(go.Scatter(x=xs, y=ys, mode="markers", name=name, customdata=values,
                                     marker={**marker, "size": size, "symbol": symbol}, hovertemplate=hover))
    return traces


def _background_image(surface: Surface, background: MapBackground) -> dict:
    """The contour picture as a layout image under the data, stretched over the domain."""
    (x_low, x_high), (y_low, y_high) = surface.domain
    return {"source": background.image, "xref": "x", "yref": "y", "x": x_low, "y": y_high, "sizex": x_high - x_low,
            "sizey": y_high - y_low, "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "below"}


def _value_layer(background: MapBackground, text: MapText, hint: str | None) -> go.Scatter:
    """An invisible grid of points over the map that carries the colour bar and the loss on hover; a click on the
    map lands on one of them (hint: what a click does). Only one of its markers is drawn (marker.maxdisplayed):
    hover and clicks find every point from the data, so a grid of thousands costs the browser almost nothing."""
    value_hover = f"({text.x_title} %{{x:.4g}}, {text.y_title} %{{y:.4g}})<br>{text.value} = %{{customdata:.4g}}"
    return go.Scatter(
        x=background.points[:, 0], y=background.points[:, 1], customdata=background.losses.astype(np.float32),
        mode="markers", name=hint or text.value, showlegend=False,
        marker={"size": 14, "opacity": 0.0, "maxdisplayed": 1, "color": background.colours.astype(np.float32),
                "colorscale": COLOUR_SCALE, "cmin": background.colour_low, "cmax": background.colour_high,
                "showscale": True, "colorbar": {"title": {"text": text.colour_title}, **background.ticks}},
        hovertemplate=value_hover + (f"<br>{hint}" if hint else "") + "<extra></extra>",
    )


def map_figure(
    surface: Surface, background: MapBackground, paths: Sequence[Path], names: Sequence[str],
    start: tuple[float, float], text: MapText, height: int = 780,
) -> go.Figure:
    """The contour map with every path, numbered first points, arrows, the minima, a click layer and playback."""
    traces: list = [_value_layer(background, text, text.click_hint)]
    traces += _minimum_traces(surface, text)
    traces.append(go.Scatter(x=[start[0]], y=[start[1]], mode="markers", name=text.start,
                             marker={"size": 13, "symbol": "circle", "color": "white",
                                     "line": {"width": 2.5, "color": "black"}},
                             hovertemplate=f"{text.start} (%{{x:.4g}}, %{{y:.4g}})<extra></extra>"))
    first_path_trace = len(traces)
    longest = max((len(path.points) for path in paths), default=1)
    frame_steps = _frame_steps(longest)
    for index, (path, name) in enumerate(zip(paths, names)):
        traces.append(_path_trace(path, name, index, text))
    for index, (path, name) in enumerate(zip(paths, names)):
        traces.append(_first_steps_trace(path, name, index))
    animated = list(range(first_path_trace, len(traces)))
    figure = go.Figure(traces)
    figure.frames = [
        {"name": str(step), "traces": animated,
         "data": [_frame_trace(path.points[_trail(path, frame_steps, step)]) for path in paths]
         + [_frame_trace(path.points[_first_steps(path, step)]) for path in paths]}
        for step in frame_steps.tolist()
    ]
    x_range, y_range = _axis_ranges(surface)
    (x_low, x_high), (y_low, y_high) = surface.domain
    figure.add_shape(type="rect", x0=x_low, x1=x_high, y0=y_low, y1=y_high,
                     line={"color": "black", "width": 2, "dash": "dot"}, fillcolor="rgba(0,0,0,0)")
    figure.update_layout(
        # room for the colour bar and the playback slider: Plotly needs no second layout pass to fit them
        height=height, margin={"l": 50, "r": 110, "t": 50, "b": 130},
        xaxis={"title": {"text": text.x_title}, "range": x_range, "showgrid": False, "zeroline": False,
               "constrain": "domain"},
        yaxis={"title": {"text": text.y_title}, "range": y_range, "showgrid": False, "zeroline": False,
               "constrain": "domain", "scaleanchor": "x", "scaleratio": 1},
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 1.01, "yanchor": "bottom"},
        hovermode="closest", images=[_background_image(surface, background)],
        updatemenus=[_play_buttons(text)], sliders=[_playback_slider(frame_steps, text)],
        annotations=minimum_annotations(surface),
    )
    return figure


def _path_trace(path: Path, name: str, index: int, text: MapText) -> go.Scatter:
    """The whole path of one optimizer; long paths are drawn as a line without a marker per step."""
    mode = "lines+markers" if len(path.points) <= MARKED_PATH_POINTS else "lines"
    return go.Scatter(
        x=path.points[:, 0], y=path.points[:, 1], mode=mode, name=name, legendgroup=name,
        line={"color": colour(index), "width": 2}, marker={"color": colour(index), "size": 6},
        customdata=np.column_stack([np.arange(len(path.points)), path.losses]).astype(np.float32),
        hovertemplate=f"{name}<br>{text.step} %{{customdata[0]}}: (%{{x:.4g}}, %{{y:.4g}})<br>"
                      f"{text.value} = %{{customdata[1]:.4g}}<extra></extra>",
    )


def _first_steps_trace(path: Path, name: str, index: int) -> go.Scatter:
    """The first points of a path, numbered, with an arrowhead along each of the first steps (point 0 is the start,
    drawn by the start marker)."""
    count = min(NUMBERED_POINTS, len(path.points))
    arrowed = [1 <= k <= ARROWED_STEPS for k in range(count)]
    return go.Scatter(
        x=path.points[:count, 0], y=path.points[:count, 1], mode="markers+text", name=name, legendgroup=name,
        showlegend=False, hoverinfo="skip", text=[str(k) for k in range(count)], textposition="top center",
        textfont={"color": "white", "size": 11},
        marker={"color": colour(index), "symbol": ["arrow" if arrow else "circle" for arrow in arrowed],
                "size": [0] + [12 if arrow else 7 for arrow in arrowed[1:]], "angleref": "previous",
                "line": {"color": "white", "width": 0.5}},
    )


def _frame_trace(points: np.ndarray) -> dict:
    """One trace of a playback frame: its points as Plotly typed arrays (no per-array conversion when serialized)."""
    return {"type": "scatter", "x": _typed_array(points[:, 0]), "y": _typed_array(points[:, 1])}


def _typed_array(values: np.ndarray) -> dict:
    """values as plotly.js's typed-array spec (float32, base64), which plotly.py passes through as it is."""
    return {"dtype": "f4", "bdata": base64.b64encode(np.ascontiguousarray(values, dtype=np.float32)).decode("ascii")}


def _play_buttons(text: MapText) -> dict:
    return {
        "type": "buttons", "direction": "left", "x": 0.0, "y": 0.0, "xanchor": "left", "yanchor": "top",
        "pad": {"t": 62, "r": 10},
        "showactive": False,
        "buttons": [
            {"label": "▶ " + text.play, "method": "animate",
             "args": [None, {"frame": {"duration": 80, "redraw": True}, "fromcurrent": True,
                             "transition": {"duration": 0}, "mode": "immediate"}]},
            {"label": "❚❚ " + text.pause, "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                               "transition": {"duration": 0}}]},
        ],
    }


def _playback_slider(frame_steps: np.ndarray, text: MapText) -> dict:
    return {
        "active": len(frame_steps) - 1, "x": 0.25, "len": 0.75, "y": 0.0, "yanchor": "top",
        "currentvalue": {"prefix": text.step + " "}, "pad": {"t": 40, "b": 0},
        "steps": [{"label": str(step), "method": "animate",
                   "args": [[str(step)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                          "transition": {"duration": 0}}]}
                  for step in frame_steps.tolist()],
    }


def surface_figure(
    surface: Surface, grid: Grid, paths: Sequence[Path], names: Sequence[str], text: MapText, height: int = 620
) -> go.Figure:
    """The 3-D surface with every path drawn on it."""
    shown, ticks = colour_values(surface, grid.z)
    traces: list = [go.Surface(
        x=grid.x.astype(np.float32), y=grid.y.astype(np.float32), z=grid.z.astype(np.float32),
        surfacecolor=shown.astype(np.float32) if surface.log_colours else None, colorscale="Viridis", opacity=0.92,
        colorbar={"title": {"text": text.colour_title}, **ticks}, showscale=True, name=text.value,
        hovertemplate=f"(%{{x:.3f}}, %{{y:.3f}})<br>{text.value} = %{{z:.4g}}<extra></extra>",
    )]
    traces += _minimum_traces(surface, text, three_d=True)
    z_low, z_high = float(np.nanmin(grid.z)), float(np.nanmax(grid.z))
    lift = (z_high - z_low) * 0.01
    for index, (path, name) in enumerate(zip(paths, names)):
        keep = surface.inside(path.points)
        traces.append(go.Scatter3d(
            x=path.points[keep, 0], y=path.points[keep, 1], z=path.losses[keep] + lift, mode="lines+markers",
            name=name, line={"color": colour(index), "width": 5}, marker={"size": 3, "color": colour(index)},
            hovertemplate=f"{name}<br>(%{{x:.4g}}, %{{y:.4g}})<br>{text.value} = %{{z:.4g}}<extra></extra>",
        ))
    figure = go.Figure(traces)
    figure.update_layout(
        height=height, margin={"l": 0, "r": 0, "t": 40, "b": 0}, title={"text": text.title_3d},
        scene={"xaxis": {"title": {"text": text.x_title}}, "yaxis": {"title": {"text": text.y_title}},
               "zaxis": {"title": {"text": text.value}}, "aspectmode": "manual",
               "aspectratio": {"x": 1, "y": 1, "z": 0.6}},
        legend={"orientation": "h", "y": -0.02},
    )
    return figure


@dataclass(frozen=True)
class RaceCurveText:
    """Translated strings of the three race curves: loss, learning rate (with the restart note), distance."""

    loss: CurveText
    lr: CurveText
    distance: CurveText


@functools.cache
def _three_panels(titles: tuple[str, str, str]) -> dict:
    """The layout of three panels side by side with their titles (make_subplots takes longer than the rest of
    the figure, so the grid is laid out once per set of titles)."""
    layout = make_subplots(rows=1, cols=3, subplot_titles=list(titles), horizontal_spacing=0.07).layout
    return {key: value for key, value in layout.to_plotly_json().items() if key != "template"}


def race_curves_figure(
    paths: Sequence[Path], names: Sequence[str], text: RaceCurveText, height: int = 340
) -> go.Figure:
    """Loss, the learning rate as it really ran, and the distance to the nearest minimum, side by side per step.

    One figure with three panels and one legend: the browser draws one chart instead of three. SequentialLR's
    restart is marked where it happens; the distance panel says so when the surface has no known minimum.
    """
    panels = (text.loss, text.lr, text.distance)
    figure = go.Figure(layout=_three_panels(tuple(panel.title for panel in panels)))
    series = ([path.losses for path in paths], [path.lrs for path in paths], [path.distances for path in paths])
    for column, (panel, values_per_path) in enumerate(zip(panels, series), start=1):
        log_y = column == 3
        suffix = "" if column == 1 else str(column)
        for index, (values, name) in enumerate(zip(values_per_path, names)):
            if values is None or len(values) == 0:
                continue
            shown = np.where(values > 0, values, np.nan) if log_y else values
            figure.add_trace(go.Scatter(
                x=np.arange(len(values)), y=shown, mode="lines+markers" if column == 2 and len(values) <= MARKED_RATES
                else "lines", name=name, xaxis=f"x{suffix}", yaxis=f"y{suffix}",
                legendgroup=name, showlegend=column == 1, line={"color": colour(index), "width": 2},
                marker={"size": 4}, hovertemplate=f"{name}<br>{panel.x_title} %{{x}}: %{{y:.4g}}<extra></extra>",
            ))
        if not any(values is not None and len(values) for values in values_per_path) and panel.empty:
            figure.add_annotation(text=panel.empty, showarrow=False, xref=f"x{column} domain",
                                  yref=f"y{column} domain", x=0.5, y=0.5)
        y_axis = {"title": {"text": panel.y_title}, "type": "log" if log_y else "linear"}
        figure.update_layout({f"xaxis{suffix}": {"title": {"text": panel.x_title}}, f"yaxis{suffix}": y_axis})
    for index, path in enumerate(paths):
        if path.settings.schedule == "warmup_decay" and len(path.lrs) > WARMUP_EPOCHS:
            figure.add_annotation(x=WARMUP_EPOCHS, y=path.lrs[WARMUP_EPOCHS], xref="x2", yref="y2",
                                  text=text.lr.note, showarrow=True, arrowhead=2, arrowcolor=colour(index),
                                  font={"color": colour(index)}, ax=60, ay=-40)
    # margins that already fit the tick labels: Plotly needs no second layout pass
    figure.update_layout(height=height, margin={"l": 80, "r": 24, "t": 40, "b": 110}, hovermode="x unified",
                         legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.28, "yanchor": "top"})
    return figure


@dataclass(frozen=True)
class ParabolaPanel:
    title: str
    points: np.ndarray


def parabola_figure(panels: Sequence[ParabolaPanel], x_title: str, y_title: str, step: str,
                    height: int = 380) -> go.Figure:
    """f(x) = x² with a gradient-descent path per learning rate, side by side."""
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[panel.title for panel in panels],
                           horizontal_spacing=0.05)
    for column, panel in enumerate(panels, start=1):
        reach = max(3.0, float(np.nanmax(np.abs(panel.points))) * 1.1)
        curve_x = np.linspace(-reach, reach, 201)
        figure.add_trace(go.Scatter(x=curve_x, y=curve_x**2, mode="lines", line={"color": "#888", "width": 2},
                                    showlegend=False, hoverinfo="skip"), row=1, col=column)
        xs = panel.points
        figure.add_trace(go.Scatter(
            x=xs, y=xs**2, mode="lines+markers+text", text=[str(k) if k < NUMBERED_POINTS else ""
                                                            for k in range(len(xs))],
            textposition="top center", line={"color": colour(column - 1), "width": 2},
            marker={"size": 8, "color": colour(column - 1)}, showlegend=False,
            hovertemplate=f"{step} %{{text}}: x = %{{x:.4g}}, {y_title} = %{{y:.4g}}<extra></extra>",
        ), row=1, col=column)
        figure.update_xaxes(title_text=x_title, row=1, col=column)
    figure.update_yaxes(title_text=y_title, row=1, col=1)
    figure.update_layout(height=height, margin={"l": 50, "r": 20, "t": 60, "b": 40})
    return figure


@dataclass(frozen=True)
class RestartText:
    map: MapText
    starts: str
    ends: str
    best: str


def restarts_figure(surface: Surface, background: MapBackground, starts: np.ndarray, ends: np.ndarray,
                    best: tuple[float, float] | None, text: RestartText, height: int = 560) -> go.Figure:
    """The random starts, where each run ended, and the best end inside the domain (when there is one)."""
    figure = go.Figure([_value_layer(background, text.map, hint=None)])
    segments_x = np.column_stack([starts[:, 0], ends[:, 0], np.full(len(starts), np.nan)]).ravel()
    segments_y = np.column_stack([starts[:, 1], ends[:, 1], np.full(len(starts), np.nan)]).ravel()
    figure.add_trace(go.Scatter(x=segments_x, y=segments_y, mode="lines", showlegend=False, hoverinfo="skip",
                                line={"color": "rgba(255,255,255,0.45)", "width": 1}))
    figure.add_trace(go.Scatter(x=starts[:, 0], y=starts[:, 1], mode="markers", name=text.starts,
                                marker={"size": 6, "color": "white", "line": {"width": 1, "color": "black"}}))
    figure.add_trace(go.Scatter(x=ends[:, 0], y=ends[:, 1], mode="markers", name=text.ends,
                                marker={"size": 7, "color": "#E69F00", "symbol": "x"}))
    for trace in _minimum_traces(surface, text.map):
        figure.add_trace(trace)
    if best is not None:
        figure.add_trace(go.Scatter(x=[best[0]], y=[best[1]], mode="markers", name=text.best,
                                    marker={"size": 16, "color": "#D55E00", "symbol": "circle-open",
                                            "line": {"width": 3}}))
    x_range, y_range = _axis_ranges(surface)
    (x_low, x_high), (y_low, y_high) = surface.domain
    figure.add_shape(type="rect", x0=x_low, x1=x_high, y0=y_low, y1=y_high,
                     line={"color": "black", "width": 2, "dash": "dot"})
    figure.update_layout(height=height, margin={"l": 60, "r": 20, "t": 30, "b": 40},
                         images=[_background_image(surface, background)],
                         xaxis={"title": {"text": text.map.x_title}, "range": x_range, "zeroline": False},
                         yaxis={"title": {"text": text.map.y_title}, "range": y_range, "zeroline": False},
                         legend={"orientation": "h", "y": -0.15})
    return figure

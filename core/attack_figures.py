"""Plotly figures for the attack page: pure builders, data and already-translated text in, figure out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go

from core import palette

GRAY = [[0.0, "#000000"], [1.0, "#ffffff"]]


def _explicit(colours: list[str]) -> list[list]:
    """A colour scale as explicit stops (the app theme leaves explicit scales alone)."""
    return [[index / (len(colours) - 1), colour] for index, colour in enumerate(colours)]


DIVERGING = _explicit(pc.sequential.RdBu_r)
HEAT = _explicit(pc.sequential.Inferno)
ATTACK_COLOURS = {"fgsm": palette.VERMILLION, "pgd": palette.BLUE, "noise": palette.GREEN}
MODEL_DASHES = ("solid", "dash")
MARGIN = {"l": 10, "r": 10, "t": 60, "b": 10}


Title = str | Sequence[str]  # one line, or lines: the first in full size, the others smaller


def title_text(title: Title) -> str:
    if isinstance(title, str):
        return title
    first, *rest = title
    return "<br>".join([first, *(f"<span style='font-size:12px'>{line}</span>" for line in rest)])


@dataclass(frozen=True)
class ImagePanel:
    """One 28×28 panel: values, title, and the colour axis it uses (shared axes share a scale)."""

    values: np.ndarray
    title: Title
    coloraxis: str = "coloraxis"
    overlay: np.ndarray | None = None  # drawn on top of `values` with `overlay_opacity`
    overlay_opacity: float = 0.6


def pixels(values: np.ndarray) -> np.ndarray:
    """An image's values as float32: what a screen shows and a tooltip prints (4 decimals), in half the bytes."""
    return np.asarray(values, dtype=np.float32)


def image_row(panels: Sequence[ImagePanel], coloraxes: dict[str, dict], hover: str, height: int = 330,
              gray_axis: str = "coloraxis9", spacing: float = 0.04) -> go.Figure:
    """Panels side by side with square pixels; `coloraxes` sets each colour axis (range, scale, colourbar)."""
    return go.Figure(image_row_spec(panels, coloraxes, hover, height, gray_axis, spacing))


def image_row_spec(panels: Sequence[ImagePanel], coloraxes: dict[str, dict], hover: str, height: int = 330,
                   gray_axis: str = "coloraxis9", spacing: float = 0.04) -> dict:
    """image_row as a plain dict (no subplot helper, no validation), which keeps building many of them cheap."""
    count = len(panels)
    width = (1.0 - spacing * (count - 1)) / count
    data, layout = [], {"height": height, "margin": MARGIN, "annotations": []}
    for index, panel in enumerate(panels):
        suffix = "" if index == 0 else str(index + 1)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        if panel.overlay is None:
            data.append({"type": "heatmap", "z": pixels(panel.values), "coloraxis": panel.coloraxis,
                         "hovertemplate": hover, **axes})
        else:
            data.append({"type": "heatmap", "z": pixels(panel.values), "coloraxis": gray_axis, "hoverinfo": "skip",
                         **axes})
            data.append({"type": "heatmap", "z": pixels(panel.overlay), "coloraxis": panel.coloraxis,
                         "opacity": panel.overlay_opacity, "hovertemplate": hover, **axes})
        left = index * (width + spacing)
        layout[f"xaxis{suffix}"] = {"domain": [left, left + width], "visible": False, "constrain": "domain",
                                    "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"domain": [0.0, 1.0], "visible": False, "autorange": "reversed",
                                    "scaleanchor": f"x{suffix}", "scaleratio": 1, "constrain": "domain",
                                    "anchor": f"x{suffix}"}
        layout["annotations"].append({"text": title_text(panel.title), "x": left + width / 2, "y": 1.0,
                                      "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
                                      "showarrow": False, "yshift": 4, "font": {"size": 14}})
    layout.update(coloraxes)
    layout.setdefault(gray_axis, {"colorscale": GRAY, "cmin": 0.0, "cmax": 1.0, "showscale": False})
    return {"data": data, "layout": layout}


def colour_axis(low: float, high: float, scale, title: str | None = None, show: bool = True, x: float | None = None
                ) -> dict:
    settings = {"colorscale": scale, "cmin": low, "cmax": high, "showscale": show}
    if show:
        colorbar = {"thickness": 12, "len": 0.8}
        if title:
            colorbar["title"] = {"text": title, "side": "right"}
        if x is not None:
            colorbar["x"] = x
        settings["colorbar"] = colorbar
    return settings


def attack_images_spec(clean: np.ndarray, delta: np.ndarray, adversarial: np.ndarray, titles: Sequence[Title],
                       delta_bar_title: str, hover: str) -> dict:
    """The spec of clean image, perturbation δ (diverging, scaled to its largest |δ| so it shows), adversarial image."""
    bound = max(float(np.abs(delta).max()), 1e-6)
    panels = [
        ImagePanel(clean, titles[0], "coloraxis9"),
        ImagePanel(delta, titles[1], "coloraxis"),
        ImagePanel(adversarial, titles[2], "coloraxis9"),
    ]
    axes = {"coloraxis": colour_axis(-bound, bound, DIVERGING, delta_bar_title, x=1.0)}
    return image_row_spec(panels, axes, hover, height=360)


def probability_spec(before: np.ndarray, after: np.ndarray, names: tuple[str, str], x_title: str, y_title: str,
                     highlight: int | None = None) -> dict:
    """The spec of grouped bars of the ten class probabilities before and after the attack (the target shaded)."""
    classes = [str(digit) for digit in range(10)]
    data = [
        {"type": "bar", "x": classes, "y": values, "name": name, "marker": {"color": colour},
         "hovertemplate": "%{x}: %{y:.3f}<extra>" + name + "</extra>"}
        for values, name, colour in zip((before, after), names, ("#0072B2", "#D55E00"))
    ]
    shapes = []
    if highlight is not None:
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": highlight - 0.5, "x1": highlight + 0.5,
                       "y0": 0, "y1": 1, "fillcolor": "#f2c744", "opacity": 0.25, "line": {"width": 0}})
    layout = {"barmode": "group", "height": 330, "margin": MARGIN, "shapes": shapes,
              "xaxis": {"title": {"text": x_title}, "type": "category"},
              "yaxis": {"title": {"text": y_title}, "range": [0, 1.02]},
              "legend": {"orientation": "h", "y": 1.12, "x": 0}}
    return {"data": data, "layout": layout}


PROBABILITY_LINES = 2
"""The step figure always has this many probability lines (unused ones hidden), so its traces keep their places."""


def step_spec(losses: np.ndarray, probabilities: dict[str, np.ndarray], flip_step: int | None, x_title: str,
              loss_title: str, probability_title: str, flip_label: str) -> dict:
    """The spec of the loss (left axis) and chosen class probabilities (right axis) per iterate, the flip marked."""
    steps = np.arange(len(losses))
    data = [{"type": "scatter", "x": steps, "y": losses, "name": loss_title, "mode": "lines+markers",
             "line": {"color": "#1b1f24"}, "yaxis": "y"}]
    lines = list(probabilities.items())[:PROBABILITY_LINES]
    for index, colour in zip(range(PROBABILITY_LINES), ("#0072B2", "#D55E00")):
        name, values = lines[index] if index < len(lines) else ("", np.zeros(len(losses)))
        data.append({"type": "scatter", "x": steps, "y": values, "name": name, "mode": "lines+markers",
                     "line": {"color": colour}, "yaxis": "y2", "visible": index < len(lines)})
    marked = flip_step is not None
    at = flip_step if marked else 0
    layout = {
        "height": 320, "margin": MARGIN, "legend": {"orientation": "h", "y": 1.15, "x": 0},
        "xaxis": {"title": {"text": x_title}, "dtick": max(1, len(losses) // 10)},
        "yaxis": {"title": {"text": loss_title}},
        "yaxis2": {"title": {"text": probability_title}, "range": [0, 1.02], "overlaying": "y", "side": "right",
                   "showgrid": False},
        "shapes": [{"type": "line", "xref": "x", "yref": "paper", "x0": at, "x1": at, "y0": 0, "y1": 1,
                    "line": {"color": "#D55E00", "dash": "dot"}, "visible": marked}],
        "annotations": [{"text": flip_label, "x": at, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom",
                         "showarrow": False, "font": {"color": "#D55E00"}, "visible": marked}],
    }
    return {"data": data, "layout": layout}


def map_pair_figure(clean: np.ndarray, adversarial: np.ndarray, clean_map: np.ndarray, adversarial_map: np.ndarray,
                    scale: tuple[float, float], titles: Sequence[Title], map_bar_title: str, opacity: float,
                    hover: str) -> go.Figure:
    """Clean and adversarial maps over their images on ONE colour axis (one range, one colour bar)."""
    return go.Figure(map_pair_spec(clean, adversarial, clean_map, adversarial_map, scale, titles, map_bar_title,
                                   opacity, hover))


def map_pair_spec(clean: np.ndarray, adversarial: np.ndarray, clean_map: np.ndarray, adversarial_map: np.ndarray,
                  scale: tuple[float, float], titles: Sequence[Title], map_bar_title: str, opacity: float,
                  hover: str) -> dict:
    map_scale = HEAT if scale[0] >= 0 else DIVERGING
    panels = [
        ImagePanel(clean, titles[0], "coloraxis", overlay=clean_map, overlay_opacity=opacity),
        ImagePanel(adversarial, titles[1], "coloraxis", overlay=adversarial_map, overlay_opacity=opacity),
    ]
    axes = {"coloraxis": colour_axis(scale[0], scale[1], map_scale, map_bar_title, x=1.0)}
    return image_row_spec(panels, axes, hover, height=360)


MAP_OVERLAY_TRACES = (1, 3)
"""The traces of map_pair_figure drawn over the images with the chosen opacity."""


def difference_figure(difference: np.ndarray, title: Title, bar_title: str, hover: str) -> go.Figure:
    """A map difference on a diverging scale symmetric about zero."""
    return go.Figure(difference_spec(difference, title, bar_title, hover))


def difference_spec(difference: np.ndarray, title: Title, bar_title: str, hover: str) -> dict:
    bound = max(float(np.abs(difference).max()), 1e-12)
    axes = {"coloraxis": colour_axis(-bound, bound, DIVERGING, bar_title, x=1.0)}
    return image_row_spec([ImagePanel(difference, title, "coloraxis")], axes, hover, height=360)


def overlay_figure(image: np.ndarray, values: np.ndarray, title: Title, bar_title: str, opacity: float,
                   hover: str) -> go.Figure:
    """One map over its image, on its own colour scale (for the weight-randomization check)."""
    low, high = explain_scale(values)
    axes = {"coloraxis": colour_axis(low, high, HEAT if low >= 0 else DIVERGING, bar_title, x=1.0)}
    return image_row([ImagePanel(image, title, "coloraxis", overlay=values, overlay_opacity=opacity)], axes, hover,
                     height=360)


def explain_scale(values: np.ndarray) -> tuple[float, float]:
    """[0, max] for a non-negative map, else symmetric about zero."""
    low, high = float(np.min(values)), float(np.max(values))
    if low >= 0:
        return 0.0, max(high, 1e-12)
    bound = max(-low, high)
    return -bound, bound


def squeeze_figure(images: Sequence[np.ndarray], titles: Sequence[Title], hover: str) -> go.Figure:
    """The input and its squeezed copies (gray, 0 to 1)."""
    panels = [ImagePanel(image, title, "coloraxis9") for image, title in zip(images, titles)]
    return image_row(panels, {}, hover, height=320)


@dataclass(frozen=True)
class CurveSeries:
    model_name: str
    attack: str  # "fgsm", "pgd" or "noise"
    name: str  # legend text
    epsilons: np.ndarray
    accuracy: np.ndarray


def robustness_figure(series: Sequence[CurveSeries], current_eps: float, marker_label: str, x_title: str,
                      y_title: str) -> go.Figure:
    """Accuracy against ε: colour by attack, dash by model, the current ε marked."""
    figure = go.Figure()
    models = list(dict.fromkeys(entry.model_name for entry in series))
    for entry in series:
        figure.add_trace(go.Scatter(
            x=entry.epsilons, y=entry.accuracy * 100, name=entry.name, mode="lines+markers",
            line={"color": ATTACK_COLOURS[entry.attack], "dash": MODEL_DASHES[models.index(entry.model_name) % 2]},
            hovertemplate="ε = %{x:.2f}: %{y:.1f}%<extra>" + entry.name + "</extra>",
        ))
    figure.add_vline(x=current_eps, line_dash="dot", line_color="#1b1f24", annotation_text=marker_label,
                     annotation_position="top right")
    figure.update_layout(height=420, margin=MARGIN, xaxis_title=x_title, yaxis_title=y_title, yaxis_range=[0, 101],
                         legend={"orientation": "v", "x": 1.02, "y": 1})
    return figure


def loss_figure(losses: Sequence[float], x_title: str, y_title: str) -> go.Figure:
    """Training loss per batch of the live fine-tuning."""
    figure = go.Figure(go.Scatter(x=np.arange(1, len(losses) + 1), y=list(losses), mode="lines",
                                  line={"color": "#0072B2"}))
    figure.update_layout(height=260, margin=MARGIN, xaxis_title=x_title, yaxis_title=y_title)
    return figure


# ---------------------------------------------------------------------------------------------
# One figure under a slider: the figure at one value, and what changes at each other value


def figure_patch(base: dict, other: dict) -> dict:
    """What turns the figure spec `base` into `other` (same traces, in the same order):
    {"data": {trace index: {key: value}}, "layout": {"dotted.path": value}}, only what differs.

    A list of another length, or a value of another type, is replaced whole; arrays are compared by value.
    """
    if len(base["data"]) != len(other["data"]):
        raise ValueError("a patch cannot add or remove traces")
    data = {}
    for index, (before, after) in enumerate(zip(base["data"], other["data"])):
        changed = {key: value for key, value in after.items() if not _same(before.get(key), value)}
        changed.update({key: None for key in before if key not in after})
        if changed:
            data[str(index)] = changed
    layout: dict = {}
    _layout_changes(base["layout"], other["layout"], "", layout)
    return {"data": data, "layout": layout}


def _layout_changes(before, after, path: str, changes: dict) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            _layout_changes(before.get(key), after.get(key), f"{path}.{key}" if path else str(key), changes)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after)):
            _layout_changes(old, new, f"{path}.{index}", changes)
    elif not _same(before, after):
        changes[path] = after


def _same(first, second) -> bool:
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return (isinstance(first, np.ndarray) and isinstance(second, np.ndarray) and first.shape == second.shape
                and first.dtype == second.dtype and bool(np.array_equal(first, second)))
    if isinstance(first, (list, tuple)) and isinstance(second, (list, tuple)):
        return len(first) == len(second) and all(_same(a, b) for a, b in zip(first, second))
    if isinstance(first, dict) and isinstance(second, dict):
        return first.keys() == second.keys() and all(_same(first[key], second[key]) for key in first)
    return type(first) is type(second) and first == second

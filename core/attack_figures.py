"""Plotly figures for the attack page: pure builders, data and already-translated text in, figure out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.colors as pc
import plotly.graph_objects as go
from plotly.subplots import make_subplots

GRAY = [[0.0, "#000000"], [1.0, "#ffffff"]]


def _explicit(colours: list[str]) -> list[list]:
    """A colour scale as explicit stops (the app theme leaves explicit scales alone)."""
    return [[index / (len(colours) - 1), colour] for index, colour in enumerate(colours)]


DIVERGING = _explicit(pc.sequential.RdBu_r)
HEAT = _explicit(pc.sequential.Inferno)
ATTACK_COLOURS = {"fgsm": "#d62728", "pgd": "#9467bd", "noise": "#2ca02c"}
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


def _square_axes(figure: go.Figure, count: int) -> None:
    for index in range(1, count + 1):
        suffix = "" if index == 1 else str(index)
        figure.layout[f"xaxis{suffix}"].update(visible=False, constrain="domain")
        figure.layout[f"yaxis{suffix}"].update(
            visible=False, autorange="reversed", scaleanchor=f"x{suffix}", scaleratio=1, constrain="domain"
        )


def image_row(panels: Sequence[ImagePanel], coloraxes: dict[str, dict], hover: str, height: int = 330,
              gray_axis: str = "coloraxis9") -> go.Figure:
    """Panels side by side with square pixels; `coloraxes` sets each colour axis (range, scale, colourbar)."""
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[title_text(panel.title) for panel in panels],
                           horizontal_spacing=0.04)
    for column, panel in enumerate(panels, start=1):
        if panel.overlay is None:
            figure.add_trace(go.Heatmap(z=panel.values, coloraxis=panel.coloraxis, hovertemplate=hover), 1, column)
        else:
            figure.add_trace(go.Heatmap(z=panel.values, coloraxis=gray_axis, hoverinfo="skip"), 1, column)
            figure.add_trace(
                go.Heatmap(z=panel.overlay, coloraxis=panel.coloraxis, opacity=panel.overlay_opacity,
                           hovertemplate=hover),
                1, column,
            )
    layout_axes = {name: settings for name, settings in coloraxes.items()}
    layout_axes.setdefault(gray_axis, {"colorscale": GRAY, "cmin": 0.0, "cmax": 1.0, "showscale": False})
    figure.update_layout(height=height, margin=MARGIN, **layout_axes)
    figure.update_annotations(font_size=14, yshift=4)
    _square_axes(figure, len(panels))
    return figure


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


def attack_images_figure(clean: np.ndarray, delta: np.ndarray, adversarial: np.ndarray, titles: Sequence[Title],
                         delta_bar_title: str, hover: str) -> go.Figure:
    """Clean image, perturbation δ (diverging, scaled to its own largest |δ| so it is visible), adversarial image."""
    bound = max(float(np.abs(delta).max()), 1e-6)
    panels = [
        ImagePanel(clean, titles[0], "coloraxis9"),
        ImagePanel(delta, titles[1], "coloraxis"),
        ImagePanel(adversarial, titles[2], "coloraxis9"),
    ]
    axes = {"coloraxis": colour_axis(-bound, bound, DIVERGING, delta_bar_title, x=1.0)}
    return image_row(panels, axes, hover, height=360)


def probability_figure(before: np.ndarray, after: np.ndarray, names: tuple[str, str], x_title: str, y_title: str,
                       highlight: int | None = None) -> go.Figure:
    """Grouped bars of the ten class probabilities before and after the attack."""
    classes = [str(digit) for digit in range(10)]
    figure = go.Figure([
        go.Bar(x=classes, y=before, name=names[0], marker_color="#1f6feb",
               hovertemplate="%{x}: %{y:.3f}<extra>" + names[0] + "</extra>"),
        go.Bar(x=classes, y=after, name=names[1], marker_color="#d62728",
               hovertemplate="%{x}: %{y:.3f}<extra>" + names[1] + "</extra>"),
    ])
    if highlight is not None:
        figure.add_vrect(x0=highlight - 0.5, x1=highlight + 0.5, fillcolor="#f2c744", opacity=0.25, line_width=0)
    figure.update_layout(barmode="group", height=330, margin=MARGIN, xaxis_title=x_title, yaxis_title=y_title,
                         yaxis_range=[0, 1.02], legend={"orientation": "h", "y": 1.12, "x": 0})
    figure.update_xaxes(type="category")
    return figure


def step_figure(losses: np.ndarray, probabilities: dict[str, np.ndarray], flip_step: int | None, x_title: str,
                loss_title: str, probability_title: str, flip_label: str) -> go.Figure:
    """Loss and chosen class probabilities at every iterate, with the step where the prediction flipped."""
    steps = np.arange(len(losses))
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_trace(go.Scatter(x=steps, y=losses, name=loss_title, mode="lines+markers",
                                line={"color": "#1b1f24"}), secondary_y=False)
    for (name, values), colour in zip(probabilities.items(), ("#1f6feb", "#d62728", "#9467bd")):
        figure.add_trace(go.Scatter(x=steps, y=values, name=name, mode="lines+markers", line={"color": colour}),
                         secondary_y=True)
    if flip_step is not None:
        figure.add_vline(x=flip_step, line_dash="dot", line_color="#d62728", annotation_text=flip_label,
                         annotation_position="top")
    figure.update_layout(height=320, margin=MARGIN, legend={"orientation": "h", "y": 1.15, "x": 0})
    figure.update_xaxes(title_text=x_title, dtick=max(1, len(losses) // 10))
    figure.update_yaxes(title_text=loss_title, secondary_y=False)
    figure.update_yaxes(title_text=probability_title, range=[0, 1.02], secondary_y=True)
    return figure


def map_pair_figure(clean: np.ndarray, adversarial: np.ndarray, clean_map: np.ndarray, adversarial_map: np.ndarray,
                    scale: tuple[float, float], titles: Sequence[Title], map_bar_title: str, opacity: float,
                    hover: str) -> go.Figure:
    """Clean and adversarial maps over their images on ONE colour axis (one range, one colour bar)."""
    map_scale = HEAT if scale[0] >= 0 else DIVERGING
    panels = [
        ImagePanel(clean, titles[0], "coloraxis", overlay=clean_map, overlay_opacity=opacity),
        ImagePanel(adversarial, titles[1], "coloraxis", overlay=adversarial_map, overlay_opacity=opacity),
    ]
    axes = {"coloraxis": colour_axis(scale[0], scale[1], map_scale, map_bar_title, x=1.0)}
    return image_row(panels, axes, hover, height=360)


def difference_figure(difference: np.ndarray, title: Title, bar_title: str, hover: str) -> go.Figure:
    """A map difference on a diverging scale symmetric about zero."""
    bound = max(float(np.abs(difference).max()), 1e-12)
    axes = {"coloraxis": colour_axis(-bound, bound, DIVERGING, bar_title, x=1.0)}
    return image_row([ImagePanel(difference, title, "coloraxis")], axes, hover, height=360)


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
                                  line={"color": "#1f6feb"}))
    figure.update_layout(height=260, margin=MARGIN, xaxis_title=x_title, yaxis_title=y_title)
    return figure

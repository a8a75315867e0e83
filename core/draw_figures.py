"""Plotly figures of the drawing page: preprocessing stages, class probabilities, inside the model.

Pure functions: arrays and already-translated strings in, a figure out.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from core.prediction import grid_shape

GREY = [[0.0, "#000000"], [1.0, "#ffffff"]]
HEAT = "Inferno"
SIGNED = "RdBu_r"
TOP_COLOUR = "#1f6feb"
OTHER_COLOUR = "#9aa7b8"
MAX_HEATMAP_SIDE = 70  # larger stages are shown block-averaged to at most this many cells a side
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def image_axes(figure: go.Figure, row: int | None = None, col: int | None = None) -> None:
    """Square pixels, row 0 at the top, no tick labels."""
    selector = {} if row is None else {"row": row, "col": col}
    figure.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain", **selector)
    figure.update_yaxes(
        showticklabels=False, showgrid=False, zeroline=False, autorange="reversed", scaleanchor=None, **selector
    )


def square_pixels(figure: go.Figure) -> None:
    for axis in figure.select_yaxes():
        anchor = axis.anchor or "x"
        axis.update(scaleanchor=anchor, scaleratio=1, constrain="domain")


def block_mean(image: np.ndarray, max_side: int = MAX_HEATMAP_SIDE) -> tuple[np.ndarray, int]:
    """Average non-overlapping blocks so no side exceeds max_side; returns the image and the block size."""
    block = int(np.ceil(max(image.shape) / max_side))
    if block <= 1:
        return image, 1
    height, width = (-(-image.shape[0] // block)) * block, (-(-image.shape[1] // block)) * block
    padded = np.zeros((height, width), dtype=np.float64)
    padded[: image.shape[0], : image.shape[1]] = image
    return padded.reshape(height // block, block, width // block, block).mean(axis=(1, 3)), block


def png_data_url(rgba: np.ndarray) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba, dtype=np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def picture_figure(rgba: np.ndarray, title: str, height: int = 230) -> go.Figure:
    """The raw drawing or upload as a plain picture (transparent pixels shown on white)."""
    figure = go.Figure(go.Image(source=png_data_url(rgba), hoverinfo="x+y"))
    figure.update_layout(title=title, height=height, margin=MARGIN, plot_bgcolor="#ffffff")
    image_axes(figure)
    square_pixels(figure)
    return figure


def stage_figure(image: np.ndarray, title: str, value_label: str, height: int = 230, zmax: float = 1.0) -> go.Figure:
    """A grey-level stage as a heatmap with each pixel's value on hover (large stages block-averaged)."""
    shown, block = block_mean(np.asarray(image, dtype=np.float64))
    hover = f"{value_label}: %{{z:.3f}}<br>(%{{y}}, %{{x}})<extra></extra>"
    figure = go.Figure(
        go.Heatmap(
            z=np.round(shown, 3),
            x0=(block - 1) / 2,
            dx=block,
            y0=(block - 1) / 2,
            dy=block,
            colorscale=GREY,
            zmin=0.0,
            zmax=zmax,
            showscale=False,
            hovertemplate=hover,
        )
    )
    figure.update_layout(title=title, height=height, margin=MARGIN, plot_bgcolor="#000000")
    image_axes(figure)
    square_pixels(figure)
    return figure


def tensor_figure(tensor: np.ndarray, title: str, value_label: str, height: int = 360) -> go.Figure:
    """The exact 28×28 input as a heatmap with a colour bar and every value on hover."""
    figure = go.Figure(
        go.Heatmap(
            z=np.asarray(tensor, dtype=np.float64),
            colorscale=GREY,
            zmin=0.0,
            zmax=1.0,
            hovertemplate=f"{value_label}: %{{z:.4f}}<br>(%{{y}}, %{{x}})<extra></extra>",
            colorbar={"thickness": 12, "len": 0.9},
        )
    )
    figure.update_layout(title=title, height=height, margin=MARGIN)
    image_axes(figure)
    square_pixels(figure)
    return figure


def probability_bars(
    probabilities: np.ndarray, title: str, class_label: str, probability_label: str, height: int = 300
) -> go.Figure:
    """The 10 class probabilities as bars; the top class stands out."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    top = int(np.argmax(probabilities))
    colours = [TOP_COLOUR if index == top else OTHER_COLOUR for index in range(len(probabilities))]
    figure = go.Figure(
        go.Bar(
            x=[str(index) for index in range(len(probabilities))],
            y=probabilities,
            marker_color=colours,
            text=[f"{p:.0%}" if p >= 0.01 else "" for p in probabilities],
            textposition="outside",
            hovertemplate=f"{class_label} %{{x}}<br>{probability_label}: %{{y:.4f}}<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        height=height,
        margin={"l": 50, "r": 10, "t": 40, "b": 40},
        xaxis={"title": {"text": class_label}, "type": "category"},
        yaxis={"title": {"text": probability_label}, "range": [0, 1.12], "tickformat": ".0%"},
        showlegend=False,
    )
    return figure


def as_grid(values: np.ndarray) -> np.ndarray:
    """A vector laid out as a near-square grid, NaN in the unused cells."""
    rows, cols = grid_shape(len(values))
    grid = np.full(rows * cols, np.nan)
    grid[: len(values)] = values
    return grid.reshape(rows, cols)


def mlp_figure(
    hidden: list[np.ndarray],
    outputs: np.ndarray,
    layer_titles: list[str],
    output_title: str,
    neuron_label: str,
    activation_label: str,
    class_label: str,
    height: int = 320,
) -> go.Figure:
    """Each hidden layer's activations as a grid of neurons, then the 10 output neurons."""
    columns = len(hidden) + 1
    widths = [1.0] * len(hidden) + [0.45]
    figure = make_subplots(rows=1, cols=columns, subplot_titles=[*layer_titles, output_title], column_widths=widths)
    for index, activations in enumerate(hidden, start=1):
        grid = as_grid(np.asarray(activations, dtype=np.float64))
        numbers = as_grid(np.arange(len(activations), dtype=np.float64))
        figure.add_trace(
            go.Heatmap(
                z=grid,
                customdata=numbers,
                colorscale=HEAT,
                showscale=False,
                xgap=1,
                ygap=1,
                hovertemplate=f"{neuron_label} %{{customdata:.0f}}<br>{activation_label}: %{{z:.4f}}<extra></extra>",
            ),
            row=1,
            col=index,
        )
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1, 1)
    figure.add_trace(
        go.Heatmap(
            z=outputs,
            y=[str(digit) for digit in range(len(outputs))],
            colorscale=HEAT,
            zmin=0.0,
            zmax=1.0,
            xgap=1,
            ygap=1,
            text=np.round(outputs, 2),
            texttemplate="%{text}",
            colorbar={"thickness": 10, "len": 0.9},
            hovertemplate=f"{class_label} %{{y}}<br>{activation_label}: %{{z:.4f}}<extra></extra>",
        ),
        row=1,
        col=columns,
    )
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    for index in range(1, columns):
        image_axes(figure, 1, index)
    figure.update_xaxes(showticklabels=False, row=1, col=columns)
    figure.update_yaxes(autorange="reversed", type="category", row=1, col=columns)
    return figure


def mosaic(maps: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature maps (C, h, w) tiled in a grid with one NaN pixel between tiles, and each cell's map number."""
    count, height, width = maps.shape
    rows = -(-count // columns)
    tiled = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan)
    numbers = np.full(tiled.shape, np.nan)
    for index in range(count):
        top, left = (index // columns) * (height + 1), (index % columns) * (width + 1)
        tiled[top : top + height, left : left + width] = maps[index]
        numbers[top : top + height, left : left + width] = index
    return tiled, numbers


def feature_maps_figure(
    maps: np.ndarray, title: str, map_label: str, activation_label: str, columns: int = 8, height: int = 300
) -> go.Figure:
    """Every channel of one conv layer as a small heatmap, tiled; map number and value on hover."""
    maps = np.asarray(maps, dtype=np.float64)
    tiled, numbers = mosaic(maps, columns)
    figure = go.Figure(
        go.Heatmap(
            z=np.round(tiled, 3),
            customdata=numbers,
            colorscale=HEAT,
            zmin=0.0,
            hovertemplate=f"{map_label} %{{customdata:.0f}}<br>{activation_label}: %{{z:.3f}}<extra></extra>",
            colorbar={"thickness": 10, "len": 0.9},
        )
    )
    figure.update_layout(title=title, height=height, margin=MARGIN, plot_bgcolor="#ffffff")
    image_axes(figure)
    square_pixels(figure)
    return figure


def gradcam_figure(
    image: np.ndarray,
    upsampled: np.ndarray,
    coarse: np.ndarray,
    overlay_title: str,
    coarse_title: str,
    value_label: str,
    pixel_label: str,
    height: int = 330,
) -> go.Figure:
    """The input with the Grad-CAM map laid over it, and the map at the layer's own resolution."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=[overlay_title, coarse_title], horizontal_spacing=0.08)
    top = float(max(np.max(upsampled), np.max(coarse), 1e-12))
    figure.add_trace(
        go.Heatmap(z=np.asarray(image, dtype=np.float64), colorscale=GREY, zmin=0, zmax=1, showscale=False,
                   hovertemplate=f"{pixel_label}: %{{z:.3f}}<extra></extra>"),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Heatmap(z=np.round(upsampled, 4), colorscale=HEAT, zmin=0, zmax=top, opacity=0.55, showscale=False,
                   hovertemplate=f"{value_label}: %{{z:.4f}}<br>(%{{y}}, %{{x}})<extra></extra>"),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Heatmap(z=np.round(coarse, 4), colorscale=HEAT, zmin=0, zmax=top, colorbar={"thickness": 10, "len": 0.9},
                   hovertemplate=f"{value_label}: %{{z:.4f}}<br>(%{{y}}, %{{x}})<extra></extra>"),
        row=1,
        col=2,
    )
    figure.update_layout(height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    for col in (1, 2):
        image_axes(figure, 1, col)
    square_pixels(figure)
    return figure

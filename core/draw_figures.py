"""Plotly figures of the drawing page: preprocessing stages, class probabilities, inside the model.

Pure functions: arrays and already-translated strings in, a figure out. Each figure is built in
one go from a complete layout (panels side by side on their own axes), because every later
`update_*` call and `make_subplots` costs several milliseconds, and this page redraws after
every stroke.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.colors import hex_to_rgb, sequential

from core.prediction import grid_shape


def rgb_scale(colours: list[str]) -> list[list]:
    """An evenly spaced colour scale in rgb() notation: Streamlit's chart theme rewrites the hex
    colours #000001–#000010 (its palette placeholders), and Inferno starts with #000004."""
    last = len(colours) - 1
    return [[index / last, "rgb({}, {}, {})".format(*hex_to_rgb(colour))] for index, colour in enumerate(colours)]


GREY = [[0.0, "rgb(0, 0, 0)"], [1.0, "rgb(255, 255, 255)"]]
HEAT = rgb_scale(sequential.Inferno)
OVERLAY = [  # Inferno fading to transparent at 0, to lay over a picture
    [0.0, "rgba(0, 0, 4, 0)"],
    [0.15, "rgba(87, 16, 110, 0.35)"],
    [0.45, "rgba(188, 55, 84, 0.6)"],
    [0.75, "rgba(249, 142, 9, 0.75)"],
    [1.0, "rgba(252, 255, 164, 0.85)"],
]
SIGNED = [[0.0, "rgb(33, 102, 172)"], [0.5, "rgb(247, 247, 247)"], [1.0, "rgb(178, 24, 43)"]]
SIGNED_OVERLAY = [[0.0, "rgba(33, 102, 172, 0.85)"], [0.5, "rgba(247, 247, 247, 0)"], [1.0, "rgba(178, 24, 43, 0.85)"]]
TOP_COLOUR = "#0072B2"
OTHER_COLOUR = "#9aa7b8"
MAX_HEATMAP_SIDE = 70  # larger stages are shown block-averaged to at most this many cells a side
MARGIN = {"l": 8, "r": 8, "t": 46, "b": 8}
IMAGE_AXIS = {"showticklabels": False, "showgrid": False, "zeroline": False, "constrain": "domain"}


def compact(values: np.ndarray, decimals: int) -> np.ndarray:
    """Values rounded for hover and sent as 32-bit floats: half the bytes of float64 on every redraw."""
    return np.round(np.asarray(values, dtype=np.float64), decimals).astype(np.float32)


def axis_name(index: int, letter: str) -> str:
    """'x', 'x2', … as a trace refers to it; the layout key is the same with 'axis' inserted."""
    return letter if index == 0 else f"{letter}{index + 1}"


def panels_layout(titles: list[str], height: int, widths: list[float] | None = None, gap: float = 0.025,
                  square: list[bool] | None = None) -> dict:
    """A layout with one x/y axis pair per panel, side by side, each titled; image panels have square pixels."""
    widths = widths or [1.0] * len(titles)
    square = square or [True] * len(titles)
    total = sum(widths)
    layout: dict = {"height": height, "margin": MARGIN, "showlegend": False, "annotations": []}
    left = 0.0
    for index, (title, width, is_image) in enumerate(zip(titles, widths, square)):
        right = left + width / total
        domain = [min(left + gap / 2, right), max(right - gap / 2, left)]
        x, y = axis_name(index, "x"), axis_name(index, "y")
        layout[f"xaxis{index + 1 if index else ''}"] = {**IMAGE_AXIS, "domain": domain, "anchor": y}
        y_axis = {**IMAGE_AXIS, "anchor": x, "autorange": "reversed"}
        if is_image:
            y_axis.update(scaleanchor=x, scaleratio=1)
        layout[f"yaxis{index + 1 if index else ''}"] = y_axis
        layout["annotations"].append({
            "text": title, "x": (domain[0] + domain[1]) / 2, "y": 1.0, "xref": "paper", "yref": "paper",
            "xanchor": "center", "yanchor": "bottom", "yshift": 6, "showarrow": False, "font": {"size": 13},
        })
        left = right
    return layout


def on_panel(trace: dict, index: int) -> dict:
    return {**trace, "xaxis": axis_name(index, "x"), "yaxis": axis_name(index, "y")}


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


def picture_trace(rgba: np.ndarray) -> dict:
    """A plain picture (the raw drawing or upload), compact as an embedded PNG."""
    return {"type": "image", "source": png_data_url(rgba), "hoverinfo": "x+y"}


def grey_trace(image: np.ndarray, value_label: str, colour_bar: bool = False, block_label: str = "") -> dict:
    """A grey-level heatmap in [0, 1] with values on hover; large images block-averaged (pixel centres kept).

    `block_label` (with a {block} placeholder) is added to the hover text of a block-averaged image.
    """
    shown, block = block_mean(np.asarray(image, dtype=np.float64))
    note = f"<br>{block_label.format(block=block)}" if block > 1 and block_label else ""
    trace = {
        "type": "heatmap",
        "z": compact(shown, 4),
        "x0": (block - 1) / 2,
        "dx": block,
        "y0": (block - 1) / 2,
        "dy": block,
        "colorscale": GREY,
        "zmin": 0.0,
        "zmax": 1.0,
        "showscale": colour_bar,
        "hovertemplate": f"{value_label}: %{{z:.3f}}<br>(%{{y}}, %{{x}}){note}<extra></extra>",
    }
    if colour_bar:
        trace["colorbar"] = {"thickness": 10, "len": 0.85}
    return trace


def stages_figure(stages: list[tuple[str, np.ndarray]], value_label: str, block_label: str = "",
                  height: int = 240) -> go.Figure:
    """Every preprocessing stage side by side: an RGBA array is drawn as a picture, a 2-D one as a heatmap.

    Stages larger than MAX_HEATMAP_SIDE are sent block-averaged; `block_label` says so on hover.
    """
    titles = [title for title, _ in stages]
    widths = [1.0] * len(stages)
    data = []
    for index, (_, image) in enumerate(stages):
        trace = picture_trace(image) if image.ndim == 3 else grey_trace(image, value_label, block_label=block_label)
        data.append(on_panel(trace, index))
    layout = panels_layout(titles, height, widths)
    layout["plot_bgcolor"] = "#000000"
    return go.Figure(data=data, layout=layout)


def tensor_figure(tensor: np.ndarray, title: str, value_label: str, height: int = 340) -> go.Figure:
    """The exact 28×28 input as a heatmap with a colour bar and every value on hover."""
    layout = panels_layout([title], height)
    return go.Figure(data=[grey_trace(tensor, value_label, colour_bar=True)], layout=layout)


def probability_bars(probabilities: np.ndarray, title: str, class_label: str, probability_label: str,
                     height: int = 290) -> go.Figure:
    """The 10 class probabilities as bars; the top class stands out."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    top = int(np.argmax(probabilities))
    bars = {
        "type": "bar",
        "x": [str(index) for index in range(len(probabilities))],
        "y": probabilities,
        "marker": {"color": [TOP_COLOUR if index == top else OTHER_COLOUR for index in range(len(probabilities))]},
        "text": [f"{p:.0%}" if p >= 0.01 else "" for p in probabilities],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": f"{class_label} %{{x}}<br>{probability_label}: %{{y:.4f}}<extra></extra>",
    }
    layout = {
        "title": {"text": title},
        "height": height,
        "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
        "xaxis": {"title": {"text": class_label}, "type": "category"},
        "yaxis": {"title": {"text": probability_label}, "range": [0, 1.1], "tickformat": ".0%"},
        "showlegend": False,
    }
    return go.Figure(data=[bars], layout=layout)


def as_grid(values: np.ndarray) -> np.ndarray:
    """A vector laid out as a near-square grid, NaN in the unused cells."""
    rows, cols = grid_shape(len(values))
    grid = np.full(rows * cols, np.nan)
    grid[: len(values)] = values
    return grid.reshape(rows, cols)


def mlp_figure(hidden: list[np.ndarray], outputs: np.ndarray, layer_titles: list[str], output_title: str,
               neuron_label: str, activation_label: str, class_label: str, height: int = 330) -> go.Figure:
    """Each hidden layer's activations as a grid of neurons, then the 10 output neurons as a column."""
    data = []
    for index, activations in enumerate(hidden):
        activations = np.asarray(activations, dtype=np.float64)
        data.append(on_panel({
            "type": "heatmap",
            "z": compact(as_grid(activations), 4),
            "customdata": as_grid(np.arange(len(activations), dtype=np.float64)),
            "colorscale": HEAT,
            "showscale": False,
            "xgap": 1,
            "ygap": 1,
            "hovertemplate": f"{neuron_label} %{{customdata:.0f}}<br>{activation_label}: %{{z:.4f}}<extra></extra>",
        }, index))
    outputs = np.asarray(outputs, dtype=np.float64)
    out = len(hidden)
    data.append(on_panel({
        "type": "heatmap",
        "z": compact(outputs, 4).reshape(-1, 1),
        "y": [str(digit) for digit in range(len(outputs))],
        "colorscale": HEAT,
        "zmin": 0.0,
        "zmax": 1.0,
        "xgap": 1,
        "ygap": 1,
        "text": np.round(outputs, 2).reshape(-1, 1),
        "texttemplate": "%{text}",
        "colorbar": {"thickness": 10, "len": 0.85},
        "hovertemplate": f"{class_label} %{{y}}<br>{activation_label}: %{{z:.4f}}<extra></extra>",
    }, out))
    widths = [1.0] * len(hidden) + [0.35]
    layout = panels_layout([*layer_titles, output_title], height, widths, square=[True] * len(hidden) + [False])
    layout[f"yaxis{out + 1 if out else ''}"].update(showticklabels=True, type="category")
    return go.Figure(data=data, layout=layout)


def mosaic(maps: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Feature maps (C, h, w) tiled in a grid with one NaN pixel between tiles, and each cell's map
    number (-1 between tiles; small integers travel as one byte each)."""
    count, height, width = maps.shape
    rows = -(-count // columns)
    tiled = np.full((rows * (height + 1) - 1, columns * (width + 1) - 1), np.nan)
    numbers = np.full(tiled.shape, -1, dtype=np.int8)
    for index in range(count):
        top, left = (index // columns) * (height + 1), (index % columns) * (width + 1)
        tiled[top : top + height, left : left + width] = maps[index]
        numbers[top : top + height, left : left + width] = index
    return tiled, numbers


def feature_maps_figure(maps: np.ndarray, title: str, map_label: str, activation_label: str, columns: int = 16,
                        height: int = 200) -> go.Figure:
    """Every channel of one conv layer as a small heatmap, tiled; map number and value on hover."""
    tiled, numbers = mosaic(np.asarray(maps, dtype=np.float64), columns)
    trace = {
        "type": "heatmap",
        "z": compact(tiled, 3),
        "customdata": numbers,
        "hoverongaps": False,
        "colorscale": HEAT,
        "zmin": 0.0,
        "colorbar": {"thickness": 10, "len": 0.85},
        "hovertemplate": f"{map_label} %{{customdata:.0f}}<br>{activation_label}: %{{z:.3f}}<extra></extra>",
    }
    layout = panels_layout([title], height)
    layout["plot_bgcolor"] = "#ffffff"
    return go.Figure(data=[trace], layout=layout)


def gradcam_figure(image: np.ndarray, upsampled: np.ndarray, coarse: np.ndarray, overlay_title: str,
                   coarse_title: str, value_label: str, pixel_label: str, height: int = 320) -> go.Figure:
    """The input with the Grad-CAM map laid over it, and the map at the layer's own resolution.

    A map with negative values (Grad-CAM without its ReLU) gets a diverging scale centred on 0.
    """
    signed = float(min(np.min(upsampled), np.min(coarse))) < 0
    extent = float(max(np.max(np.abs(upsampled)), np.max(np.abs(coarse)), 1e-12))
    limits = {"zmin": -extent, "zmax": extent} if signed else {"zmin": 0.0, "zmax": extent}
    hover = f"{value_label}: %{{z:.4f}}<br>(%{{y}}, %{{x}})<extra></extra>"
    data = [
        on_panel({"type": "heatmap", "z": compact(image, 4), "colorscale": GREY,
                  "zmin": 0, "zmax": 1, "showscale": False,
                  "hovertemplate": f"{pixel_label}: %{{z:.3f}}<extra></extra>"}, 0),
        on_panel({"type": "heatmap", "z": compact(upsampled, 5), **limits, "showscale": False,
                  "colorscale": SIGNED_OVERLAY if signed else OVERLAY, "hovertemplate": hover}, 0),
        on_panel({"type": "heatmap", "z": compact(coarse, 5), **limits, "colorscale": SIGNED if signed else HEAT,
                  "colorbar": {"thickness": 10, "len": 0.85}, "hovertemplate": hover}, 1),
    ]
    return go.Figure(data=data, layout=panels_layout([overlay_title, coarse_title], height))

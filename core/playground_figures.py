"""Plotly figures of the playground: pure functions, numbers and already-translated text in, figure out.

The neuron tiles and the decision regions are small PNG pictures in the layout, not heatmap traces:
the live views are redrawn several times a second, and every heatmap is painted on a canvas and
re-encoded by the browser on each draw, which cost more than the rest of the figures together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from core import palette
from core.draw_figures import png_data_url

CLASS_COLOURS = palette.CLASSES
POSITIVE, NEGATIVE = palette.POSITIVE, palette.NEGATIVE
DIVERGING = palette.SIGNED
SEQUENTIAL = [[0.0, palette.NEAR_ZERO], [1.0, POSITIVE]]
BINARY_REGIONS = [[0.0, NEGATIVE], [0.5, "#ffffff"], [1.0, POSITIVE]]
GREYS = [[0.0, "#000000"], [1.0, "#ffffff"]]
MAX_NODES = 16
TILE = 0.8
LAYER_GAP = 3.0
EDGE_LEVELS = 6
MAX_CURVE_POINTS = 400
FONT = {"size": 12}


def scatter(**properties) -> dict:
    """A scatter trace as a plain dict: the figures are rebuilt several times a second, so they skip
    Plotly's per-property validation (go.Figure(..., _validate=False))."""
    return {"type": "scatter", **properties}


def heatmap(**properties) -> dict:
    return {"type": "heatmap", **properties}


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    return go.Figure(data=traces, layout=layout, _validate=False)


def _base_layout(height: int, title: str | None = None) -> dict:
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 36 if title else 10, "b": 10},
        "title": {"text": title, "x": 0.01, "font": {"size": 14}} if title else None,
        "font": FONT,
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"size": 12}},
        "uirevision": "keep",
    }


def coloured(z: np.ndarray, low: float, high: float, scale: list[list]) -> np.ndarray:
    """z (row 0 = lowest y) through a colour scale into RGB pixels with row 0 at the top, as a picture is stored."""
    stops = [stop for stop, _ in scale]
    colours = np.array([hex_to_rgb(colour) for _, colour in scale], dtype=np.float64)
    share = np.nan_to_num((np.asarray(z, dtype=np.float64) - low) / ((high - low) or 1.0), nan=0.5)
    share = np.clip(share, 0.0, 1.0)
    rgb = np.stack([np.interp(share, stops, colours[:, channel]) for channel in range(3)], axis=-1)
    return np.flipud(rgb).round().astype(np.uint8)


def plane_picture(rgb: np.ndarray, x_range: tuple[float, float], y_range: tuple[float, float], opacity: float = 1.0):
    """A layout image stretched over the data rectangle x_range × y_range, beneath the traces."""
    return {
        "source": png_data_url(rgb),
        "xref": "x",
        "yref": "y",
        "x": x_range[0],
        "y": y_range[1],
        "sizex": x_range[1] - x_range[0],
        "sizey": y_range[1] - y_range[0],
        "xanchor": "left",
        "yanchor": "top",
        "sizing": "stretch",
        "layer": "below",
        "opacity": opacity,
    }


def _cell_edges(centres: np.ndarray) -> tuple[float, float]:
    """The outer edges of a regular grid of cell centres."""
    half = (float(centres[-1]) - float(centres[0])) / (len(centres) - 1) / 2 if len(centres) > 1 else 0.5
    return float(centres[0]) - half, float(centres[-1]) + half


@dataclass(frozen=True)
class NetworkTexts:
    title: str
    layer_names: list[str]  # one per layer, inputs first
    neuron_hover: str  # with {layer} and {neuron}; the value follows
    activation_label: str
    weight_label: str
    gradient_label: str
    tile_label: str


def shown_neurons(weights: list[np.ndarray], max_nodes: int = MAX_NODES) -> list[np.ndarray]:
    """Indices of the neurons drawn in each layer: all of them, or the `max_nodes` with the largest weights."""
    widths = [weights[0].shape[1]] + [w.shape[0] for w in weights]
    shown = []
    for layer, width in enumerate(widths):
        if width <= max_nodes:
            shown.append(np.arange(width))
            continue
        importance = np.zeros(width)
        if layer > 0:
            importance += np.abs(weights[layer - 1]).sum(1)
        if layer < len(weights):
            importance += np.abs(weights[layer]).sum(0)
        shown.append(np.sort(np.argsort(-importance, kind="stable")[:max_nodes]))
    return shown


def _node_positions(shown: list[np.ndarray]) -> list[np.ndarray]:
    return [(len(nodes) - 1) / 2 - np.arange(len(nodes)) for nodes in shown]


def network_figure(
    weights: list[np.ndarray],
    gradients: list[np.ndarray],
    activations: list[np.ndarray],
    texts: NetworkTexts,
    tiles: list[np.ndarray] | None = None,
) -> go.Figure:
    """Neurons coloured by activation, edges by weight sign (colour) and size (width); edge hover
    gives weight and ∂L/∂w; with `tiles` (2-D data) each neuron shows its output over the plane."""
    shown = shown_neurons(weights)
    ys = _node_positions(shown)
    half = TILE / 2 if tiles is not None else 0.0
    traces: list[dict] = []
    traces += _edge_traces(weights, gradients, shown, ys, half, texts)
    pictures = []
    if tiles is not None:
        pictures = _tile_pictures(tiles, shown, ys)
        traces.append(_tile_hover_trace(tiles, shown, ys, texts))
    traces.append(_node_trace(activations, shown, ys, half, texts))
    tallest = max(len(nodes) for nodes in shown)
    layout = _base_layout(max(260, 70 + 42 * tallest), texts.title)
    layout.update(
        showlegend=False,
        xaxis={"visible": False, "range": [-0.9, LAYER_GAP * (len(shown) - 1) + 0.9], "fixedrange": True},
        yaxis={
            "visible": False,
            "range": [-(tallest / 2) - 0.2, tallest / 2 + 0.2],
            "scaleanchor": "x",
            "fixedrange": True,
        },
        annotations=[
            {
                "x": LAYER_GAP * layer,
                "y": tallest / 2 + 0.1,
                "text": name,
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"size": 11},
            }
            for layer, name in enumerate(texts.layer_names)
        ],
        images=pictures,
    )
    layout["margin"]["t"] = 56
    return _figure(traces, layout)


def _edge_table(weights, gradients, shown, ys, half) -> np.ndarray:
    """One row per drawn edge: x0, y0, x1, y1, weight, gradient, from-neuron, to-neuron, layer (1-based)."""
    rows = []
    for layer, (w, g) in enumerate(zip(weights, gradients)):
        sources, targets = shown[layer], shown[layer + 1]
        j_pos, i_pos = np.meshgrid(np.arange(len(targets)), np.arange(len(sources)), indexing="ij")
        j, i = targets[j_pos.ravel()], sources[i_pos.ravel()]
        count = len(j)
        rows.append(
            np.column_stack(
                [
                    np.full(count, LAYER_GAP * layer + half),
                    ys[layer][i_pos.ravel()],
                    np.full(count, LAYER_GAP * (layer + 1) - half),
                    ys[layer + 1][j_pos.ravel()],
                    w[j, i],
                    g[j, i],
                    i + 1,
                    j + 1,
                    np.full(count, layer + 1),
                ]
            )
        )
    return np.vstack(rows).astype(np.float64)


def _edge_traces(weights, gradients, shown, ys, half, texts) -> list[dict]:
    edges = _edge_table(weights, gradients, shown, ys, half)
    largest = float(np.abs(edges[:, 4]).max()) or 1.0
    levels = np.minimum(EDGE_LEVELS - 1, (EDGE_LEVELS * np.abs(edges[:, 4]) / largest).astype(int))
    positive = edges[:, 4] >= 0
    traces = []
    for sign in (False, True):
        for level in range(EDGE_LEVELS):
            chosen = edges[(positive == sign) & (levels == level)]
            if not len(chosen):
                continue
            gap = np.full(len(chosen), np.nan)  # NaN breaks the line between edges
            traces.append(
                scatter(
                    x=np.column_stack([chosen[:, 0], chosen[:, 2], gap]).ravel(),
                    y=np.column_stack([chosen[:, 1], chosen[:, 3], gap]).ravel(),
                    mode="lines",
                    line={"color": POSITIVE if sign else NEGATIVE, "width": 0.6 + 1.2 * level},
                    opacity=0.35 + 0.1 * level,
                    hoverinfo="skip",
                )
            )
    traces.append(
        scatter(
            x=(edges[:, 0] + edges[:, 2]) / 2,
            y=(edges[:, 1] + edges[:, 3]) / 2,
            mode="markers",
            marker={"size": 9, "color": "rgba(0,0,0,0)"},
            customdata=edges[:, 4:],
            hovertemplate=(
                f"w[%{{customdata[4]}}] %{{customdata[3]}}←%{{customdata[2]}}<br>{texts.weight_label} "
                f"%{{customdata[0]:.4f}}<br>{texts.gradient_label} %{{customdata[1]:.3e}}<extra></extra>"
            ),
        )
    )
    return traces


def _tile_range(z: np.ndarray) -> tuple[float, float, list[list]]:
    """Colour range and scale of one tile: diverging around 0 when it has negative values, else from 0 up."""
    low, high = float(np.nanmin(z)), float(np.nanmax(z))
    spread = max(abs(low), abs(high), 1e-9)
    return (-spread, spread, DIVERGING) if low < 0 else (0.0, spread, SEQUENTIAL)


def _tile_pictures(tiles, shown, ys) -> list[dict]:
    pictures = []
    for layer, maps in enumerate(tiles):
        centre = LAYER_GAP * layer
        for position, neuron in enumerate(shown[layer]):
            z = maps[neuron]
            low, high, scale = _tile_range(z)
            middle = float(ys[layer][position])
            pictures.append(
                plane_picture(
                    coloured(z, low, high, scale),
                    (centre - TILE / 2, centre + TILE / 2),
                    (middle - TILE / 2, middle + TILE / 2),
                )
            )
    return pictures


def _tile_hover_trace(tiles, shown, ys, texts) -> dict:
    """One invisible marker over each tile: the neuron and the range of what it computes over the plane."""
    xs, yv, custom = [], [], []
    for layer, maps in enumerate(tiles):
        for position, neuron in enumerate(shown[layer]):
            z = maps[neuron]
            xs.append(LAYER_GAP * layer)
            yv.append(float(ys[layer][position]))
            custom.append([texts.layer_names[layer], int(neuron) + 1, float(np.nanmin(z)), float(np.nanmax(z))])
    return scatter(
        x=xs,
        y=yv,
        mode="markers",
        marker={"size": 26, "color": "rgba(0,0,0,0)"},
        customdata=custom,
        hovertemplate=f"%{{customdata[0]}} #%{{customdata[1]}}<br>{texts.tile_label} "
        "%{customdata[2]:.3f} … %{customdata[3]:.3f}<extra></extra>",
    )


def _node_trace(activations, shown, ys, half, texts) -> dict:
    xs, yv, values, custom = [], [], [], []
    for layer, nodes in enumerate(shown):
        for position, neuron in enumerate(nodes):
            xs.append(LAYER_GAP * layer + half)
            yv.append(ys[layer][position] + half)
            value = float(activations[layer][neuron])
            values.append(value)
            custom.append([texts.layer_names[layer], int(neuron) + 1, value])
    spread = max((abs(v) for v in values if np.isfinite(v)), default=1.0) or 1.0
    return scatter(
        x=xs,
        y=yv,
        mode="markers",
        marker={
            "size": 12 if half else 20,
            "color": values,
            "colorscale": DIVERGING,
            "cmin": -spread,
            "cmax": spread,
            "line": {"color": "#333333", "width": 1},
        },
        customdata=custom,
        hovertemplate=f"%{{customdata[0]}} #%{{customdata[1]}}<br>{texts.activation_label} "
        f"%{{customdata[2]:.4f}}<extra></extra>",
    )


@dataclass(frozen=True)
class PlaneTexts:
    title: str
    class_names: list[str]
    train_label: str
    test_label: str
    surface_label: str
    click_label: str


def decision_figure(
    extent: tuple[float, float, float, float],
    texts: PlaneTexts,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    surface: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    binary: bool = True,
    click_grid: int = 0,
    height: int = 460,
) -> go.Figure:
    """Decision regions (when `surface` = xs, ys, classes, confidence) with train (●) and test (◆) points;
    `click_grid` > 0 adds an invisible grid of that many points a side, so a click anywhere selects a point."""
    traces: list[dict] = []
    pictures = []
    if surface is not None:
        pictures.append(_surface_picture(surface, len(texts.class_names), binary))
    if click_grid:
        traces.append(_click_grid(extent, click_grid, texts.click_label))
    for (points, labels), symbol, name in ((train, "circle", texts.train_label), (test, "diamond", texts.test_label)):
        for cls, class_name in enumerate(texts.class_names):
            chosen = points[labels == cls]
            if not len(chosen):
                continue
            hover = f"{class_name} · {name}<br>(%{{x:.2f}}, %{{y:.2f}})"
            output = {}
            if surface is not None and binary:
                output = {"customdata": _output_at(surface, chosen)}
                hover += f"<br>{texts.surface_label} %{{customdata:.3f}}"
            traces.append(
                scatter(
                    x=chosen[:, 0],
                    y=chosen[:, 1],
                    mode="markers",
                    name=f"{class_name} · {name}",
                    marker={
                        "symbol": symbol,
                        "size": 7 if symbol == "circle" else 8,
                        "color": CLASS_COLOURS[cls % len(CLASS_COLOURS)],
                        "line": {"color": "white" if symbol == "circle" else "#222222", "width": 1},
                    },
                    hovertemplate=hover + "<extra></extra>",
                    **output,
                )
            )
    layout = _base_layout(height, texts.title)
    layout.update(
        xaxis={"range": [extent[0], extent[1]], "showgrid": False, "zeroline": False, "constrain": "domain"},
        yaxis={
            "range": [extent[2], extent[3]],
            "showgrid": False,
            "zeroline": False,
            "scaleanchor": "x",
            "constrain": "domain",
        },
        legend={"orientation": "h", "y": -0.08, "font": {"size": 11}},
        clickmode="event+select",
        dragmode=False,
        images=pictures,
    )
    return _figure(traces, layout)


def _surface_picture(surface, class_count: int, binary: bool) -> dict:
    """The predicted class (or, for one output, p(class 2) from orange to blue) over the plane."""
    xs, ys, classes, confidence = surface
    if binary:
        rgb, opacity = coloured(confidence, 0.0, 1.0, BINARY_REGIONS), 0.55
    else:
        palette_rgb = np.array([hex_to_rgb(CLASS_COLOURS[cls % len(CLASS_COLOURS)]) for cls in range(class_count)])
        rgb, opacity = np.flipud(palette_rgb[np.clip(classes, 0, class_count - 1)]).astype(np.uint8), 0.35
    return plane_picture(rgb, _cell_edges(xs), _cell_edges(ys), opacity)


def _output_at(surface, points: np.ndarray) -> np.ndarray:
    """The network's output shown by the regions picture (its nearest cell) under each point, for hover.

    An invisible hover grid over the picture would cost more to draw than the picture itself."""
    xs, ys, _, confidence = surface
    column = np.clip(np.rint((points[:, 0] - xs[0]) / ((xs[-1] - xs[0]) / (len(xs) - 1))), 0, len(xs) - 1)
    row = np.clip(np.rint((points[:, 1] - ys[0]) / ((ys[-1] - ys[0]) / (len(ys) - 1))), 0, len(ys) - 1)
    return np.round(confidence[row.astype(int), column.astype(int)], 3)


def _click_grid(extent, size, label) -> dict:
    gx, gy = np.meshgrid(np.linspace(extent[0], extent[1], size), np.linspace(extent[2], extent[3], size))
    return scatter(
        x=gx.ravel(),
        y=gy.ravel(),
        mode="markers",
        marker={"size": 14, "color": "rgba(0,0,0,0)"},
        hovertemplate=f"{label} (%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
        showlegend=False,
        name=label,
    )


@dataclass(frozen=True)
class CurveTexts:
    title: str
    epoch: str
    loss: str
    accuracy: str
    train: str
    test: str


def curves_figure(
    epochs: list[int],
    train_loss: list[float],
    test_loss: list[float],
    train_accuracy: list[float],
    test_accuracy: list[float],
    texts: CurveTexts,
    height: int = 380,
) -> go.Figure:
    """Loss (log scale, top) and accuracy (bottom) against epochs, train solid and test dashed.

    Long histories are thinned to at most `MAX_CURVE_POINTS` evenly spaced epochs (the last one kept)."""
    keep = _thin(len(epochs))
    epochs = np.asarray(epochs)[keep]
    train_loss, test_loss = np.asarray(train_loss)[keep], np.asarray(test_loss)[keep]
    train_accuracy, test_accuracy = np.asarray(train_accuracy)[keep], np.asarray(test_accuracy)[keep]
    series = [
        (train_loss, texts.train, "y", "solid", "#333333"),
        (test_loss, texts.test, "y", "dash", "#D55E00"),
        (train_accuracy, texts.train, "y2", "solid", "#333333"),
        (test_accuracy, texts.test, "y2", "dash", "#D55E00"),
    ]
    traces = [
        scatter(
            x=epochs,
            y=values,
            name=name,
            yaxis=axis,
            mode="lines" if len(epochs) > 30 else "lines+markers",  # a lone first epoch still shows
            line={"dash": dash, "color": colour, "width": 2},
            legendgroup=name,
            showlegend=axis == "y",
            hovertemplate=f"{name}: %{{y:.4f}}<extra></extra>",
        )
        for values, name, axis, dash, colour in series
    ]
    layout = _base_layout(height, texts.title)
    layout.update(
        xaxis={"title": {"text": texts.epoch}, "anchor": "y2", "rangemode": "tozero"},
        yaxis={"title": {"text": texts.loss}, "domain": [0.45, 1.0], "type": "log", "dtick": "D2"},
        yaxis2={"title": {"text": texts.accuracy}, "domain": [0.0, 0.38], "range": [0, 1.02], "tickformat": ".0%"},
        legend={"orientation": "h", "y": 1.08, "x": 1, "xanchor": "right"},
        hovermode="x unified",
    )
    layout["margin"]["l"] = 60
    return _figure(traces, layout)


def _thin(count: int) -> np.ndarray:
    if count <= MAX_CURVE_POINTS:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, MAX_CURVE_POINTS).round().astype(int))


def confusion_figure(counts: np.ndarray, class_names: list[str], title: str, true_label: str, predicted_label: str):
    """Counts[true, predicted] as a heatmap with the numbers written in."""
    trace = heatmap(
        z=counts,
        x=class_names,
        y=class_names,
        colorscale=[[0.0, "#f7fbff"], [0.25, "#9ecae1"], [1.0, "#08306b"]],
        showscale=False,
        text=counts,
        texttemplate="%{text}",
        hovertemplate=f"{true_label} %{{y}}<br>{predicted_label} %{{x}}<br>%{{z}}<extra></extra>",
    )
    layout = _base_layout(420, title)
    layout.update(
        xaxis={"title": {"text": predicted_label}, "type": "category", "side": "bottom"},
        yaxis={"title": {"text": true_label}, "type": "category", "autorange": "reversed"},
    )
    layout["margin"].update(l=70, b=50)
    return _figure([trace], layout)


def gallery_figure(images: np.ndarray, captions: list[str], title: str, columns: int = 6) -> go.Figure:
    """Images (N, 28, 28) in [0, 1] tiled into one heatmap, a caption above each."""
    count = len(images)
    rows = max(1, -(-count // columns))
    cell = 32
    canvas = np.full((rows * cell, columns * cell), np.nan, dtype=np.float32)
    annotations = []
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        canvas[row * cell + 4 : row * cell + 32, column * cell + 2 : column * cell + 30] = image
        annotations.append(
            {
                "x": column * cell + 16,
                "y": row * cell + 1.5,
                "text": captions[index],
                "showarrow": False,
                "font": {"size": 11},
            }
        )
    trace = heatmap(z=canvas, colorscale=GREYS, zmin=0, zmax=1, showscale=False, hoverinfo="skip")
    layout = _base_layout(60 + 110 * rows, title)
    layout.update(
        xaxis={"visible": False, "range": [-0.5, columns * cell - 0.5]},
        yaxis={"visible": False, "autorange": "reversed", "scaleanchor": "x"},
        annotations=annotations,
    )
    return _figure([trace], layout)

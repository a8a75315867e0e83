"""Plotly figures and LaTeX equations for the forward/backward page (pure: data in, figure or text out).

Every user-visible word comes in already translated (`labels`); the symbols u, a, δ, W, b, L are the
page's notation (docs/course.md §2) and are not translated.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from core import palette
from core.propagation import (
    LEAKY_SLOPE,
    Network,
    Step,
    Trace,
    Visible,
    activation_curve,
    stepper_steps,
    visible_at,
)

DIVERGING = palette.SIGNED
SEQUENTIAL = "Greys"
ACTIVE_FILL = "rgba(255, 200, 0, 0.16)"
CHOSEN = palette.GREEN  # the chosen weight's paths: not a sign colour
MAX_DIAGRAM_WIDTH = 16
MAX_DIAGRAM_EDGES = 400

PHI_SYMBOL = {
    "linear": r"\mathrm{id}",
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "tanh_half": r"\tanh_{1/2}",
    "relu": r"\mathrm{ReLU}",
    "leaky_relu": r"\mathrm{LReLU}",
    "step": r"\mathrm{step}",
    "softmax": r"\mathrm{softmax}",
}

PHI_PRIME_FORMULA = {
    "linear": r"\mathrm{id}'(u) = 1",
    "sigmoid": r"\sigma'(u) = \sigma(u)\,(1-\sigma(u))",
    "tanh": r"\tanh'(u) = 1-\tanh^2(u)",
    "tanh_half": r"\tanh_{1/2}(u) = \tanh(u/2) = 2\sigma(u)-1,\quad \tanh_{1/2}'(u) = \tfrac12\,(1-\tanh^2(u/2))",
    "relu": r"\mathrm{ReLU}'(u) = [u>0]",
    "leaky_relu": rf"\mathrm{{LReLU}}'(u) = 1 \text{{ if }} u>0 \text{{ else }} {LEAKY_SLOPE}",
    "step": r"\mathrm{step}'(u) = 0",
}


def diagram_fits(net: Network) -> bool:
    """Small enough to draw every neuron and edge legibly."""
    edges = sum(w.size for w in net.weights)
    return max(net.widths) <= MAX_DIAGRAM_WIDTH and edges <= MAX_DIAGRAM_EDGES


# --- numbers ---------------------------------------------------------------------------------------


def full(value: float) -> str:
    """Full float64 precision for hover text."""
    return f"{value:.17g}"


def short(value: float) -> str:
    """A compact number for labels on the diagram."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("inf" if value > 0 else "−inf")
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.3f}"
    return f"{value:.2e}"


def tex_number(value: float, decimals: int = 4) -> str:
    if math.isnan(value):
        return r"\text{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    mantissa, exponent = f"{value:.3e}".split("e")
    return rf"{mantissa}\!\times\!10^{{{int(exponent)}}}"


def _pick(size: int, limit: int) -> list[int | None]:
    """Indices to print, with None where an ellipsis goes."""
    if size <= limit:
        return list(range(size))
    return [*range(limit - 2), None, size - 1]


def tex_matrix(matrix: np.ndarray, limit: int = 6, decimals: int = 4) -> str:
    """A LaTeX bmatrix; long dimensions are abbreviated with ⋮ / ⋯."""
    matrix = np.atleast_2d(np.asarray(matrix, dtype=np.float64))
    rows, cols = _pick(matrix.shape[0], limit), _pick(matrix.shape[1], limit)
    lines = []
    for r in rows:
        cells = []
        for c in cols:
            if r is None:
                cells.append(r"\vdots" if c is not None else r"\ddots")
            elif c is None:
                cells.append(r"\cdots")
            else:
                cells.append(tex_number(float(matrix[r, c]), decimals))
        lines.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def tex_column(vector: np.ndarray, limit: int = 6, decimals: int = 4) -> str:
    return tex_matrix(np.asarray(vector, dtype=np.float64).reshape(-1, 1), limit, decimals)


# --- equations of each step -----------------------------------------------------------------------


def step_equations(
    net: Network,
    trace: Trace,
    step: Step,
    learning_rate: float,
    stepped: Network | None = None,
    stepped_cost: float | None = None,
) -> list[str]:
    """The equations of one stepper step with the actual numbers (example 0 of the trace)."""
    if step.kind == "forward":
        return _forward_equations(net, trace, step.layer)
    if step.kind == "loss":
        return _loss_equations(net, trace)
    if step.kind == "backward":
        return _backward_equations(net, trace, step.layer)
    return _update_equations(net, trace, learning_rate, stepped, stepped_cost)


def _a_below(trace: Trace, layer: int) -> np.ndarray:
    return trace.x[0] if layer == 1 else trace.layers[layer - 2].a[0]


def _forward_equations(net: Network, trace: Trace, layer: int) -> list[str]:
    record = trace.layers[layer - 1]
    phi = PHI_SYMBOL[net.activations[layer - 1]]
    return [
        rf"u_{layer} = W_{layer}\,a_{layer - 1} + b_{layer} = {tex_matrix(net.weights[layer - 1])}"
        rf"{tex_column(_a_below(trace, layer))} + {tex_column(net.biases[layer - 1])} = {tex_column(record.u[0])}",
        rf"a_{layer} = {phi}(u_{layer}) = {tex_column(record.a[0])}",
    ]


def loss_formula(loss: str, L: int) -> str:
    if loss == "squared_error":
        return rf"L = \sum_j (a_{{{L},j}} - y_j)^2"
    if loss == "bce":
        return rf"L = -\sum_j \left[y_j \log a_{{{L},j}} + (1-y_j)\log(1-a_{{{L},j}})\right]"
    return rf"L = -\sum_j y_j \log a_{{{L},j}}"


def _loss_equations(net: Network, trace: Trace) -> list[str]:
    L = net.n_layers
    a, y = trace.output[0], trace.y[0]
    formula = loss_formula(net.loss, L)
    if net.loss == "squared_error" and a.size <= 6:
        terms = " + ".join(rf"({tex_number(float(ai))} - {tex_number(float(yi))})^2" for ai, yi in zip(a, y))
        return [rf"{formula} = {terms} = {tex_number(trace.cost, 6)}"]
    return [
        rf"a_{L} = {tex_column(a)},\quad y = {tex_column(y)}",
        rf"{formula} = {tex_number(trace.cost, 6)}",
    ]


def _backward_equations(net: Network, trace: Trace, layer: int) -> list[str]:
    L = net.n_layers
    record = trace.layers[layer - 1]
    act = net.activations[layer - 1]
    equations = []
    if layer == L:
        a, y = record.a[0], trace.y[0]
        if net.loss == "squared_error":
            equations.append(rf"\frac{{\partial L}}{{\partial a_{L}}} = 2\,(a_{L} - y) = {tex_column(record.dL_da[0])}")
            equations.append(
                rf"\delta_{L} = \frac{{\partial L}}{{\partial a_{L}}} \odot {PHI_SYMBOL[act]}'(u_{L}) = "
                rf"{tex_column(record.dL_da[0])} \odot {tex_column(record.phi_prime[0])} = "
                rf"{tex_column(record.delta[0])}"
            )
        else:
            ratio = rf"\frac{{a_{L} - y}}{{a_{L}\,(1-a_{L})}}" if net.loss == "bce" else rf"-\frac{{y}}{{a_{L}}}"
            equations.append(rf"\frac{{\partial L}}{{\partial a_{L}}} = {ratio} = {tex_column(record.dL_da[0])}")
            equations.append(
                rf"\delta_{L} = \frac{{\partial L}}{{\partial u_{L}}} = a_{L} - y = "
                rf"{tex_column(a)} - {tex_column(y)} = {tex_column(record.delta[0])}"
            )
    else:
        w_above = net.weights[layer]
        above = trace.layers[layer]
        equations.append(
            rf"\frac{{\partial L}}{{\partial a_{layer}}} = W_{layer + 1}^\top \delta_{layer + 1} = "
            rf"{tex_matrix(w_above.T)}{tex_column(above.delta[0])} = {tex_column(record.dL_da[0])}"
        )
        equations.append(
            rf"\delta_{layer} = (W_{layer + 1}^\top \delta_{layer + 1}) \odot {PHI_SYMBOL[act]}'(u_{layer}) = "
            rf"{tex_column(record.dL_da[0])} \odot {tex_column(record.phi_prime[0])} = {tex_column(record.delta[0])}"
        )
    if act in PHI_PRIME_FORMULA and not (layer == L and net.loss != "squared_error"):
        equations.append(PHI_PRIME_FORMULA[act])
    equations.append(
        rf"\frac{{\partial L}}{{\partial W_{layer}}} = \delta_{layer}\, a_{layer - 1}^\top = "
        rf"{tex_column(record.delta[0])}{tex_matrix(_a_below(trace, layer)[None, :])} = {tex_matrix(record.dW)}"
    )
    equations.append(rf"\frac{{\partial L}}{{\partial b_{layer}}} = \delta_{layer} = {tex_column(record.db)}")
    return equations


def _update_equations(
    net: Network, trace: Trace, learning_rate: float, stepped: Network | None, stepped_cost: float | None
) -> list[str]:
    eta = tex_number(learning_rate, 6)
    equations = []
    for index, record in enumerate(trace.layers):
        layer = index + 1
        if stepped is not None:
            new_w, new_b = tex_matrix(stepped.weights[index]), tex_column(stepped.biases[index])
        else:
            new_w = new_b = r"\text{?}"
        equations.append(
            rf"W_{layer} \leftarrow W_{layer} - \eta\,\frac{{\partial L}}{{\partial W_{layer}}} = "
            rf"{tex_matrix(net.weights[index])} - {eta}\,{tex_matrix(record.dW)} = {new_w}"
        )
        equations.append(
            rf"b_{layer} \leftarrow {tex_column(net.biases[index])} - {eta}\,{tex_column(record.db)} = {new_b}"
        )
    if stepped_cost is not None:
        equations.append(rf"L:\ {tex_number(trace.cost, 6)} \ \longrightarrow\ {tex_number(stepped_cost, 6)}")
    return equations


def chain_rule_equation(paths, total: float, backprop_value: float, weight_symbol: str, limit: int = 8) -> list[str]:
    """∂L/∂w as the sum over paths of the product of factors, factor by factor."""
    lines = []
    for path in paths[:limit]:
        symbols = r" \cdot ".join(symbol for symbol, _ in path.factors)
        values = r" \cdot ".join(f"({tex_number(value, 5)})" for _, value in path.factors)
        lines.append(rf"{symbols} = {values} = {tex_number(path.product, 6)}")
    summary = (
        rf"\frac{{\partial L}}{{\partial {weight_symbol}}} = \sum_{{\text{{{len(paths)}}}}} = {tex_number(total, 8)}"
        rf"\qquad \text{{backprop: }} {tex_number(backprop_value, 8)}"
    )
    return [*lines, summary]


# --- colours -----------------------------------------------------------------------------------------


def _finite_abs_max(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def diverging_colors(values: np.ndarray, scale: float) -> list[str]:
    """The signed colour code (palette.SIGNED) on the symmetric range [−scale, scale]; non-finite values are grey."""
    values = np.asarray(values, dtype=np.float64).ravel()
    positions = np.clip(0.5 + 0.5 * np.nan_to_num(values, nan=0.0) / scale, 0.0, 1.0)
    colors = sample_colorscale(DIVERGING, positions.tolist())
    return [c if np.isfinite(v) else "rgb(150,150,150)" for c, v in zip(colors, values)]


def _clipped(values: np.ndarray, scale: float) -> list[float]:
    """Colour values with ±inf at the ends of the scale and NaN at its middle (the text says which)."""
    return np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, posinf=scale, neginf=-scale).tolist()


def _plain(values: np.ndarray) -> list[float | None]:
    """Numbers for Plotly with inf/NaN as gaps (JSON has no inf)."""
    return [float(v) if np.isfinite(v) else None for v in np.asarray(values, dtype=np.float64).ravel()]


# --- the network diagram ------------------------------------------------------------------------------


def _neuron_positions(widths: Sequence[int]) -> list[np.ndarray]:
    top = max(widths)
    return [np.linspace((top - 1) / 2, -(top - 1) / 2, n) if n > 1 else np.zeros(1) for n in widths]


EDGE_BINS = 11  # edges are drawn in this many colour/width classes of the diverging scale


def _edge_traces(net: Network, trace: Trace, visible: Visible, ys, chosen) -> list[dict]:
    """Edges coloured by w (forward) or ∂L/∂w (once the backward pass reached them), one trace per colour class."""
    backward_from = visible.backward_downto
    bins: dict[int, tuple[list, list]] = {}
    path_x, path_y = [], []
    mid_x, mid_y, hover = [], [], []
    path_edges = _path_edges(net, chosen)
    for index, w in enumerate(net.weights):
        layer = index + 1
        grads_shown = backward_from is not None and layer >= backward_from
        values = trace.layers[index].dW if grads_shown else w
        scale = _finite_abs_max(np.concatenate([g.ravel() for g in _layer_values(net, trace, grads_shown)]))
        positions = np.clip(0.5 + 0.5 * np.nan_to_num(values, nan=0.0) / scale, 0.0, 1.0)
        classes = np.rint(positions * (EDGE_BINS - 1)).astype(int)
        for j in range(w.shape[0]):
            for i in range(w.shape[1]):
                xs, ys_pair = [index, layer, None], [ys[index][i], ys[layer][j], None]
                if (layer, j, i) in path_edges:
                    path_x += xs
                    path_y += ys_pair
                bucket = -1 if not np.isfinite(values[j, i]) else int(classes[j, i])
                bins.setdefault(bucket, ([], []))
                bins[bucket][0].extend(xs)
                bins[bucket][1].extend(ys_pair)
                mid_x.append(index + 0.62)
                mid_y.append(ys[index][i] + 0.62 * (ys[layer][j] - ys[index][i]))
                text = f"w<sub>{layer},{j + 1}{i + 1}</sub> = {full(float(w[j, i]))}"
                if grads_shown:
                    text += f"<br>∂L/∂w = {full(float(trace.layers[index].dW[j, i]))}"
                hover.append(text)
    traces = []
    if path_x:
        traces.append(
            {
                "type": "scatter",
                "x": path_x,
                "y": path_y,
                "mode": "lines",
                "hoverinfo": "skip",
                "showlegend": False,
                "line": {"color": CHOSEN, "width": 9},
                "opacity": 0.55,
            }
        )
    colors = sample_colorscale(DIVERGING, [k / (EDGE_BINS - 1) for k in range(EDGE_BINS)])
    for bucket in range(-1, EDGE_BINS):
        xs, ys_list = bins.get(bucket, ([], []))
        strength = abs(bucket - (EDGE_BINS - 1) / 2) / ((EDGE_BINS - 1) / 2) if bucket >= 0 else 0.3
        traces.append(
            {
                "type": "scatter",
                "x": xs,
                "y": ys_list,
                "mode": "lines",
                "hoverinfo": "skip",
                "showlegend": False,
                "line": {"color": colors[bucket] if bucket >= 0 else "rgb(150,150,150)", "width": 1.0 + 5.0 * strength},
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": mid_x,
            "y": mid_y,
            "mode": "markers",
            "hovertext": hover,
            "hoverinfo": "text",
            "marker": {"size": 9, "color": "rgba(0,0,0,0.05)"},
            "showlegend": False,
        }
    )
    return traces


def _diagram(
    net: Network,
    trace: Trace,
    visible: Visible,
    labels: dict[str, str],
    active: int | None,
    chosen: tuple[int, int, int] | None,
) -> tuple[list[dict], dict]:
    """The diagram as plain traces and layout (no per-property validation: it is drawn once per step)."""
    L = net.n_layers
    ys = _neuron_positions(net.widths)
    half = max(net.widths) / 2
    shapes = []
    if active is not None:
        shapes.append(
            {
                "type": "rect",
                "x0": active - 0.55,
                "x1": active + 0.3,
                "y0": -half - 0.3,
                "y1": half + 0.3,
                "fillcolor": ACTIVE_FILL,
                "line": {"width": 0},
                "layer": "below",
            }
        )
    traces = _edge_traces(net, trace, visible, ys, chosen)
    traces.append(_loss_edges(net, ys))
    traces.append(_neuron_trace(net, trace, visible, ys, labels))
    traces.append(_loss_node(net, trace, visible, labels))
    traces += palette.sign_legend_traces(labels["weight_positive"], labels["weight_negative"])
    tick_text = [labels["input"], *(labels["layer"].format(n=m) for m in range(1, L)), labels["output"], labels["loss"]]
    layout = {
        "height": max(340, 90 * max(net.widths) + 120),
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "plot_bgcolor": "white",
        "shapes": shapes,
        "xaxis": {
            "tickvals": list(range(L + 2)),
            "ticktext": tick_text,
            "range": [-0.6, L + 1.6],
            "showgrid": False,
            "zeroline": False,
            "side": "top",
            "fixedrange": True,
        },
        "yaxis": {"visible": False, "range": [-half - 0.5, half + 0.5], "fixedrange": True},
        "hoverlabel": {"font": {"family": "monospace"}},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0, "yanchor": "top", "font": {"size": 12}},
    }
    return traces, layout


def network_diagram(
    net: Network,
    trace: Trace,
    visible: Visible,
    labels: dict[str, str],
    active_layer: int | None = None,
    chosen_weight: tuple[int, int, int] | None = None,
) -> go.Figure:
    """Neurons show u, a on the way forward and ∂L/∂a, δ on the way back; edges show w and ∂L/∂w.

    `chosen_weight` = (layer, row, col) highlights that weight and every path from it to the loss.
    labels: input, layer (with {n}), output, loss, neuron_scale_forward, neuron_scale_backward, weight_positive,
    weight_negative (the legend of the edges' sign colours).
    """
    traces, layout = _diagram(net, trace, visible, labels, active_layer, chosen_weight)
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _layer_values(net: Network, trace: Trace, gradients: bool) -> list[np.ndarray]:
    return [layer.dW for layer in trace.layers] if gradients else list(net.weights)


def _path_edges(net: Network, chosen: tuple[int, int, int] | None) -> set[tuple[int, int, int]]:
    """(layer, row, col) of the chosen weight and of every edge after it on a path to the loss."""
    if chosen is None:
        return set()
    layer, row, col = chosen
    edges = {(layer, row, col)}
    reachable = {row}
    for m in range(layer + 1, net.n_layers + 1):
        for j in range(net.widths[m]):
            for i in reachable:
                edges.add((m, j, i))
        reachable = set(range(net.widths[m]))
    return edges


def _neuron_trace(net: Network, trace: Trace, visible: Visible, ys, labels) -> dict:
    xs, yv, color, text, hover = [], [], [], [], []
    backward_from = visible.backward_downto
    for i, value in enumerate(trace.x[0]):
        xs.append(0)
        yv.append(float(ys[0][i]))
        color.append(float(value))
        text.append(f"x={short(float(value))}")
        hover.append(f"a<sub>0,{i + 1}</sub> = x<sub>{i + 1}</sub> = {full(float(value))}")
    for index, record in enumerate(trace.layers):
        layer = index + 1
        for j in range(net.widths[layer]):
            xs.append(layer)
            yv.append(float(ys[layer][j]))
            forward_done = layer <= visible.forward_upto
            backward_done = backward_from is not None and layer >= backward_from
            if backward_done:
                color.append(float(record.delta[0, j]))
                text.append(f"∂L/∂a={short(float(record.dL_da[0, j]))}<br>δ={short(float(record.delta[0, j]))}")
            elif forward_done:
                color.append(float(record.a[0, j]))
                text.append(f"u={short(float(record.u[0, j]))}<br>a={short(float(record.a[0, j]))}")
            else:
                color.append(0.0)
                text.append("")
            lines = []
            if forward_done:
                lines += [
                    f"u<sub>{layer},{j + 1}</sub> = {full(float(record.u[0, j]))}",
                    f"a<sub>{layer},{j + 1}</sub> = {full(float(record.a[0, j]))}",
                ]
            if backward_done:
                lines += [
                    f"∂L/∂a<sub>{layer},{j + 1}</sub> = {full(float(record.dL_da[0, j]))}",
                    f"δ<sub>{layer},{j + 1}</sub> = {full(float(record.delta[0, j]))}",
                ]
            hover.append("<br>".join(lines) or "—")
    scale = _finite_abs_max(np.array(color))
    title = labels["neuron_scale_backward"] if backward_from is not None else labels["neuron_scale_forward"]
    return {
        "type": "scatter",
        "x": xs,
        "y": yv,
        "mode": "markers+text",
        "text": text,
        "textposition": "bottom center",
        "textfont": {"size": 11, "family": "monospace"},
        "hovertext": hover,
        "hoverinfo": "text",
        "showlegend": False,
        "marker": {
            "size": 34,
            "color": _clipped(np.array(color), scale),
            "colorscale": DIVERGING,
            "cmin": -scale,
            "cmax": scale,
            "line": {"color": "#333", "width": 1.5},
            "colorbar": {"title": {"text": title}, "thickness": 12, "len": 0.8},
        },
    }


def _loss_edges(net: Network, ys) -> dict:
    L = net.n_layers
    xs, yv = [], []
    for y in ys[-1]:
        xs += [L, L + 1, None]
        yv += [float(y), 0.0, None]
    return {
        "type": "scatter",
        "x": xs,
        "y": yv,
        "mode": "lines",
        "hoverinfo": "skip",
        "showlegend": False,
        "line": {"color": "#999", "width": 1, "dash": "dot"},
    }


def _loss_node(net: Network, trace: Trace, visible: Visible, labels) -> dict:
    shown = visible.loss
    return {
        "type": "scatter",
        "x": [net.n_layers + 1],
        "y": [0],
        "mode": "markers+text",
        "showlegend": False,
        "text": [f"L={short(trace.cost)}" if shown else "L"],
        "textposition": "bottom center",
        "textfont": {"size": 12, "family": "monospace"},
        "hovertext": [f"L = {full(trace.cost)}" if shown else labels["loss"]],
        "hoverinfo": "text",
        "marker": {
            "size": 30,
            "symbol": "square",
            "color": "#fff3cd" if shown else "white",
            "line": {"color": "#333", "width": 1.5},
        },
    }


# --- views of a big network (784-16-16-10) ---------------------------------------------------------


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns of a near-square grid holding n cells (4×4 for 16, 28×28 for 784)."""
    rows = int(math.floor(math.sqrt(n)))
    while n % rows:
        rows -= 1
    if rows == 1 and n > 3:
        rows = int(math.ceil(math.sqrt(n)))
    return rows, int(math.ceil(n / rows))


def value_grid(values: np.ndarray, title: str, hover_symbol: str, diverging: bool, height: int = 260) -> go.Figure:
    """A vector as a heatmap grid (row-major), full precision on hover; diverging colours for signed values."""
    values = np.asarray(values, dtype=np.float64).ravel()
    rows, cols = grid_shape(values.size)
    padded = np.full(rows * cols, np.nan)
    padded[: values.size] = values
    grid = padded.reshape(rows, cols)
    index = np.arange(rows * cols).reshape(rows, cols)
    hover = [
        [
            f"{hover_symbol}[{index[r, c] + 1}] = {full(grid[r, c])}" if index[r, c] < values.size else ""
            for c in range(cols)
        ]
        for r in range(rows)
    ]
    zmax = _finite_abs_max(values)
    colors = (
        {"colorscale": DIVERGING, "zmin": -zmax, "zmax": zmax}
        if diverging
        else {"colorscale": SEQUENTIAL, "reversescale": True, "zmin": 0.0, "zmax": max(1.0, zmax)}
    )
    fig = go.Figure(
        go.Heatmap(
            z=[_plain(row) for row in grid],
            hovertext=hover,
            hoverinfo="text",
            xgap=1 if values.size <= 64 else 0,
            ygap=1 if values.size <= 64 else 0,
            colorbar={"thickness": 10},
            **colors,
        )
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}},
        height=height,
        margin={"l": 5, "r": 5, "t": 40, "b": 5},
        xaxis={"visible": False, "constrain": "domain"},
        yaxis={"visible": False, "autorange": "reversed", "scaleanchor": "x"},
    )
    return fig


def output_bars(
    values: np.ndarray, target: np.ndarray, class_names: Sequence[str], labels: dict[str, str], symbol: str
) -> go.Figure:
    """The output layer as bars, the target as markers."""
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=list(class_names),
            y=_plain(values),
            name=labels["output"],
            marker_color="#0072B2",
            hovertext=[f"{symbol}[{i + 1}] = {full(float(v))}" for i, v in enumerate(values)],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=list(class_names),
            y=_plain(target),
            mode="markers",
            name=labels["target"],
            marker={"symbol": "line-ew-open", "size": 26, "color": "#D55E00", "line": {"width": 3}},
        )
    )
    fig.update_layout(
        title={"text": labels["title"], "font": {"size": 14}},
        height=260,
        margin={"l": 5, "r": 5, "t": 40, "b": 5},
        legend={"orientation": "h", "y": -0.2},
        xaxis={"type": "category"},
    )
    return fig


# --- softmax + cross-entropy widget --------------------------------------------------------------------


def softmax_figure(probabilities: np.ndarray, gradient: np.ndarray, target: int, labels: dict[str, str]) -> go.Figure:
    names = [f"{labels['class']} {k}" for k in range(len(probabilities))]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=names,
            y=_plain(probabilities),
            name=labels["probability"],
            marker_color="#0072B2",
            hovertext=[f"p[{k}] = {full(float(p))}" for k, p in enumerate(probabilities)],
            hoverinfo="text",
        )
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=_plain(gradient),
            name=labels["gradient"],
            marker_color=diverging_colors(gradient, _finite_abs_max(gradient)),
            marker_line={"color": "#333", "width": 1},
            hovertext=[f"∂H/∂u[{k}] = {full(float(g))}" for k, g in enumerate(gradient)],
            hoverinfo="text",
        )
    )
    fig.add_annotation(
        x=names[target], y=float(probabilities[target]), text=labels["target"], showarrow=True, arrowhead=2, ay=-30
    )
    fig.update_layout(
        barmode="group",
        height=300,
        margin={"l": 5, "r": 5, "t": 20, "b": 5},
        legend={"orientation": "h", "y": -0.15},
        xaxis={"type": "category"},
    )
    return fig


# --- activation explorer --------------------------------------------------------------------------------


def activation_figure(name: str, labels: dict[str, str], span: float = 6.0) -> go.Figure:
    """φ and φ′ on [−span, span]; for the sigmoid, σ′'s maximum 0.25 at 0 is marked."""
    xs = np.linspace(-span, span, 601)
    phi, dphi = activation_curve(name, xs)
    fig = go.Figure()
    shape = "hv" if name == "step" else "linear"
    fig.add_trace(go.Scatter(x=xs, y=phi, name=labels["phi"], line={"color": "#0072B2", "width": 3, "shape": shape}))
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=dphi,
            name=labels["phi_prime"],
            line={"color": "#D55E00", "width": 3, "dash": "dash", "shape": shape},
        )
    )
    if name == "sigmoid":
        fig.add_trace(
            go.Scatter(
                x=[0.0],
                y=[0.25],
                mode="markers+text",
                text=[labels["sigmoid_max"]],
                textposition="top right",
                marker={"size": 12, "color": "#D55E00"},
                name=labels["sigmoid_max"],
                showlegend=False,
            )
        )
        fig.add_hline(y=0.25, line={"dash": "dot", "color": "#D55E00", "width": 1})
    fig.update_layout(
        height=340,
        margin={"l": 5, "r": 5, "t": 20, "b": 5},
        legend={"orientation": "h", "y": -0.15},
        xaxis={"title": {"text": "u"}, "zeroline": True},
        yaxis={"zeroline": True},
    )
    return fig


def active_layer(step: Step, n_layers: int) -> int | None:
    """The diagram column a step works on: its layer, the loss column, or none for the update."""
    if step.layer:
        return step.layer
    return n_layers + 1 if step.kind == "loss" else None


def animated_diagram(
    net: Network,
    trace: Trace,
    current: int,
    step_names: Sequence[str],
    labels: dict[str, str],
    chosen_weight: tuple[int, int, int] | None = None,
) -> go.Figure:
    """The diagram at step `current`, with one animation frame per step of the cycle (a Play button, a slider).

    Playing happens in the browser: every frame is sent once, nothing reruns on the server.
    labels: those of `network_diagram` plus play and step.
    """
    steps = stepper_steps(net.n_layers)
    parts = [
        _diagram(net, trace, visible_at(net.n_layers, index), labels, active_layer(step, net.n_layers), chosen_weight)
        for index, step in enumerate(steps)
    ]
    traces, layout = parts[current]
    frames = [
        {"name": str(index), "data": data, "layout": {"shapes": part_layout["shapes"]}}
        for index, (data, part_layout) in enumerate(parts)
    ]
    play = {
        "frame": {"duration": 1100, "redraw": True},
        "transition": {"duration": 0},
        "mode": "afterall",
        "fromcurrent": True,
    }
    jump = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "afterall"}
    layout = {
        **layout,
        "height": layout["height"] + 110,
        "margin": {**layout["margin"], "b": 110},
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.04,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "pad": {"r": 8, "t": 8},
                # no pause button: plotly.js rejects an interrupted animation's promise, an uncaught page error
                "buttons": [{"label": f"▶ {labels['play']}", "method": "animate", "args": [None, play]}],
            }
        ],
        "sliders": [
            {
                "active": current,
                "x": 0.2,
                "len": 0.8,
                "y": -0.02,
                "yanchor": "top",
                "pad": {"t": 8},
                "currentvalue": {"prefix": f"{labels['step']}: ", "font": {"size": 13}},
                "steps": [
                    {"label": name, "method": "animate", "args": [[str(index)], jump]}
                    for index, name in enumerate(step_names)
                ],
            }
        ],
    }
    return go.Figure({"data": traces, "layout": layout, "frames": frames}, _validate=False)

"""A figure under a slider: the patch of every value gives that value's figure, and the view's message carries
them (with the texts and the sliders it follows) as the browser reads them."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from core import attack_figures as figures
from core import attacks
from core.url_state import Param
from ui import sweep_view


def apply_patch(base: dict, patch: dict) -> dict:
    """What sweep_view.js does with a patch: trace keys replaced, dotted layout paths set, None removes."""
    figure = copy.deepcopy(base)
    for index, changes in patch["data"].items():
        for key, value in changes.items():
            set_path(figure["data"][int(index)], [key], value)
    for path, value in patch["layout"].items():
        set_path(figure["layout"], path.split("."), value)
    return figure


def set_path(node, keys: list[str], value) -> None:
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    last = keys[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def assert_same_figure(first: dict, second: dict) -> None:
    assert figures._same(first, second), json.dumps(figures.figure_patch(first, second), default=str)[:400]


@pytest.fixture(scope="module")
def sweep(split, cnn):
    return attacks.attack_sweep(cnn, split.test_images[7], int(split.test_labels[7]),
                                attacks.AttackSettings("ifgsm", alpha=0.02, steps=10))


def images_spec(result: attacks.AttackResult, eps: float) -> dict:
    titles = (("clean", f"p {result.clean_prediction}"), ("δ", f"{result.linf:.3f}"),
              (f"adversarial {eps:.2f}", f"p {result.adversarial_prediction}"))
    return figures.attack_images_spec(result.clean, result.delta, result.adversarial, titles, "δ", "%{z}")


def steps_spec(result: attacks.AttackResult) -> dict:
    lines = {"p(label)": result.step_probabilities[:, result.label]}
    if result.flip_step is not None:
        lines["p(new)"] = result.step_probabilities[:, int(result.step_predictions[result.flip_step])]
    return figures.step_spec(result.step_losses, lines, result.flip_step, "step", "loss", "p", "flipped")


def test_a_patch_turns_the_figure_at_one_eps_into_the_figure_at_any_other(sweep):
    results = [sweep.result(index) for index in range(len(sweep))]
    for build in (lambda r, e: images_spec(r, e), lambda r, e: steps_spec(r),
                  lambda r, e: figures.probability_spec(r.clean_probabilities, r.adversarial_probabilities,
                                                        ("before", f"after {e:.2f}"), "class", "p")):
        specs = [build(result, eps) for result, eps in zip(results, sweep.epsilons)]
        for base_index in (0, 10, 50):
            for index in (0, 3, 10, 27, 50):
                patch = figures.figure_patch(specs[base_index], specs[index])
                assert_same_figure(apply_patch(specs[base_index], patch), specs[index])


def test_only_what_changes_travels(sweep):
    first, later = images_spec(sweep.result(10), 0.1), images_spec(sweep.result(20), 0.2)
    assert figures.figure_patch(first, first) == {"data": {}, "layout": {}}
    patch = figures.figure_patch(first, later)
    assert set(patch["data"]) == {"1", "2"}, "the clean image stays; δ and the adversarial image change"
    assert set(patch["data"]["1"]) == {"z"} and set(patch["data"]["2"]) == {"z"}
    assert "annotations.2.text" in patch["layout"] and "coloraxis.cmax" in patch["layout"]
    assert "annotations.0.text" not in patch["layout"]


def test_the_step_figure_keeps_its_traces_with_or_without_a_flip(sweep):
    results = [sweep.result(index) for index in range(len(sweep))]
    flips = {result.flip_step is None for result in results}
    assert flips == {True, False}, "this digit flips at some ε and not at others"
    counts = {(len(spec["data"]), len(spec["layout"]["shapes"]), len(spec["layout"]["annotations"]))
              for spec in map(steps_spec, results)}
    assert counts == {(1 + figures.PROBABILITY_LINES, 1, 1)}
    with pytest.raises(ValueError):
        figures.figure_patch({"data": [{}], "layout": {}}, {"data": [{}, {}], "layout": {}})


def test_images_travel_as_float32_typed_arrays(sweep):
    spec = images_spec(sweep.result(12), 0.12)
    assert all(trace["z"].dtype == np.float32 for trace in spec["data"])
    chart = sweep_view.chart_from_specs("images", [images_spec(sweep.result(i), e) for i, e in
                                                   zip(range(len(sweep)), sweep.epsilons)])
    item = sweep_view.chart_item(chart)
    assert item["patches"][0] == {"data": {}, "layout": {}}
    z = item["patches"][30]["data"]["2"]["z"]
    assert z["dtype"] == "f4" and z["shape"] == "28, 28"
    assert item["figure"]["data"][0]["z"]["dtype"] == "f4"
    assert "template" not in item["figure"]["layout"]


def test_the_view_message_names_its_sliders_and_the_link_they_write(sweep):
    eps = Param("eps", 0.1, "float", low=0.0, high=0.5)
    chart = sweep_view.chart_from_specs("steps", [steps_spec(sweep.result(i)) for i in range(len(sweep))])
    texts = sweep_view.SweepText("outcome", [f"ε = {value:.2f}" for value in sweep.epsilons], "heading",
                                 [("changed", "bad")] * len(sweep))
    rows = [sweep_view.SweepRow([texts]), sweep_view.SweepRow([chart, texts], (2, 1))]
    main = sweep_view.FollowedSlider("attack_eps", attacks.SWEEP_EPSILONS, eps)
    opacity = sweep_view.FollowedSlider("attack_opacity", (0.0, 0.5, 1.0))
    message = json.loads(sweep_view.view_message("view", rows, main, opacity))
    assert list(message) == ["revision", "view"]
    view = message["view"]
    assert view["main"]["slider"] == "attack_eps" and view["main"]["param"] == "eps"
    assert view["main"]["query"][10] is None, "the default ε is left out of the link"
    assert view["main"]["query"][0] == "0" and view["main"]["query"][35] == "0.35"
    assert view["opacity"] == {"slider": "attack_opacity", "values": [0.0, 0.5, 1.0]}
    assert view["share_box"] == "share_link"
    assert view["rows"][1]["widths"] == [2, 1] and view["rows"][0]["widths"] == [1]
    heading = view["rows"][0]["items"][0]
    assert heading["kind"] == "text" and heading["values"][25] == "ε = 0.25" and heading["badges"][0] == ["changed",
                                                                                                       "bad"]
    steps = view["rows"][1]["items"][0]
    assert steps["kind"] == "chart" and len(steps["patches"]) == len(sweep)
    assert view["plotly"].endswith("/component/ui.live_chart.plotly_js/plotly.min.js")
    again = json.loads(sweep_view.view_message("view", rows, main, opacity))
    assert again["revision"] == message["revision"]
    other = sweep_view.view_message("view", rows[:1], main, opacity)
    assert json.loads(other)["revision"] != message["revision"]

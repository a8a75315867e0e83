"""Playground throughput: training epochs per second for a 2-8-8-1 network on 500 points, without
and with rendering, and screen updates per second in a real browser while Play runs.

    python -m bench.playground_training            # all three measurements
    python -m bench.playground_training --no-browser

Run by hand on an otherwise idle machine; it prints the figures and the load average it saw.
"""

from __future__ import annotations

import argparse
import os
import time

import plotly.io as pio
import plotly.tools

from core import playground as pg
from core.playground_figures import CurveTexts, NetworkTexts, PlaneTexts, curves_figure, decision_figure, network_figure
from core.toy_data import make_shape, split_points

POINTS = 500
ARCHITECTURE = pg.Architecture(2, (8, 8), 2, "tanh", "sigmoid_bce")
NETWORK_TEXTS = NetworkTexts("net", ["input", "hidden 1", "hidden 2", "output"], "", "a", "w", "dL/dw", "out")
PLANE_TEXTS = PlaneTexts("regions", ["a", "b"], "train", "test", "p", "add")
CURVE_TEXTS = CurveTexts("curves", "epoch", "loss", "accuracy", "train", "test")
TILE_RESOLUTION, SURFACE_RESOLUTION = 20, 60  # as on the page


def training_data() -> tuple[pg.TrainingData, tuple]:
    """500 training points (circle, 10% noise) and 200 more for the test curve."""
    split = split_points(make_shape("circle", POINTS + 200, 0.1, seed=1), POINTS / (POINTS + 200), seed=1)
    data = pg.point_training_data(
        split.train.points, split.train.labels, split.test.points, split.test.labels, split.train.n_classes
    )
    return data, split.extent


def render(trainer: pg.Trainer, extent: tuple) -> int:
    """Everything one screen update of the page computes and serialises; returns the bytes sent."""
    with pg.one_thread():
        model, data, history = trainer.model, trainer.data, trainer.history
        weights = [layer.weight.detach().numpy() for layer in model.linear_layers()]
        gradients = [g.numpy() for g in trainer.gradients()]
        activations = pg.example_activations(model, data.test_x[0])
        tiles = pg.neuron_maps(model, extent, TILE_RESOLUTION)
        surface = pg.decision_surface(trainer.architecture, model, extent, SURFACE_RESOLUTION)
        figures = [
            network_figure(weights, gradients, activations, NETWORK_TEXTS, tiles),
            decision_figure(
                extent,
                PLANE_TEXTS,
                (data.train_x.numpy(), data.train_y.numpy()),
                (data.test_x.numpy(), data.test_y.numpy()),
                surface,
            ),
            curves_figure(
                history.epochs,
                history.train_loss,
                history.test_loss,
                history.train_accuracy,
                history.test_accuracy,
                CURVE_TEXTS,
            ),
        ]
        return sum(
            len(pio.to_json(plotly.tools.return_figure_from_figure_or_data(f, True), validate=False)) for f in figures
        )


def epochs_per_second(batch_size: int, seconds: float, render_every_epoch: bool) -> float:
    data, extent = training_data()
    trainer = pg.Trainer(ARCHITECTURE, data, pg.Settings("adam", 0.01, batch_size), seed=0)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if render_every_epoch:
            trainer.step_epoch()
            render(trainer, extent)
        else:
            trainer.train_for(0.25)
    return trainer.epoch / (time.perf_counter() - start)


def play_mode_epochs_per_second(batch_size: int, seconds: float, train_seconds: float) -> tuple[float, float, int]:
    """The page's Play loop without the browser: train `train_seconds`, render, repeat."""
    data, extent = training_data()
    trainer = pg.Trainer(ARCHITECTURE, data, pg.Settings("adam", 0.01, batch_size), seed=0)
    ticks, size, start = 0, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.train_for(train_seconds)
        size = render(trainer, extent)
        ticks += 1
    elapsed = time.perf_counter() - start
    return trainer.epoch / elapsed, ticks / elapsed, size


def browser_updates_per_second(seconds: float) -> tuple[float, int, list[float]]:
    """Open the playground (2-4-1 on XOR, batch 16), press Play, count epoch-counter changes and the
    figures each live chart drew."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import (
        CHROMIUM,
        CHROMIUM_FLAGS,
        VIEWPORT,
        live_chart_draws,
        start_server,
        stop_server,
        wait_for_idle,
    )

    process, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(url)
            wait_for_idle(page)
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Playground").click()
            page.get_by_role("button", name="Play").wait_for(timeout=60_000)
            wait_for_idle(page)
            page.evaluate(
                """() => {
                    window.__updates = [];
                    const seen = () => {
                        const metric = [...document.querySelectorAll('[data-testid="stMetric"]')]
                            .find(m => m.innerText.startsWith('Epoch'));
                        return metric ? metric.querySelector('[data-testid="stMetricValue"]').innerText : null;
                    };
                    let last = seen();
                    new MutationObserver(() => {
                        const now = seen();
                        if (now !== null && now !== last) { last = now; window.__updates.push(performance.now()); }
                    }).observe(document.body, {subtree: true, childList: true, characterData: true});
                }"""
            )
            page.get_by_role("button", name="Play").click()
            page.wait_for_timeout(1000)  # let Play settle in
            before, draws_before = page.evaluate("window.__updates.length"), live_chart_draws(page)
            page.wait_for_timeout(seconds * 1000)
            after, draws_after = page.evaluate("window.__updates.length"), live_chart_draws(page)
            page.get_by_role("button", name="Pause").click()
            epoch = page.get_by_test_id("stMetric").filter(has_text="Epoch").get_by_test_id("stMetricValue")
            final = int(epoch.inner_text().replace(",", ""))
            browser.close()
    finally:
        stop_server(process)
    draws_per_second = [(late - early) / seconds for early, late in zip(draws_before, draws_after, strict=True)]
    return (after - before) / seconds, final, draws_per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    print(f"2-8-8-1 tanh, Adam, {POINTS} training points (+200 test points evaluated every epoch)")
    for batch in (POINTS, 64, 16):
        bare = epochs_per_second(batch, args.seconds, render_every_epoch=False)
        every = epochs_per_second(batch, args.seconds, render_every_epoch=True)
        play, ticks, size = play_mode_epochs_per_second(batch, args.seconds, 0.05)
        print(
            f"batch {batch:>3}: {bare:8.1f} epochs/s without rendering | {every:6.1f} epochs/s rendering every epoch"
            f" | Play loop (50 ms training + render): {play:7.1f} epochs/s, {ticks:4.1f} renders/s, {size:,} bytes"
        )
    if not args.no_browser:
        updates, epochs, draws = browser_updates_per_second(args.seconds * 2)
        print(f"browser, Play on the page: {updates:.1f} screen updates/s ({epochs} epochs at Pause);"
              f" figures drawn per second by each chart: {', '.join(f'{d:.1f}' for d in draws)}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""The gradient-descent page: one step of a learning-rate slider → a new race and every figure redrawn.

The page opens on the eggholder with three optimizers (SGD, momentum, Adam) and 100 steps. The
first optimizer's learning-rate slider is first pressed to its lowest value (Home, lr 1e-05);
each repetition then presses → once (1e-05 → 2e-05 → 5e-05 … → 50, a value never raced before in
the run, so the race is computed, not served from the page's cache) and waits until both of the
race's figures (the map, and the loss, learning-rate and distance panels; the other tabs run only
when opened) show the optimizer's new name, e.g. "1: SGD, lr 2e-05": a new race of 3 × 100
torch.optim steps, the map with its playback frames and the curves figure, sent and applied by
Plotly.react to the two live charts (ui/live_chart.py) in the browser.

The wait looks for the name among each figure's legend entries (Plotly's `text.legendtext`) with
`Locator.wait_for`. It used `expect(chart).to_contain_text(name)`, whose every failed poll walks the
whole page on the browser's main thread (the chart's text, then an accessibility snapshot of the
page for the error message): a CPU profile showed that walk taking ~400 ms of main-thread time per
repetition on this page, delaying the very drawing it waited for.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction
from core.i18n import translate
from core.optim_paths import learning_rate_options
from tests.e2e.conftest import LIVE_CHART, live_chart

LEGEND_ENTRY = "text.legendtext"
FIGURES = 2
CHARTS_ON_PAGE = 2


LEARNING_RATES = learning_rate_options()


def racer_name(repetition: int) -> str:
    """The first optimizer's name once repetition `repetition` has stepped its learning rate (-1: before)."""
    return f"1: SGD, lr {LEARNING_RATES[repetition + 1]:g}"


def page_ready(page: Page) -> None:
    """The page as the harness opened it (ui.serve gives deep links the app's navigation), with the first
    optimizer's learning rate at the slider's lowest value."""
    expect(page.locator(LIVE_CHART)).to_have_count(CHARTS_ON_PAGE, timeout=30_000)
    expect(live_chart(page, 0).locator(LEGEND_ENTRY).filter(has_text="1: SGD, lr 1").first).to_be_visible(
        timeout=30_000)
    page.get_by_role("slider", name=translate("en", "descent.lr")).first.focus()
    page.keyboard.press("Home")
    figures_show(page, racer_name(-1))


def step_learning_rate(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


def every_figure_updated(page: Page, repetition: int) -> None:
    figures_show(page, racer_name(repetition))


def figures_show(page: Page, name: str) -> None:
    for index in range(FIGURES):
        legend = live_chart(page, index).locator(LEGEND_ENTRY)
        legend.filter(has_text=name).first.wait_for(state="visible", timeout=30_000)


INTERACTIONS = [
    Interaction("descent: lr slider step → race rerun, all figures", "descent", step_learning_rate,
                every_figure_updated, setup=page_ready),
]

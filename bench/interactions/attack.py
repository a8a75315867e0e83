"""The attack page: one step of the ε slider → every figure recomputed and shown.

The page opens on held-out digit 0 with FGSM on the standard CNN at ε = 0.10 and the Grad-CAM
tab open. Each repetition presses → on the ε slider (+0.01) and waits until every figure labelled
with ε (images and δ, probability bars, the clean/adversarial Grad-CAM pair, the difference map) shows
the new ε: one attack, one forward pass for each image, two Grad-CAMs and four figures per step, each
applied by Plotly.react to its live chart (ui/live_chart.py).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction
from tests.e2e.conftest import LIVE_CHART, live_chart

START_EPS = 0.10
STEP = 0.01


def page_ready(page: Page) -> None:
    """The page as the harness opened it (ui.serve gives deep links the app's navigation)."""
    expect(live_chart(page, 0)).to_contain_text("ε = ", timeout=30_000)
    page.get_by_role("slider").first.focus()


def press_right(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


EVERY_EPS_FIGURE_SHOWS = """([selector, before, after]) => {
    const charts = Array.from(document.querySelectorAll(selector));
    const labelled = charts.filter(chart => chart.textContent.includes("ε = "));
    const fresh = chart => chart.textContent.includes(after) && !chart.textContent.includes(before);
    return labelled.length >= 4 && labelled.every(fresh);
}"""


def every_figure_updated(page: Page, repetition: int) -> None:
    """Every figure labelled with ε shows the new value and none the old one (checked every frame)."""
    old = f"ε = {START_EPS + STEP * repetition:.2f}"
    new = f"ε = {START_EPS + STEP * (repetition + 1):.2f}"
    page.wait_for_function(EVERY_EPS_FIGURE_SHOWS, arg=[LIVE_CHART, old, new], polling="raf", timeout=30_000)


INTERACTIONS = [
    Interaction("attack: ε slider step → all figures updated", "attack", press_right, every_figure_updated,
                setup=page_ready),
]

"""The attack page: one step of the ε slider → every figure and text that shows ε redrawn.

The page opens on held-out digit 0 with FGSM on the standard CNN at ε = 0.10. Every figure and text that
depends on ε was sent once, for all 51 values the slider offers (ui/sweep_view.py); the slider runs no script
while the Grad-CAM tab (the default) is open. Each repetition presses → on the ε slider (+0.01) and waits
until every view on the page (the outcome line and its badge, the images and δ, the probability bars, the
clean/adversarial Grad-CAM pair and the difference map, their captions) has drawn the new ε: texts set and
four Plotly.react calls, all in the browser. The harness counts the script runs the page asked for.

For comparison, the same step with the robustness-curves tab open, where ε runs the script (the curves mark
the ε in view): the views redraw at once, and the step counts as done when the curves show the new ε.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction
from tests.e2e.conftest import live_chart_by_key
from tests.e2e.test_attack import EVERY_VIEW_SHOWS

START_INDEX = 10  # ε = 0.10, the page's default


def eps_index(repetition: int) -> int:
    """The ε entry in view once repetition `repetition` has pressed → (-1: before any)."""
    return START_INDEX + repetition + 1


def views_show(page: Page, index: int) -> None:
    page.wait_for_function(EVERY_VIEW_SHOWS, arg=index, polling="raf", timeout=30_000)


def page_ready(page: Page) -> None:
    """The page as the harness opened it (ui.serve gives deep links the app's navigation), the ε slider focused."""
    views_show(page, eps_index(-1))
    page.get_by_role("slider").first.focus()


def press_right(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


def every_view_updated(page: Page, repetition: int) -> None:
    views_show(page, eps_index(repetition))


def curves_ready(page: Page) -> None:
    page_ready(page)
    expect(live_chart_by_key(page, "attack_curves")).to_contain_text("ε = 0.10", timeout=60_000)


def every_view_and_the_curves_updated(page: Page, repetition: int) -> None:
    views_show(page, eps_index(repetition))
    marker = live_chart_by_key(page, "attack_curves").locator("text.annotation-text")
    marker.filter(has_text=f"ε = {eps_index(repetition) / 100:.2f}").wait_for(state="visible", timeout=30_000)


INTERACTIONS = [
    Interaction("attack: ε step → every view redrawn in the browser", "attack", press_right, every_view_updated,
                setup=page_ready),
    Interaction("attack: ε step, curves tab open → run, curves", "attack?tab=curves", press_right,
                every_view_and_the_curves_updated, setup=curves_ready),
]

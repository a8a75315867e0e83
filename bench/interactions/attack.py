"""The attack page: one step of the ε slider → every figure recomputed and shown.

The page opens on held-out digit 0 with FGSM on the standard CNN at ε = 0.10 and the Grad-CAM
tab open. Each repetition presses → on the ε slider (+0.01) and waits until all four figures
(images and δ, probability bars, the clean/adversarial Grad-CAM pair, the difference map) show
the new ε: one attack, one forward pass for each image, two Grad-CAMs and four figures per step.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction
from core.i18n import translate
from tests.e2e.conftest import wait_for_idle

START_EPS = 0.10
STEP = 0.01
CHARTS = '[data-testid="stPlotlyChart"]'


def open_from_the_sidebar(page: Page) -> None:
    """Home first, then the sidebar link (a deep link on a fresh server skips the app's navigation)."""
    base = page.url.split("/attack")[0]
    page.goto(base, wait_until="domcontentloaded")
    wait_for_idle(page)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=translate("en", "nav.attack")).click()
    wait_for_idle(page)
    expect(page.locator(CHARTS)).to_have_count(4, timeout=30_000)
    page.get_by_role("slider").first.focus()


def press_right(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


def every_figure_updated(page: Page, repetition: int) -> None:
    eps_text = f"ε = {START_EPS + STEP * (repetition + 1):.2f}"
    for index in range(4):
        expect(page.locator(CHARTS).nth(index)).to_contain_text(eps_text, timeout=30_000)


INTERACTIONS = [
    Interaction("attack: ε slider step → all figures updated", "attack", press_right, every_figure_updated,
                setup=open_from_the_sidebar),
]

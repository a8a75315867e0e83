"""The playground page: press "Step: one epoch" → the epoch counter and every view updated."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction


def network_shown(page: Page) -> None:
    expect(page.get_by_role("button", name="Step: one epoch")).to_be_visible(timeout=30_000)


def step_epoch(page: Page, repetition: int) -> None:
    page.get_by_role("button", name="Step: one epoch").click()


EPOCH_SHOWN = """(epoch) => Array.from(document.querySelectorAll('[data-testid="stMetric"]'))
    .some(metric => metric.innerText.startsWith("Epoch")
        && metric.querySelector('[data-testid="stMetricValue"]').innerText.trim() === epoch)"""


def epoch_shown(page: Page, repetition: int) -> None:
    """The epoch counter shows the new epoch (checked on every animation frame, as the floor is)."""
    page.wait_for_function(EPOCH_SHOWN, arg=str(repetition + 1), polling="raf", timeout=30_000)


INTERACTIONS = [
    Interaction(
        "playground: step one epoch → views updated", "playground", step_epoch, epoch_shown, setup=network_shown
    ),
]

"""The playground page: press "Step: one epoch" → the epoch counter and every view updated."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction


def network_shown(page: Page) -> None:
    expect(page.get_by_role("button", name="Step: one epoch")).to_be_visible(timeout=30_000)


def step_epoch(page: Page, repetition: int) -> None:
    page.get_by_role("button", name="Step: one epoch").click()


def epoch_shown(page: Page, repetition: int) -> None:
    value = page.get_by_test_id("stMetric").filter(has_text="Epoch").get_by_test_id("stMetricValue")
    expect(value).to_have_text(str(repetition + 1), timeout=30_000)


INTERACTIONS = [
    Interaction(
        "playground: step one epoch → views updated", "playground", step_epoch, epoch_shown, setup=network_shown
    ),
]

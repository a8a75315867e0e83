"""The forward/backward page in a real browser: a full forward → loss → backward → update cycle, read off the page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_no_exception_box, screenshot, wait_for_idle

pytestmark = pytest.mark.e2e


def open_backprop(page: Page, app_url: str) -> None:
    """Arrive as a student does: the home page, then the sidebar link."""
    page.goto(app_url, wait_until="domcontentloaded")
    wait_for_idle(page)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Forward and backward").click()
    wait_for_idle(page)
    expect(page.locator("h1").first).to_have_text("Forward and backward, one step at a time")


def progress_text(page: Page) -> str:
    return page.locator('[data-testid="stProgress"]').first.inner_text().strip()


def press(page: Page, label: str) -> None:
    page.locator('[data-testid="stButton"] button').filter(has_text=re.compile(rf"{label}$")).first.click()
    wait_for_idle(page)


def main_text(page: Page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def test_full_cycle_forward_loss_backward_update(page, app_url):
    open_backprop(page, app_url)
    assert progress_text(page) == "Cycle 1 · step 1 of 8: forward, layer 1"
    assert "0.7311" in main_text(page)  # a1 = σ(1) of the lecture MLP

    expected = [
        "forward, layer 2",
        "forward, layer 3",
        "loss",
        "backward, layer 3",
        "backward, layer 2",
        "backward, layer 1",
        "update",
    ]
    for n, name in enumerate(expected, start=2):
        press(page, "Next")
        assert progress_text(page) == f"Cycle 1 · step {n} of 8: {name}"
        text = main_text(page)
        if name == "loss":
            assert "3.049942" in text
            screenshot(page, "backprop_loss")
        if name == "backward, layer 2":
            assert "0.6546" in text and "−0.3384" in text.replace("-", "−")
            page.get_by_text("The chain rule, path by path").scroll_into_view_if_needed()
            screenshot(page, "backprop_backward")
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Loss after this update")).to_contain_text("0.873236")
    expect(metrics.filter(has_text="Loss now")).to_contain_text("3.049942")
    screenshot(page, "backprop_update")

    press(page, "Apply update")
    assert progress_text(page) == "Cycle 2 · step 1 of 8: forward, layer 1"
    press(page, "Back")
    assert progress_text(page) == "Cycle 1 · step 8 of 8: update"
    assert_no_exception_box(page)


def test_chain_rule_and_proof_panel(page, app_url):
    open_backprop(page, app_url)
    for _ in range(6):
        press(page, "Next")
    chooser = page.locator('[data-testid="stSelectbox"]').filter(has_text="Choose a weight")
    chooser.locator("input").fill("W1[1,2]")
    chooser.locator("input").press("Enter")
    wait_for_idle(page)
    expect(page.get_by_text("The weight reaches the loss along 6 path(s).", exact=False)).to_be_visible()
    assert "0.13730" in main_text(page)
    proof = page.locator('[data-testid="stMetric"]').filter(has_text="vs autograd: max abs error")
    value = float(proof.locator('[data-testid="stMetricValue"]').inner_text())
    assert value < 1e-12
    expect(page.get_by_text("agrees with autograd to rounding error")).to_be_visible()
    assert_no_exception_box(page)


def test_bad_input_is_refused_and_the_state_kept(page, app_url):
    open_backprop(page, app_url)
    field = page.get_by_role("textbox", name="Input x (2 numbers)")
    field.fill("1, abc")
    field.press("Enter")
    wait_for_idle(page)
    expect(page.get_by_text("“abc” is not a number", exact=False)).to_be_visible()
    assert "0.7311" in main_text(page)  # the previous input is still used
    field.fill("")
    field.press("Enter")
    wait_for_idle(page)
    expect(page.get_by_text("Input x is empty", exact=False)).to_be_visible()
    field.fill("0, 0")
    field.press("Enter")
    wait_for_idle(page)
    expect(page.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    assert "0.6225" in main_text(page)  # x = 0 gives u1 = b1 = (0, 0.5), a1 = (0.5, 0.6225)
    assert_no_exception_box(page)


def test_play_animates_the_diagram_in_the_browser(page, app_url):
    open_backprop(page, app_url)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    current = chart.locator("text.slider-label").filter(has_text=re.compile("^step: "))
    expect(current).to_have_text("step: forward, layer 1")
    chart.locator("g.updatemenu-button").filter(has_text="Play").click()
    expect(current).to_have_text("step: loss", timeout=15_000)
    screenshot(page, "backprop_play")
    expect(current).to_have_text("step: update", timeout=15_000)  # it stops at the end of the cycle
    assert_no_exception_box(page)

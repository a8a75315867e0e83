"""The playground in a real browser: build a network, train it live, add points by clicking,
and two sessions at once that never disturb each other."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    LIVE_CHART,
    VIEWPORT,
    ConsoleWatch,
    assert_no_exception_box,
    live_chart_by_key,
    live_chart_draws,
    open_page,
    screenshot,
    wait_for_idle,
)

pytestmark = pytest.mark.e2e


def open_playground(page: Page, app_url: str) -> None:
    """Start at the app root (so the navigation is set up) and follow the menu link, as a student would."""
    open_page(page, app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Playground").click()
    expect(page.get_by_role("heading", name="Playground", level=1)).to_be_visible(timeout=30_000)
    wait_for_idle(page)


def metric(page: Page, label: str) -> str:
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").inner_text()


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # let the scrolled sidebar settle before the click opens the list
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_idle(page)


def nudge_slider(page: Page, label: str, presses: int) -> None:
    slider = page.locator(f'input[type="range"][aria-label="{label}"]')
    slider.focus()
    for _ in range(abs(presses)):
        slider.press("ArrowRight" if presses > 0 else "ArrowLeft")
    wait_for_idle(page)


def play_until(page: Page, epochs: int, seconds: float) -> list[str]:
    """Press Play, read the epoch counter every 50 ms until it reaches `epochs` (or `seconds` pass),
    press Pause; the readings."""
    page.get_by_role("button", name="Play").click()
    readings, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        readings.append(metric(page, "Epoch"))
        if int(readings[-1].replace(",", "")) >= epochs:
            break
        time.sleep(0.05)
    pause(page)
    wait_for_idle(page)
    return readings


def pause(page: Page) -> None:
    """Press Pause and wait for Play to come back; on a heavily loaded machine a click that lands while a
    training tick is being coalesced can be lost, so a second press is allowed (never a third)."""
    for attempt in range(2):
        page.get_by_role("button", name="Pause").click()
        try:
            expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=10_000)
            return
        except AssertionError:
            if attempt == 1:
                raise


def test_build_a_network_press_play_and_the_loss_falls(page, app_url):
    open_playground(page, app_url)
    choose(page, "Shape", "Circle")
    nudge_slider(page, "Hidden layers", 1)
    expect(page.get_by_text("layer 2:", exact=False)).to_be_visible()
    choose(page, "Hidden activation", "ReLU")
    before = float(metric(page, "Training loss"))
    assert metric(page, "Epoch") == "0"
    expect(page.locator(LIVE_CHART)).to_have_count(3)
    drawn_before = live_chart_draws(page)
    # a tick trains for a fixed time (TRAIN_SECONDS_PER_TICK), so on an idle machine one tick alone may pass 15
    # epochs: ask for enough epochs that several ticks must show on the way
    readings = play_until(page, epochs=80, seconds=60)
    after = float(metric(page, "Training loss"))
    epochs = int(metric(page, "Epoch").replace(",", ""))
    assert epochs >= 80, readings
    assert after < 0.8 * before, (before, after)
    assert len(set(readings)) >= 3, readings  # the view kept changing while training ran
    assert_no_exception_box(page)
    # the network, the decision regions and the curves stayed mounted and were redrawn while it trained
    drawn_after = live_chart_draws(page)
    assert len(drawn_after) == 3, drawn_after
    assert all(after >= before + 3 for before, after in zip(drawn_before, drawn_after, strict=True)), (
        drawn_before, drawn_after)
    screenshot(page, "playground_trained")


def test_click_on_the_plot_adds_a_point(page, app_url):
    open_playground(page, app_url)
    choose(page, "Data set", "Your own points (click or CSV)")
    page.get_by_role("button", name="Start from the toy shape").click()
    wait_for_idle(page)
    title = page.get_by_text("Your points (200)", exact=False)
    expect(title).to_be_visible()
    plot = page.locator(".js-plotly-plot").first
    box = plot.locator(".nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    expect(page.get_by_text("Your points (201)", exact=False)).to_be_visible(timeout=15_000)
    wait_for_idle(page)
    assert_no_exception_box(page)
    screenshot(page, "playground_own_points")


def test_two_sessions_at_once_do_not_disturb_each_other(page, browser, app_url):
    other_context = browser.new_context(viewport=VIEWPORT)
    other = other_context.new_page()
    watch = ConsoleWatch(other)
    try:
        open_playground(page, app_url)
        open_playground(other, app_url)
        other_loss = metric(other, "Training loss")
        play_until(page, epochs=3, seconds=30)
        assert int(metric(page, "Epoch").replace(",", "")) > 0
        other.wait_for_timeout(500)
        assert metric(other, "Epoch") == "0"
        assert metric(other, "Training loss") == other_loss
        other.get_by_role("button", name="Step: one epoch").click()
        wait_for_idle(other)
        assert metric(other, "Epoch") == "1"
        assert int(metric(page, "Epoch").replace(",", "")) > 1
        assert_no_exception_box(other)
        screenshot(other, "playground_second_session")
    finally:
        other_context.close()
    assert not watch.errors, watch.errors


EDGE_POINT_ON_SCREEN = """chart => {
    const layout = chart._fullLayout;
    const index = chart.data.findIndex(trace => (trace.hovertemplate || "").includes("weight w ="));
    const trace = chart._fullData[index];
    const box = chart.getBoundingClientRect();
    const xaxis = layout[(trace.xaxis || "x").replace("x", "xaxis")];
    const yaxis = layout[(trace.yaxis || "y").replace("y", "yaxis")];
    return {x: box.left + xaxis._offset + xaxis.d2p(trace.x[0]), y: box.top + yaxis._offset + yaxis.d2p(trace.y[0])};
}"""


def test_hovering_an_edge_shows_its_weight_and_gradient(page, app_url):
    open_playground(page, app_url)
    page.get_by_role("button", name="Step: one epoch").click()
    wait_for_idle(page)
    network = live_chart_by_key(page, "pg_network_chart")
    network.scroll_into_view_if_needed()
    point = network.evaluate(EDGE_POINT_ON_SCREEN)
    page.mouse.move(point["x"] + 40, point["y"] + 40)
    page.mouse.move(point["x"], point["y"], steps=4)
    label = network.locator(".hoverlayer")
    expect(label).to_contain_text("weight w =", timeout=10_000)
    expect(label).to_contain_text("gradient ∂L/∂w =")
    screenshot(page, "playground_edge_hover")

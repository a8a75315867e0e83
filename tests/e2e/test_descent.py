"""The gradient-descent page in a real browser: a click on the map sets the start, playback runs, screenshots."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    assert_no_exception_box,
    live_chart,
    open_page,
    screenshot,
    wait_for_idle,
)

pytestmark = pytest.mark.e2e

DOMAIN = 512.0
MARGIN = 0.12
GRID_STEP = 2 * DOMAIN / 40


def map_plot_area(page: Page) -> dict:
    """The bounding box of the map's plotting area (Plotly's drag layer of the first chart)."""
    live_chart(page, 0).scroll_into_view_if_needed()
    drag = live_chart(page, 0).locator("rect.nsewdrag").first
    expect(drag).to_be_visible(timeout=30_000)
    return drag.bounding_box()


def pixel_for(box: dict, x: float, y: float) -> tuple[float, float]:
    """Screen position of data point (x, y) on the eggholder map (axes span the domain ± 12 %)."""
    low, high = -DOMAIN * (1 + MARGIN), DOMAIN * (1 + MARGIN)
    px = box["x"] + (x - low) / (high - low) * box["width"]
    py = box["y"] + (high - y) / (high - low) * box["height"]
    return px, py


def start_inputs(page: Page):
    return page.get_by_label("Start w₀"), page.get_by_label("Start w₁")


def test_a_click_on_the_map_sets_the_start_point(page, app_url):
    open_page(page, app_url, "descent")
    assert_no_exception_box(page)
    start_x, start_y = start_inputs(page)
    expect(start_x).to_have_value("300.0000")
    box = map_plot_area(page)
    page.mouse.move(*pixel_for(box, 250.0, -250.0))
    page.mouse.click(*pixel_for(box, 256.0, -256.0))
    expect(start_x).not_to_have_value("300.0000", timeout=30_000)
    wait_for_idle(page)
    clicked = float(start_x.input_value()), float(start_y.input_value())
    # the start is the click layer's grid point (spacing 25.6) next to where the mouse went
    assert abs(clicked[0] - 256.0) <= GRID_STEP + 1e-6 and abs(clicked[1] + 256.0) <= GRID_STEP + 1e-6, clicked
    for value in clicked:
        assert ((value + DOMAIN) / GRID_STEP) == pytest.approx(round((value + DOMAIN) / GRID_STEP), abs=1e-3)
    assert_no_exception_box(page)
    # the race reran from the clicked start
    shown = page.get_by_text(f"All paths start at ({clicked[0]:g}, {clicked[1]:g}).")
    expect(shown.first).to_be_attached(timeout=30_000)
    screenshot(page, "descent_after_click")


def test_playback_and_typed_start_and_bad_input(page, app_url):
    open_page(page, app_url, "descent")
    page.get_by_role("button", name="Load the course's experiment").first.click()
    wait_for_idle(page)
    expect(page.get_by_role("slider", name="Steps").first).to_have_value("10")
    chart = live_chart(page, 0)
    chart.scroll_into_view_if_needed()
    play = chart.get_by_text("▶ Play")
    expect(play).to_be_visible()
    play.click()
    page.wait_for_timeout(1500)
    assert chart.locator(".slider-group").count() == 1
    screenshot(page, "descent_course_preset")
    start_x, _ = start_inputs(page)
    start_x.fill("900")
    start_x.press("Enter")
    wait_for_idle(page)
    expect(page.get_by_text("is outside the surface's domain")).to_be_visible()
    expect(page.get_by_text("Showing the last run that worked")).to_be_visible()
    assert_no_exception_box(page)
    screenshot(page, "descent_bad_start")


def test_figures_follow_a_slider_while_messages_appear_above_them(page, app_url):
    """lr 10 sends SGD out of the eggholder's box: warnings appear above the charts, which still show the new race."""
    open_page(page, app_url, "descent")
    page.get_by_role("slider", name="Learning rate (log scale)").first.focus()
    for key, name in (("ArrowRight", "1: SGD, lr 2"), ("ArrowRight", "1: SGD, lr 5"), ("ArrowRight", "1: SGD, lr 10"),
                      ("ArrowLeft", "1: SGD, lr 5")):
        page.keyboard.press(key)
        wait_for_idle(page)
        for index in range(2):
            expect(live_chart(page, index).locator("text.legendtext").filter(has_text=name)).to_have_count(
                1, timeout=30_000)
        left = page.get_by_text("left the domain at step")
        if name.endswith("lr 10"):
            expect(left.first).to_be_visible()
        else:
            expect(left).to_have_count(0)
    assert_no_exception_box(page)

"""Draw digits on the real canvas with the mouse and with touch, and read the network's answers."""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import VIEWPORT, ConsoleWatch, assert_no_exception_box, screenshot, wait_for_idle

pytestmark = pytest.mark.e2e

Stroke = list[tuple[float, float]]

# Stroke paths in canvas pixels (the canvas is 280×280), drawn as a person would.
ONE: list[Stroke] = [[(150, 40), (145, 110), (140, 180), (136, 245)]]
SEVEN: list[Stroke] = [[(70, 60), (140, 58), (210, 60), (175, 130), (145, 200), (130, 245)]]
ZERO: list[Stroke] = [
    [(140 + 62 * math.sin(2 * math.pi * k / 40), 140 - 95 * math.cos(2 * math.pi * k / 40)) for k in range(42)]
]
FOUR: list[Stroke] = [[(110, 40), (95, 100), (80, 165), (140, 165), (205, 165)], [(170, 70), (170, 160), (170, 250)]]


def canvas_origin(page: Page) -> tuple[float, float]:
    canvas = page.locator("canvas.upper-canvas")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None and round(box["width"]) == 280
    return box["x"], box["y"]


def mouse_stroke(page: Page, stroke: Stroke, steps_per_segment: int = 6) -> None:
    x0, y0 = canvas_origin(page)
    page.mouse.move(x0 + stroke[0][0], y0 + stroke[0][1])
    page.mouse.down()
    for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
        for step in range(1, steps_per_segment + 1):
            share = step / steps_per_segment
            page.mouse.move(x0 + ax + (bx - ax) * share, y0 + ay + (by - ay) * share)
    page.mouse.up()


COUNT_SENDS = """() => {
  window.__sends = 0;
  document.addEventListener("click", event => {
    if (event.composedPath()[0].title === "Update the app with this drawing") window.__sends += 1;
  }, true);
}"""


def count_pen_up_sends(page: Page) -> None:
    """From now on, count the presses of the canvas's own "send now" button (ui.canvas presses it at pen-up)."""
    page.evaluate(COUNT_SENDS)


def pen_up_sends(page: Page) -> int:
    return page.evaluate("window.__sends")


def wait_for_strokes(page: Page, count: int) -> None:
    expect(page.get_by_text(f"strokes so far: {count}.", exact=False)).to_be_visible(timeout=20_000)
    wait_for_idle(page)


def predicted_digit(page: Page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def open_draw_page(page: Page, app_url: str) -> None:
    """Through the home page's link (a deep link makes the browser probe /draw/_stcore first)."""
    page.goto(app_url, wait_until="domcontentloaded")
    wait_for_idle(page)
    page.get_by_role("link", name="Draw a digit").first.click()
    wait_for_idle(page)
    expect(page.get_by_role("heading", name="Draw a digit")).to_be_visible()


def clear(page: Page) -> None:
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_text("The canvas is empty")).to_be_visible(timeout=20_000)
    wait_for_idle(page)


def draw(page: Page, strokes: list[Stroke]) -> None:
    for count, stroke in enumerate(strokes, start=1):
        mouse_stroke(page, stroke)
        wait_for_strokes(page, count)


def test_digits_drawn_with_the_mouse_are_read_right(page, app_url):
    open_draw_page(page, app_url)
    expect(page.get_by_text("The canvas is empty")).to_be_visible()
    count_pen_up_sends(page)
    for name, strokes, digit in [("one", ONE, "1"), ("seven", SEVEN, "7"), ("zero", ZERO, "0"), ("four", FOUR, "4")]:
        page.evaluate("window.__sends = 0")
        draw(page, strokes)
        assert predicted_digit(page) == digit, name
        assert pen_up_sends(page) == len(strokes), "each lifted pen sends the drawing at once"
        assert page.get_by_text("From drawing to network input").is_visible()
        assert_no_exception_box(page)
        screenshot(page, f"draw_{name}")
        if name != "four":
            clear(page)
    page.get_by_role("button", name="Undo stroke").click()  # the 4 loses its second stroke
    wait_for_strokes(page, 1)
    clear(page)
    mouse_stroke(page, [(140, 140), (142, 141)], steps_per_segment=2)  # a dot
    wait_for_strokes(page, 1)
    expect(page.get_by_text("tiny mark")).to_be_visible()
    assert_no_exception_box(page)


def test_touch_drawing_works(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT, has_touch=True)
    page = context.new_page()
    watch = ConsoleWatch(page)
    try:
        open_draw_page(page, app_url)
        x0, y0 = canvas_origin(page)
        count_pen_up_sends(page)
        session = context.new_cdp_session(page)
        points = [(x0 + x, y0 + y) for x, y in SEVEN[0]]
        path = [points[0]]
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            path += [(ax + (bx - ax) * k / 6, ay + (by - ay) * k / 6) for k in range(1, 7)]
        for kind, (x, y) in [("touchStart", path[0]), *(("touchMove", point) for point in path[1:])]:
            session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
        session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        wait_for_strokes(page, 1)
        assert predicted_digit(page) == "7"
        assert pen_up_sends(page) == 1, "a lifted finger sends the drawing at once"
        screenshot(page, "draw_touch")
    finally:
        context.close()
    assert not watch.errors, watch.errors


def test_held_out_and_upload_inputs(page, app_url, tmp_path):
    open_draw_page(page, app_url)
    page.get_by_text("Held-out test digit", exact=True).click()
    wait_for_idle(page)
    expect(page.get_by_text("Held-out digit #")).to_be_visible()
    page.get_by_role("button", name="Another one").click()
    wait_for_idle(page)
    assert predicted_digit(page).isdigit()
    page.get_by_text("Upload a picture", exact=True).click()
    wait_for_idle(page)
    not_an_image = tmp_path / "digit.png"
    not_an_image.write_text("name,label\n1,2\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(not_an_image))
    expect(page.get_by_text("This file is not a picture")).to_be_visible(timeout=20_000)
    assert_no_exception_box(page)
    screenshot(page, "draw_upload_error")

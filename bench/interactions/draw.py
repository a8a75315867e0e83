"""The drawing page: end of a pen stroke on the canvas → the prediction for it shown.

Each repetition draws one short vertical stroke (the canvas fills with strokes, every one a new
drawing to predict) and waits for the page to say how many strokes its prediction is for. The
pen goes down and along the stroke untimed; the timed span starts as the pen is lifted (the end
of the stroke). The page sends the drawing at pen-up (ui.canvas) instead of after the canvas
component's own 200 ms pause.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bench.interactions import Interaction

CANVAS = "canvas.upper-canvas"


def canvas_ready(page: Page) -> None:
    canvas = page.locator(CANVAS)
    expect(canvas).to_be_visible(timeout=30_000)
    canvas.scroll_into_view_if_needed()


def draw_stroke(page: Page, repetition: int) -> None:
    """Pen down and along a short vertical stroke, still pressed."""
    box = page.locator(CANVAS).bounding_box()
    x = box["x"] + 30 + (repetition % 12) * 20
    top = box["y"] + 50 + (repetition // 12) * 10
    page.mouse.move(x, top)
    page.mouse.down()
    page.mouse.move(x + 2, top + 180, steps=5)


def lift_pen(page: Page, repetition: int) -> None:
    page.mouse.up()


SHOWN = """text => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .some(caption => caption.textContent.includes(text))
    && document.querySelector('[data-testid="stMetricValue"]') !== null"""


def prediction_shown(page: Page, repetition: int) -> None:
    """Checked on every animation frame: expect()'s back-off polling (100, 250, 500 ms …) would
    round the figure up to its next poll."""
    text = f"strokes so far: {repetition + 1}."
    page.wait_for_function(SHOWN, arg=text, polling="raf", timeout=30_000)


INTERACTIONS = [
    Interaction("draw: end of stroke → prediction shown", "draw", lift_pen, prediction_shown, setup=canvas_ready,
                prepare=draw_stroke),
]

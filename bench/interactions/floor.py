"""The floor interaction: move a slider one step with the keyboard, wait for its printed value.

The value is looked for on every animation frame, as the page interactions wait for their results,
so the floor and the pages are timed alike (Playwright's expect() re-checks at growing intervals,
which would round the floor up).
"""

from playwright.sync_api import Page

from bench.interactions import Interaction

FLOOR_APP = "bench/floor_app.py"


def focus_slider(page: Page) -> None:
    page.get_by_role("slider").first.focus()


def press_right(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


VALUE_SHOWN = """(text) => Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"]'))
    .some(element => element.innerText.trim() === text)"""


def value_shown(page: Page, repetition: int) -> None:
    page.wait_for_function(VALUE_SHOWN, arg=f"value: {repetition + 1}", polling="raf", timeout=10_000)


FLOOR = Interaction("floor: slider prints its value", "", press_right, value_shown, setup=focus_slider, repetitions=30)

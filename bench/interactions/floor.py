"""The floor interaction: move a slider one step with the keyboard, wait for its printed value."""

from playwright.sync_api import Page, expect

from bench.interactions import Interaction

FLOOR_APP = "bench/floor_app.py"


def focus_slider(page: Page) -> None:
    page.get_by_role("slider").first.focus()


def press_right(page: Page, repetition: int) -> None:
    page.keyboard.press("ArrowRight")


def value_shown(page: Page, repetition: int) -> None:
    expect(page.get_by_text(f"value: {repetition + 1}", exact=True)).to_be_visible(timeout=10_000)


FLOOR = Interaction("floor: slider prints its value", "", press_right, value_shown, setup=focus_slider, repetitions=30)

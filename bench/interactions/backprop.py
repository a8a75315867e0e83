"""The forward/backward page: "Next" (or "Apply update") → the next step's equation shown.

Each repetition moves the lecture MLP's stepper one step on, through whole cycles (forward ×3,
loss, backward ×3, update, then the next cycle), and waits until the step's caption and the first
equation of the new step (its TeX source in KaTeX's annotation) are on the page.
"""

from __future__ import annotations

from playwright.sync_api import Page

from bench.interactions import Interaction

NAMES = [
    "forward, layer 1",
    "forward, layer 2",
    "forward, layer 3",
    "loss",
    "backward, layer 3",
    "backward, layer 2",
    "backward, layer 1",
    "update",
]
FIRST_EQUATION = [
    "u_1 =",
    "u_2 =",
    "u_3 =",
    "L =",
    r"\frac{\partial L}{\partial a_3}",
    r"\frac{\partial L}{\partial a_2}",
    r"\frac{\partial L}{\partial a_1}",
    r"W_1 \leftarrow",
]

SHOWN = """([caption, equation]) => {
    const progress = document.querySelector('[data-testid="stProgress"]');
    const annotation = document.querySelector('[data-testid="stMain"] .katex-display .katex-mathml annotation');
    return progress !== null && progress.textContent.trim() === caption
        && annotation !== null && annotation.textContent.trim().startsWith(equation);
}"""


def stepper_ready(page: Page) -> None:
    page.locator(".st-key-bp_next button").wait_for(timeout=30_000)


def press_next(page: Page, repetition: int) -> None:
    page.locator(".st-key-bp_next button").click()


def next_step_shown(page: Page, repetition: int) -> None:
    position = repetition + 1
    step = position % len(NAMES)
    caption = f"Cycle {position // len(NAMES) + 1} · step {step + 1} of {len(NAMES)}: {NAMES[step]}"
    page.wait_for_function(SHOWN, arg=[caption, FIRST_EQUATION[step]], polling="raf", timeout=30_000)


INTERACTIONS = [
    Interaction(
        "backprop: Next → next step's equation shown", "backprop", press_next, next_step_shown, setup=stepper_ready
    ),
]

"""The attack page in Chromium: move ε until the prediction flips and watch the Grad-CAM image change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.e2e.conftest import assert_no_exception_box, live_chart_by_key, screenshot, wait_for_idle
from tests.e2e.test_draw import SEVEN, draw, open_draw_page, predicted_digit

pytestmark = pytest.mark.e2e

MAX_PRESSES = 50


def en(key: str, **params) -> str:
    return translate("en", key, **params)


def eps_slider(page: Page):
    return page.get_by_role("slider").first


def grad_cam_chart(page: Page):
    """The clean/adversarial Grad-CAM pair."""
    return live_chart_by_key(page, "attack_maps")


def set_eps_to_zero(page: Page) -> None:
    eps_slider(page).focus()
    page.keyboard.press("Home")
    wait_for_idle(page)
    expect(page.get_by_text(en("attack.eps_zero"))).to_be_visible()


def raise_eps_until_flipped(page: Page) -> int:
    """Press → on the ε slider (0.01 a step) until the page says the answer changed; return the presses."""
    flipped = page.get_by_text(en("attack.flipped"), exact=True)
    for presses in range(1, MAX_PRESSES + 1):
        eps_slider(page).focus()
        page.keyboard.press("ArrowRight")
        wait_for_idle(page, settle=0.3)
        expect(grad_cam_chart(page)).to_contain_text(f"ε = {presses / 100:.2f}")
        if flipped.count() > 0:
            return presses
    raise AssertionError(f"the prediction did not flip up to ε = {MAX_PRESSES / 100:.2f}")


def open_attack_page_from_the_sidebar(page: Page) -> None:
    """Follow the sidebar link, so the session (and its current digit) is kept."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=en("nav.attack")).click()
    wait_for_idle(page)
    expect(page.get_by_role("heading", name=en("attack.title"))).to_be_visible()
    assert_no_exception_box(page)


def test_draw_then_move_eps_until_the_prediction_flips_and_the_grad_cam_moves(page, app_url):
    open_draw_page(page, app_url)
    draw(page, SEVEN)
    assert predicted_digit(page) == "7"
    open_attack_page_from_the_sidebar(page)
    expect(page.get_by_text(en("attack.digit_origin", origin=en("attack.origin_drawing"), label=en("attack.unknown"))
                            )).to_be_visible()
    set_eps_to_zero(page)
    grad_cam_chart(page).scroll_into_view_if_needed()
    clean_map = grad_cam_chart(page).screenshot()
    expect(page.get_by_text(en("attack.not_flipped"), exact=True)).to_be_visible()

    presses = raise_eps_until_flipped(page)
    assert presses >= 1
    expect(page.get_by_text(en("attack.eps_zero"))).to_have_count(0)
    grad_cam_chart(page).scroll_into_view_if_needed()
    wait_for_idle(page)
    assert grad_cam_chart(page).screenshot() != clean_map
    assert_no_exception_box(page)
    screenshot(page, "attack_flipped")


def test_iterative_attack_shows_its_steps(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    wait_for_idle(page)
    open_attack_page_from_the_sidebar(page)
    page.get_by_role("combobox", name=en("attack.kind"), exact=True).click()
    page.get_by_role("option", name=en("attack.kind_pgd")).click()
    wait_for_idle(page)
    expect(page.get_by_text(en("attack.alpha_standard"))).to_be_visible()
    expect(page.get_by_text(en("attack.alpha_standard_value", alpha=0.025))).to_be_visible()
    steps_chart = live_chart_by_key(page, "attack_steps_figure")
    expect(steps_chart.get_by_text(en("attack.step_axis"), exact=True)).to_be_visible()
    assert_no_exception_box(page)
    screenshot(page, "attack_pgd")

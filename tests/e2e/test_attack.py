"""The attack page in Chromium: move ε until the prediction flips and watch the Grad-CAM image change; every move
of ε is drawn in the browser, with no script run, the link and the share box following it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.e2e.conftest import assert_no_exception_box, live_chart_by_key, screenshot, wait_for_idle
from tests.e2e.script_runs import RerunRequests
from tests.e2e.test_draw import SEVEN, draw, open_draw_page, predicted_digit

pytestmark = pytest.mark.e2e

MAX_PRESSES = 50
VIEW_CHART = ".sweep-view-chart"
VIEW_CHARTS = ("attack_images", "attack_probabilities", "attack_maps", "attack_difference")


def en(key: str, **params) -> str:
    return translate("en", key, **params)


def eps_slider(page: Page):
    return page.get_by_role("slider", name=en("attack.eps"))


def view_chart(page: Page, key: str):
    """A figure of the page's sweep views (ui/sweep_view.py): data-shown is the ε entry it shows."""
    return page.locator(f'{VIEW_CHART}[data-key="{key}"]')


VISIBLE_PLOT = ".sweep-view-plot:not([data-hidden])"


def shown_plot(page: Page, key: str):
    """The plot of a view's figure that is in view (the others are drawn ahead, hidden, at the next values)."""
    return view_chart(page, key).locator(VISIBLE_PLOT)


def view_text(page: Page, key: str):
    return page.locator(f'.sweep-view [data-key="{key}"]')


def grad_cam_chart(page: Page):
    """The clean/adversarial Grad-CAM pair."""
    return shown_plot(page, "attack_maps")


EVERY_VIEW_SHOWS = """(index) => {
    const charts = Array.from(document.querySelectorAll('.sweep-view-chart'));
    const views = Array.from(document.querySelectorAll('.sweep-view'));
    return charts.length > 0 && charts.every(chart => chart.dataset.shown === String(index))
        && views.every(view => view.dataset.index === String(index));
}"""


def wait_for_views(page: Page, index: int) -> None:
    """Until every view has drawn the ε entry `index` (ε = index / 100)."""
    page.wait_for_function(EVERY_VIEW_SHOWS, arg=index, timeout=30_000)


def set_eps_to_zero(page: Page) -> None:
    eps_slider(page).focus()
    page.keyboard.press("Home")
    wait_for_views(page, 0)
    expect(page.get_by_text(en("attack.eps_zero"))).to_be_visible()


def raise_eps_until_flipped(page: Page) -> int:
    """Press → on the ε slider (0.01 a step) until the page says the answer changed; return the presses."""
    flipped = page.get_by_text(en("attack.flipped"), exact=True)
    for presses in range(1, MAX_PRESSES + 1):
        eps_slider(page).focus()
        page.keyboard.press("ArrowRight")
        wait_for_views(page, presses)
        expect(grad_cam_chart(page)).to_contain_text(f"ε = {presses / 100:.2f}")
        if flipped.count() > 0 and flipped.is_visible():
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
    expect(page.get_by_text(en("attack.eps_zero"))).to_be_hidden()
    grad_cam_chart(page).scroll_into_view_if_needed()
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
    steps_chart = shown_plot(page, "attack_steps_figure")
    expect(steps_chart.get_by_text(en("attack.step_axis"), exact=True)).to_be_visible()
    eps_slider(page).focus()
    page.keyboard.press("ArrowRight")
    wait_for_views(page, 11)
    expect(page.get_by_text(en("attack.alpha_standard_value", alpha=0.0275))).to_be_visible()
    assert_no_exception_box(page)
    screenshot(page, "attack_pgd")


RECORD_SCRIPT_STATES = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.scriptStates = [];
    new MutationObserver(() => window.scriptStates.push(app.getAttribute('data-test-script-state')))
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def shown(page: Page, key: str) -> str:
    return view_text(page, key).inner_text()


def test_eps_moves_in_the_browser_with_no_run_and_the_link_and_share_box_follow(page, app_url):
    requests = RerunRequests(page)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page.goto(f"{app_url}/attack", wait_until="domcontentloaded")
    wait_for_idle(page)
    wait_for_views(page, 10)
    for key in VIEW_CHARTS:
        expect(view_chart(page, key)).to_have_count(1)
    page.evaluate(RECORD_SCRIPT_STATES)
    runs_before = requests.count
    outcome_before, caption_before = shown(page, "attack_outcome"), shown(page, "attack_delta_caption")
    images_before = shown_plot(page, "attack_images").screenshot()

    eps_slider(page).focus()
    for index in (11, 12, 13):
        page.keyboard.press("ArrowRight")
        wait_for_views(page, index)
        eps = index / 100
        expect(shown_plot(page, "attack_images")).to_contain_text(f"ε = {eps:.2f}")
        expect(view_text(page, "attack_delta_caption")).to_contain_text(f"‖δ‖∞ = {eps:.3f}")
        expect(page).to_have_url(re.compile(rf"/attack\?(.*&)?eps={eps:g}(&|$)"))
    expect(shown_plot(page, "attack_probabilities")).to_contain_text("after (ε = 0.13)")
    expect(shown_plot(page, "attack_maps")).to_contain_text("Adversarial (ε = 0.13)")
    expect(shown_plot(page, "attack_difference")).to_contain_text("adversarial (ε = 0.13) − clean")
    assert shown(page, "attack_outcome") != outcome_before
    assert shown(page, "attack_delta_caption") != caption_before
    assert shown_plot(page, "attack_images").screenshot() != images_before

    opacity = page.get_by_role("slider", name=en("attack.opacity"))
    opacity.focus()
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(r"[?&]opacity=0\.45(&|$)"))
    maps = f"[data-key=attack_maps] {VISIBLE_PLOT}"
    page.wait_for_function(f"() => document.querySelector('{maps}').data[1].opacity === 0.45")

    assert requests.count == runs_before, "moving ε (or the opacity) asked the server for a script run"
    assert "running" not in page.evaluate("() => window.scriptStates")

    page.get_by_test_id("stSidebar").get_by_role("button", name=en("share.button")).click()
    link = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    expect(link).to_contain_text("eps=0.13")
    assert link.inner_text().strip() == page.url
    link.hover()
    link.get_by_role("button").click()
    page.wait_for_function("url => navigator.clipboard.readText().then(text => text === url)", arg=page.url)
    page.keyboard.press("Escape")

    page.get_by_role("tab", name=en("attack.tab_curves")).click()
    wait_for_idle(page)
    assert requests.count > runs_before
    expect(live_chart_by_key(page, "attack_curves")).to_contain_text(en("attack.current_eps", eps=0.13))
    expect(page).to_have_url(re.compile(r"[?&]eps=0\.13(&|$)"))
    assert_no_exception_box(page)

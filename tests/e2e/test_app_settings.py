"""Lecture mode in a real browser: the toggle writes ?lecture=1, which survives page changes and reloads."""

import pytest

from tests.e2e.conftest import open_page, wait_for_idle
from ui.navigation import FEATURE_PAGES

pytestmark = pytest.mark.e2e


def lecture_toggle(page):
    return page.get_by_test_id("stSidebar").locator("input[type=checkbox]")


def test_lecture_mode_travels_in_the_url(page, app_url):
    open_page(page, app_url)
    assert "lecture" not in page.url
    page.get_by_test_id("stSidebar").get_by_text("Lecture mode").click()
    wait_for_idle(page)
    assert "lecture=1" in page.url
    if FEATURE_PAGES:
        title = page.get_by_test_id("stSidebarNavLink").nth(1).inner_text().strip()
        page.get_by_test_id("stSidebarNavLink").nth(1).click()
        wait_for_idle(page)
        assert "lecture=1" in page.url, title
    lecture_url = page.url
    page.goto(lecture_url)
    wait_for_idle(page)
    assert lecture_toggle(page).is_checked()


def test_a_bad_parameter_gets_a_notice_not_an_error(page, app_url):
    open_page(page, app_url, "?lecture=" + "9" * 300)
    notice = page.get_by_test_id("stAlertContentWarning")
    assert "too long" in notice.inner_text()
    assert not lecture_toggle(page).is_checked()

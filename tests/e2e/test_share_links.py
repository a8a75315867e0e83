"""Shareable links in Chromium: a link opened in a fresh browser brings its settings, a change
rewrites the address, and "Share this view" shows the link."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.e2e.conftest import assert_no_exception_box, open_page, screenshot, wait_for_idle

pytestmark = pytest.mark.e2e

RACE_LINK = "descent?steps=40&racers=2&opt2=adam&lr2=0.5&seed=3"


def en(key: str, **params) -> str:
    return translate("en", key, **params)


def labelled(page: Page, test_id: str, label: str):
    return page.get_by_test_id(test_id).filter(has=page.get_by_text(label, exact=True))


def steps_slider(page: Page):
    return labelled(page, "stSlider", en("descent.steps")).get_by_role("slider")


def test_a_link_brings_its_settings_and_a_change_rewrites_it(page, app_url):
    open_page(page, app_url, RACE_LINK)
    assert_no_exception_box(page)
    expect(steps_slider(page)).to_have_value("40")
    second_racer = page.get_by_test_id("stExpander").nth(1)
    expect(second_racer.get_by_role("combobox").first).to_have_value(en("descent.optimizer.adam"))
    expect(page.get_by_test_id("stExpander")).to_have_count(2)
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text=en("url.problems_title"))).to_have_count(0)

    steps_slider(page).focus()
    page.keyboard.press("ArrowRight")
    wait_for_idle(page)
    expect(steps_slider(page)).to_have_value("41")
    expect(page).to_have_url(re.compile(r"/descent\?.*steps=41"))
    assert "opt2=adam" in page.url and "lr2=0.5" in page.url and "seed=3" in page.url

    for title in (en("nav.home"), en("nav.descent")):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
        wait_for_idle(page)
    expect(steps_slider(page)).to_have_value("41")
    expect(page).to_have_url(re.compile(r"/descent\?.*steps=41"))

    page.get_by_test_id("stSidebar").get_by_role("button", name=en("share.button")).click()
    link = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    expect(link).to_contain_text("/descent?")
    expect(link).to_contain_text("steps=41")
    expect(page.get_by_test_id("stPopoverBody")).to_contain_text(en("share.help"))
    assert link.inner_text().strip() == page.url
    screenshot(page, "share_link_popover")


def test_the_shared_link_opens_the_same_view_in_another_browser(page, app_url):
    open_page(page, app_url, "attack?index=7&attack=targeted_fgsm&target=3&eps=0.2")
    assert_no_exception_box(page)
    index = labelled(page, "stNumberInput", en("attack.held_out_index")).locator("input")
    expect(index).to_have_value("7")
    eps = labelled(page, "stSlider", en("attack.eps")).get_by_role("slider")
    expect(eps).to_have_value("0.2")
    kind = labelled(page, "stSelectbox", en("attack.kind")).get_by_role("combobox")
    expect(kind).to_have_value(en("attack.kind_targeted_fgsm"))


def test_a_hostile_link_falls_back_with_a_notice(page, app_url):
    open_page(page, app_url, "attack?eps=nan&index=" + "9" * 200 + "&script=%3Cscript%3E")
    assert_no_exception_box(page)
    notice = page.get_by_test_id("stAlertContentWarning").filter(has_text=en("url.problems_title"))
    for key in ("eps", "index", "script"):
        expect(notice.locator("code").filter(has_text=key)).to_have_count(1)
    eps = labelled(page, "stSlider", en("attack.eps")).get_by_role("slider")
    expect(eps).to_have_value("0.1")
    assert "eps=" not in page.url and "script" not in page.url


def test_a_link_cannot_put_its_own_link_or_picture_into_the_app(page, app_url):
    phishing = "[Session expired: log in again](https://example.invalid/login)"
    picture = "![t](http://example.invalid/t.png)"
    open_page(page, app_url, f"attack?{quote(phishing)}=1&{quote(picture)}=1")
    assert_no_exception_box(page)
    notice = page.get_by_test_id("stAlertContentWarning").filter(has_text=en("url.problems_title"))
    expect(notice.locator("code").filter(has_text=phishing)).to_have_count(1)
    expect(notice.locator("code").filter(has_text=picture)).to_have_count(1)
    expect(page.locator('a[href*="example.invalid"]')).to_have_count(0)
    expect(page.locator('img[src*="example.invalid"]')).to_have_count(0)

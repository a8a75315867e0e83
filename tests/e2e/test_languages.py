"""Every page in Hebrew and Persian in a real browser: laid out right to left, every text inside its box,
and a screenshot of each."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core import i18n
from tests.e2e.conftest import assert_no_exception_box, open_page, screenshot, wait_for_idle
from ui.navigation import FEATURE_PAGES, HOME

pytestmark = pytest.mark.e2e

RIGHT_TO_LEFT = ["he", "fa"]
PAGES = [HOME, *FEATURE_PAGES]

OUT_OF_BOUNDS = """
() => {
  const problems = [];
  for (const area of document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')) {
    const box = area.getBoundingClientRect();
    const texts = area.querySelectorAll(
      'p, li, label, h1, h2, h3, h4, button, [data-testid="stMetricLabel"], [data-testid="stMetricValue"], '
      + '[data-testid="stCaptionContainer"], [data-baseweb="tab"]');
    for (const element of texts) {
      if (!element.textContent.trim() || element.closest('.js-plotly-plot, [data-testid="stDataFrame"], pre')) continue;
      const rect = element.getBoundingClientRect();
      if (element.getClientRects().length === 0) continue;  // not displayed
      const style = getComputedStyle(element);
      const hides = [style.overflow, style.overflowX, style.overflowY].includes('hidden')
        || style.textOverflow === 'ellipsis';
      const cut = element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;
      const scrolledAway = element.closest('[data-baseweb="tab-list"]') !== null;
      if (hides && cut) {
        problems.push('clipped: ' + element.textContent.trim().slice(0, 80));
      } else if (!scrolledAway && (rect.right > box.right + 1 || rect.left < box.left - 1)) {
        problems.push('outside its area: ' + element.textContent.trim().slice(0, 80));
      }
    }
    for (const element of area.querySelectorAll('*')) {
      if (element.closest('.js-plotly-plot, [data-testid="stDataFrame"], pre, [data-baseweb="select"]')) continue;
      if (element.textContent.trim() && getComputedStyle(element).textOverflow === 'ellipsis'
          && element.scrollWidth > element.clientWidth + 1) {
        problems.push('cut short: ' + element.textContent.trim().slice(0, 80));
      }
    }
  }
  return [...new Set(problems)];
}
"""


def text_out_of_bounds(page: Page) -> list[str]:
    return page.evaluate(OUT_OF_BOUNDS)


@pytest.mark.parametrize("language", RIGHT_TO_LEFT)
@pytest.mark.parametrize("entry", PAGES, ids=[entry.url_path for entry in PAGES])
def test_every_page_in_a_right_to_left_language(page, app_url, language, entry):
    url_path = "" if entry is HOME else entry.url_path
    open_page(page, app_url, f"{url_path}?lang={language}")
    title = i18n.translate(language, "home.title" if entry is HOME else f"{entry.url_path}.title")
    expect(page.get_by_role("heading", level=1).first).to_contain_text(title.split("\u2066")[0][:12])
    wait_for_idle(page)
    assert page.get_by_test_id("stMain").get_attribute("dir") == "rtl"
    assert page.get_by_test_id("stSidebarContent").get_attribute("dir") == "rtl"
    assert_no_exception_box(page)
    assert text_out_of_bounds(page) == []
    screenshot(page, f"{language}_{entry.url_path}")


def test_english_stays_left_to_right_and_the_language_can_be_switched(page, app_url):
    open_page(page, app_url)
    assert page.get_by_test_id("stMain").get_attribute("dir") == "ltr"
    assert text_out_of_bounds(page) == []
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name=i18n.language_name("he")).click()
    wait_for_idle(page)
    expect(page.get_by_role("heading", level=1).first).to_contain_text(i18n.translate("he", "home.title")[:8])
    assert page.get_by_test_id("stMain").get_attribute("dir") == "rtl"
    assert "lang=he" in page.url


def test_the_bounds_check_sees_clipped_and_overflowing_text(page, app_url):
    open_page(page, app_url)
    page.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]');
      const clipped = document.createElement('p');
      clipped.style.cssText = 'width: 40px; height: 1.2em; overflow: hidden';
      clipped.textContent = 'a sentence far too long for forty pixels';
      const wide = document.createElement('p');
      wide.style.cssText = 'width: 5000px';
      wide.textContent = 'wider than the page';
      main.append(clipped, wide);
    }""")
    found = text_out_of_bounds(page)
    assert any(line.startswith("clipped: a sentence") for line in found), found
    assert any(line.startswith("outside its area: wider") for line in found), found

"""The very first session of a fresh server, opened on a sub-page, gets the app's own navigation."""

import pytest

from core.i18n import translate
from tests.e2e.conftest import VIEWPORT, start_server, stop_server, wait_for_idle
from ui.navigation import FEATURE_PAGES, HOME

pytestmark = pytest.mark.e2e


def test_first_session_on_a_sub_page_shows_page_titles(browser):
    entry = (FEATURE_PAGES or [HOME])[-1]
    process, url = start_server()
    try:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"{url}/{'' if entry is HOME else entry.url_path}", wait_until="domcontentloaded")
        wait_for_idle(page)
        links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts() if FEATURE_PAGES else []
        context.close()
    finally:
        stop_server(process)
    shown = " ".join(links)
    for item in [HOME, *FEATURE_PAGES] if FEATURE_PAGES else []:
        assert translate("en", item.title_key) in shown
    assert "app" not in [link.strip().split("\n")[-1] for link in links]

"""Open every page in a real browser: no exception box, no console error, a screenshot of each."""

import pytest

from core.scenes import SCENES
from tests.e2e.conftest import assert_no_exception_box, open_page, screenshot
from ui.navigation import FEATURE_PAGES, HOME

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("entry", [HOME, *FEATURE_PAGES], ids=lambda entry: entry.url_path)
def test_page_opens_cleanly(page, app_url, entry):
    open_page(page, app_url, "" if entry is HOME else entry.url_path)
    assert_no_exception_box(page)
    assert page.locator("h1").count() >= 1
    screenshot(page, entry.url_path)


def test_home_links_every_page_and_every_scene(page, app_url):
    open_page(page, app_url)
    targets = page.locator('[data-testid="stMain"] [data-testid="stPageLink-NavLink"]').evaluate_all(
        "links => links.map(link => new URL(link.href).pathname.replace(/^\\//, '') + new URL(link.href).search)"
    )
    assert sorted(target for target in targets if "?" not in target) == sorted(e.url_path for e in FEATURE_PAGES)
    assert sorted(target for target in targets if "?" in target) == sorted(scene.link() for scene in SCENES)

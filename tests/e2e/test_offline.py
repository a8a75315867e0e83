"""Offline: the browser asks nothing of any host but the app's own server, on any page, in any language."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import open_page
from ui.navigation import FEATURE_PAGES

pytestmark = pytest.mark.e2e


def test_every_request_goes_to_the_app_server(page, app_url):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    own = urlparse(app_url).netloc
    for query in ("", "?lang=he&lecture=1"):
        open_page(page, app_url, query)
        for entry in FEATURE_PAGES:
            open_page(page, app_url, entry.url_path + query)
    assert len(requests) > 20, requests
    foreign = sorted({url for url in requests if urlparse(url).scheme not in ("data", "blob")
                      and urlparse(url).netloc != own})
    assert foreign == []

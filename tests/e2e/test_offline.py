"""Offline: opening every page makes the browser request nothing but the app's own server."""

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import open_page
from ui.navigation import FEATURE_PAGES, HOME

pytestmark = pytest.mark.e2e


def test_every_request_goes_to_the_app_server(page, app_url):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    for entry in [HOME, *FEATURE_PAGES]:
        open_page(page, app_url, "" if entry is HOME else entry.url_path)
    app_host = urlparse(app_url).netloc
    foreign = [
        url
        for url in requested
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != app_host
    ]
    assert requested
    assert not foreign, foreign

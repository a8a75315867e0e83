"""The real app on 127.0.0.1 driven by headless Debian Chromium through Playwright.

Every test gets a page whose console errors and uncaught exceptions fail the test.
Screenshots go to tests/e2e/screenshots/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1440, "height": 1000}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    app: str = "app.py", port: int | None = None, extra_args: tuple[str, ...] = ()
) -> tuple[subprocess.Popen, str]:
    """Start the app (through ui.serve) on 127.0.0.1 and wait until its health check answers."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "ui.serve",
        app,
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        *extra_args,
    ]
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server's messages, kept as long as it runs; a pipe
    # that nobody reads would block the server once full)
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"streamlit exited: {log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("streamlit did not answer its health check within 90 s")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server by its PID (and its process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="session")
def app_url():
    process, url = start_server()
    yield url
    stop_server(process)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


# Opening a page by its URL path makes Streamlit's frontend probe <page>/_stcore/health and
# <page>/_stcore/host-config first (404) before the app root (Streamlit issue #7074); only those are ignored.
STREAMLIT_SUBPATH_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


class ConsoleWatch:
    """Collects console errors and page errors of one page."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error" and not STREAMLIT_SUBPATH_PROBE.search(message.location.get("url", "")):
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watch = ConsoleWatch(page)
    page.console_watch = watch
    yield page
    context.close()
    assert not watch.errors, watch.errors


def wait_for_idle(page: Page, timeout: float = 60.0, settle: float = 0.5) -> None:
    """Wait until the app's script has run and stayed idle for `settle` seconds."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout * 1000)
    app = page.locator('[data-testid="stApp"]')
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        state = app.get_attribute("data-test-script-state")
        busy = state != "notRunning" or page.locator('[data-testid="stSkeleton"]').count() > 0
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= settle:
            return
        time.sleep(0.05)
    raise TimeoutError(f"the app was still busy after {timeout} s")


def open_page(page: Page, base_url: str, url_path: str = "") -> None:
    page.goto(f"{base_url}/{url_path}", wait_until="domcontentloaded")
    wait_for_idle(page)


# A figure that changes many times in a row is drawn by a chart that stays mounted (ui/live_chart.py): the
# Plotly chart is this element itself; its data-key is the key the page gave it, data-draws how many
# figures it has drawn.
LIVE_CHART = ".live-chart"


def live_chart(page: Page, index: int = 0) -> Locator:
    """The page's index-th live chart."""
    return page.locator(LIVE_CHART).nth(index)


def live_chart_by_key(page: Page, key: str) -> Locator:
    """The live chart a page showed under key."""
    return page.locator(f'{LIVE_CHART}[data-key="{key}"]')


def live_chart_draws(page: Page) -> list[int]:
    """How many figures each live chart on the page has drawn so far, in page order."""
    return page.eval_on_selector_all(LIVE_CHART, "charts => charts.map(chart => Number(chart.dataset.draws || 0))")


def assert_no_exception_box(page: Page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.all_inner_texts()


def screenshot(page: Page, name: str, max_height: int = 8000) -> Path:
    """Save the whole page: the viewport is stretched to the height of Streamlit's scrolling main area."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    original = page.viewport_size or VIEWPORT
    height = page.evaluate(
        """() => Math.max(window.innerHeight, ...Array.from(
                document.querySelectorAll('[data-testid="stMain"], [data-testid="stMainBlockContainer"]'))
                .map(element => element.scrollHeight))"""
    )
    page.set_viewport_size({"width": original["width"], "height": min(int(height) + 40, max_height)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(original)
    return path

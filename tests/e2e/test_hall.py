"""A whole class through `python -m ui.hall`: nginx in front of two app processes, all started for real.

Which process answered is read from nginx's X-Upstream header and from each process's own
/_stcore/metrics (its sessions with an open websocket).
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from core.i18n import translate
from tests.e2e.conftest import (
    ROOT,
    VIEWPORT,
    ConsoleWatch,
    assert_no_exception_box,
    free_port,
    stop_server,
    wait_for_idle,
)

NGINX = "/usr/sbin/nginx"
ROUTE_COOKIE = "hall_route"
UPLOAD_PATH = "/_stcore/upload_file/"
START_TIMEOUT = 180.0

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(NGINX).exists(), reason=f"{NGINX} is absent (make test installs Debian's nginx)"),
]


@dataclass
class Hall:
    """A running `python -m ui.hall` and where to find what it started."""

    process: subprocess.Popen
    url: str
    run_dir: Path
    log: Path

    def state(self) -> dict:
        return json.loads((self.run_dir / "processes.json").read_text())

    def port(self, index: int) -> int:
        return self.state()["servers"][index]["port"]

    def pid(self, index: int) -> int:
        return self.state()["servers"][index]["pid"]

    def address(self, index: int) -> str:
        return f"127.0.0.1:{self.port(index)}"

    def index_of(self, address: str) -> int:
        (index,) = [server["index"] for server in self.state()["servers"] if f"127.0.0.1:{server['port']}" == address]
        return index

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])


def start_hall(run_dir: Path, processes: int = 2) -> Hall:
    """Start the launcher on a free port and wait until nginx answers the health check."""
    port = free_port()
    log = run_dir.with_suffix(".log")
    command = [sys.executable, "-m", "ui.hall", "--processes", str(processes), "--port", str(port)]
    command += ["--run-dir", str(run_dir)]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    hall = Hall(process, f"http://127.0.0.1:{port}", run_dir, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ui.hall exited with code {process.returncode}:\n{hall.log_tail()}")
        if (run_dir / "processes.json").exists() and get(f"{hall.url}/_stcore/health")[0] == 200:
            return hall
        time.sleep(0.5)
    stop_hall(hall)
    raise RuntimeError(f"ui.hall did not answer within {START_TIMEOUT:.0f} s:\n{hall.log_tail()}")


def stop_hall(hall: Hall) -> list[int]:
    """SIGTERM to the launcher by its PID; the PIDs it had started that are still alive afterwards."""
    state = hall.state() if (hall.run_dir / "processes.json").exists() else {"nginx": None, "servers": []}
    pids = [state["nginx"], *(server["pid"] for server in state["servers"])]
    stop_server(hall.process)
    survivors = [pid for pid in pids if pid and alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    return survivors


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    hall = start_hall(tmp_path_factory.mktemp("hall") / "run")
    yield hall
    stop_hall(hall)


def get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str | None, str]:
    """Status, X-Upstream header and body of a GET (status 0 when nothing answers)."""
    try:
        with (opener or urllib.request.build_opener()).open(url, timeout=10) as response:
            return response.status, response.headers.get("X-Upstream"), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Upstream"), ""
    except OSError:
        return 0, None, ""


class Client:
    """An HTTP client with its own cookie jar, as one browser."""

    def __init__(self, url: str):
        self.url = url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def upstream(self, path: str) -> str | None:
        status, upstream, _ = get(f"{self.url}{path}", self.opener)
        assert status == 200, (path, status)
        return upstream

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def websocket_upstream(self) -> str | None:
        """Open Streamlit's websocket with this client's cookies; the X-Upstream of its 101 answer."""
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        status, headers = websocket_handshake(self.url, cookies)
        assert status == 101, status
        return headers.get("x-upstream")


def websocket_handshake(url: str, cookies: str) -> tuple[int, dict[str, str]]:
    """The status and headers of a websocket handshake on /_stcore/stream, as a browser sends it."""
    host = urlsplit(url).netloc
    key = base64.b64encode(os.urandom(16)).decode()
    request = ["GET /_stcore/stream HTTP/1.1", f"Host: {host}", f"Origin: {url}", f"Cookie: {cookies}"]
    request += ["Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", f"Sec-WebSocket-Key: {key}"]
    request += ["Sec-WebSocket-Protocol: streamlit"]
    hostname, port = host.split(":")
    with socket.create_connection((hostname, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(request) + "\r\n\r\n").encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    status_line, *header_lines = answer.split(b"\r\n\r\n")[0].decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {name.lower(): value for name, value in headers.items()}


def active_sessions(port: int) -> int:
    """Sessions with an open websocket on the process on `port`, asked of that process directly."""
    status, _, body = get(f"http://127.0.0.1:{port}/_stcore/metrics")
    assert status == 200, status
    (line,) = [line for line in body.splitlines() if line.startswith("active_sessions ")]
    return int(float(line.split()[1]))


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def test_the_health_check_answers_through_nginx(hall):
    status, upstream, body = get(f"{hall.url}/_stcore/health")
    assert (status, body) == (200, "ok")
    assert upstream in {hall.address(0), hall.address(1)}


def test_browsers_are_spread_over_both_processes_and_each_stays_on_its_own(hall):
    paths = ("/_stcore/health", "/_stcore/host-config", "/descent?steps=40", "/_stcore/health")
    clients: dict[str, Client] = {}
    for _ in range(12):
        client = Client(hall.url)
        clients.setdefault(client.upstream("/"), client)
        assert client.cookie(ROUTE_COOKIE), "nginx sets a route cookie on a first visit"
        if len(clients) == 2:
            break
    assert set(clients) == {hall.address(0), hall.address(1)}, "new browsers go to both processes"
    for _ in range(3):
        for expected, client in clients.items():
            cookie = client.cookie(ROUTE_COOKIE)
            assert [client.upstream(path) for path in paths] == [expected] * len(paths)
            assert client.websocket_upstream() == expected, "the websocket goes where the pages went"
            assert client.cookie(ROUTE_COOKIE) == cookie, "the cookie stays while its process answers"


def picture_of_a_one(path: Path) -> Path:
    """A picture of a handwritten-looking 1: dark ink on light paper."""
    image = Image.new("L", (112, 112), 235)
    ImageDraw.Draw(image).line([(60, 14), (54, 98)], fill=20, width=11)
    image.save(path)
    return path


def a_new_browser_lands_on(hall: Hall, index: int) -> bool:
    return Client(hall.url).upstream("/_stcore/health") == hall.address(index)


def upload_and_see_the_preview(page: Page, picture: Path) -> set[str]:
    """Upload the picture on the draw page (in place of any); the X-Upstream of its upload and media requests."""
    answers: list[tuple[str, int, str | None]] = []

    def record(response) -> None:
        path = urlsplit(response.url).path
        if path.startswith("/media/") or (path.startswith(UPLOAD_PATH) and response.request.method == "PUT"):
            answers.append((path, response.status, response.headers.get("x-upstream")))

    for remove in page.get_by_role("button", name=re.compile(r"^Remove ")).all():
        remove.click()
        wait_for_idle(page)
    page.on("response", record)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(picture))
    preview = page.get_by_test_id("stImage").locator("img")
    expect(preview).to_be_visible(timeout=30_000)
    wait_for_idle(page)
    expect(preview).to_have_js_property("complete", True)
    assert preview.evaluate("image => image.naturalWidth") > 0
    page.remove_listener("response", record)
    assert any(path.startswith(UPLOAD_PATH) for path, _, _ in answers), answers
    assert all(status < 400 for _, status, _ in answers), answers
    return {upstream for _, _, upstream in answers}


def assert_the_link_settings(page: Page) -> None:
    expect(page.get_by_role("radio", name=translate("en", "draw.source.upload"))).to_be_checked()
    expect(page.get_by_role("switch", name=translate("en", "draw.step.crop"))).not_to_be_checked()
    expect(page.get_by_role("switch", name=translate("en", "draw.step.ink"))).to_be_checked()
    assert_no_exception_box(page)


def test_a_page_whose_process_dies_comes_back_on_the_other_one_with_its_link(hall, browser, tmp_path):
    picture, again = picture_of_a_one(tmp_path / "one.png"), picture_of_a_one(tmp_path / "one-again.png")
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watch = ConsoleWatch(page)
    try:
        before = [active_sessions(hall.port(index)) for index in (0, 1)]
        response = page.goto(f"{hall.url}/draw?source=upload&crop=0", wait_until="domcontentloaded")
        wait_for_idle(page)
        assert_the_link_settings(page)
        first = hall.index_of(response.headers["x-upstream"])
        other = 1 - first
        wait_until(lambda: active_sessions(hall.port(first)) == before[first] + 1, 10, "the websocket on its process")
        assert active_sessions(hall.port(other)) <= before[other]
        assert upload_and_see_the_preview(page, picture) == {hall.address(first)}, "upload and media stick"

        killed = hall.pid(first)
        os.kill(killed, signal.SIGKILL)
        wait_until(lambda: active_sessions(hall.port(other)) == before[other] + 1, 60, "the page reconnected")
        wait_for_idle(page)
        assert_the_link_settings(page)

        wait_until(lambda: hall.pid(first) != killed, 60, "the launcher restarted the dead process")
        wait_until(lambda: a_new_browser_lands_on(hall, first), 120, "nginx sends new browsers to the restarted one")
        assert upload_and_see_the_preview(page, again) == {hall.address(other)}, "still on the other process"
        assert active_sessions(hall.port(first)) == 0
        assert_no_exception_box(page)
        assert not [error for error in watch.errors if error.startswith("pageerror")], watch.errors
    finally:
        context.close()


def test_sigterm_stops_nginx_and_every_process(tmp_path):
    hall = start_hall(tmp_path / "run")
    pids = [hall.state()["nginx"], hall.pid(0), hall.pid(1)]
    assert all(alive(pid) for pid in pids)
    assert stop_hall(hall) == [], "still running after SIGTERM"
    assert hall.process.returncode == 0, hall.log_tail()
    assert get(f"{hall.url}/_stcore/health")[0] == 0, "nginx no longer listens"

"""Serve the app to a whole class: `python -m ui.hall --processes N --port P`.

A hall of students is spread over N app processes, each started as `make run` starts one, on
127.0.0.1 and the first free ports above P, behind nginx on P. nginx gives each browser a route
cookie naming the process that answered it and sends all its requests there, its websocket, uploads
and media included. When that process does not answer, nginx passes the request to another one and
the cookie follows; Streamlit's frontend reconnects by itself and the page restores its settings
from its link. This launcher checks every process's /_stcore/health and restarts one that has
exited or stopped answering. Ctrl-C or SIGTERM stops nginx and every process.

nginx runs as the current user with its configuration, pid, logs and temporary files in a run
directory (a temporary one unless --run-dir is given), where processes.json names every PID.
"""

from __future__ import annotations

import argparse
import contextlib
import grp
import json
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_HOST = "127.0.0.1"
ROUTE_COOKIE = "hall_route"
CHECK_INTERVAL = 2.0  # seconds between two rounds of health checks
CHECK_TIMEOUT = 5.0  # seconds one health check may take
MAX_FAILED_CHECKS = 3  # a running process that misses this many checks in a row is restarted
START_TIMEOUT = 90.0  # seconds a new process has to answer its first health check
STOP_TIMEOUT = 15.0  # seconds between SIGTERM and SIGKILL

log = logging.getLogger("hall")

NGINX_CONFIG = """\
# nginx in front of the app's processes, for one run of `python -m ui.hall`.
daemon off;
worker_processes 1;
pid @RUN_DIR@/nginx.pid;
error_log @RUN_DIR@/error.log warn;
@USER@
events {
    worker_connections 1024;  # a page holds two: its websocket and the one to its process
}

http {
    log_format hall '$time_local "$request" $status upstream=$upstream_addr route=$cookie_@COOKIE@';
    access_log @RUN_DIR@/access.log hall;
    client_body_temp_path @RUN_DIR@/client_body_temp;
    proxy_temp_path @RUN_DIR@/proxy_temp;
    fastcgi_temp_path @RUN_DIR@/fastcgi_temp;
    uwsgi_temp_path @RUN_DIR@/uwsgi_temp;
    scgi_temp_path @RUN_DIR@/scgi_temp;
    client_max_body_size @UPLOAD_MB@m;
    server_tokens off;

    # A browser's session lives in the memory of one process. Its first request goes to any process
    # and gets a route cookie naming the process that answered; every request with that cookie goes
    # to that process, or to another one when it does not answer (error or timeout).
    map $cookie_@COOKIE@ $hall_pool {
        default hall_any;
@POOL_BY_ROUTE@
    }

    # The process that answered (the last address tried), as the route cookie names it.
    map $upstream_addr $hall_answered {
        default "";
@ROUTE_BY_ADDRESS@
    }
    map $hall_answered $hall_route_cookie {
        "" "";
        default "@COOKIE@=$hall_answered; Path=/; HttpOnly; SameSite=Lax";
    }

    # The cookie is set on a first visit and by every websocket handshake: after a failover it names
    # the process that holds the new session, whatever other requests were still on their way.
    map $hall_pool $hall_first_visit_cookie {
        hall_any $hall_route_cookie;
        default "";
    }

    map $http_upgrade $connection_upgrade {
        default upgrade;
        "" close;
    }

    # First visits skip a process that failed within the last 10 s. With a route cookie the process is
    # asked first on every request (max_fails=0): nginx would otherwise keep a recovered process marked
    # failed until the first request let through to it has finished, which for a websocket is when its
    # page closes, and send that page's uploads and media to another process meanwhile.
@UPSTREAMS@

    server {
        listen @HOST@:@PORT@;
        proxy_http_version 1.1;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;

        location / {
@PROXY_HEADERS@
            add_header Set-Cookie $hall_first_visit_cookie always;
            add_header X-Upstream $upstream_addr always;
            proxy_pass http://$hall_pool;
        }

        # Streamlit's websocket, open as long as its page (Streamlit pings it every 30 s).
        location ~ /_stcore/stream$ {
@PROXY_HEADERS@
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            add_header Set-Cookie $hall_route_cookie always;
            add_header X-Upstream $upstream_addr always;
            proxy_pass http://$hall_pool;
        }
    }
}
"""

# The browser's Host goes through unchanged (with its port): Streamlit accepts a websocket whose
# Origin matches it.
PROXY_HEADERS = (
    "proxy_set_header Host $http_host;",
    "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "proxy_set_header X-Forwarded-Proto $scheme;",
)


@dataclass
class AppServer:
    """One app process and what its health checks have found."""

    index: int
    port: int
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    answered: bool = False
    failed_checks: int = 0


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(host: str, first: int, count: int) -> list[int]:
    """The first `count` free ports from `first` up (consecutive unless one is taken)."""
    ports: list[int] = []
    port = first
    while len(ports) < count:
        if port > 65535:
            raise SystemExit(f"hall: fewer than {count} free ports above {first}")
        if port_is_free(host, port):
            ports.append(port)
        port += 1
    return ports


def max_upload_mb() -> int:
    """server.maxUploadSize from .streamlit/config.toml (Streamlit's default: 200)."""
    path = ROOT / ".streamlit" / "config.toml"
    config = tomllib.loads(path.read_text()) if path.exists() else {}
    return int(config.get("server", {}).get("maxUploadSize", 200))


def user_directive() -> str:
    """nginx's workers run as nobody when the master is root; keep them the current user."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"


def upstream_block(name: str, servers: list[str]) -> str:
    return "\n".join([f"    upstream {name} {{", *(f"        server {server};" for server in servers), "    }"])


def upstream_blocks(addresses: list[str]) -> str:
    """hall_any over every process, and per process hall_<i>: that process first, the others as backups."""
    blocks = [upstream_block("hall_any", [f"{address} max_fails=1 fail_timeout=10s" for address in addresses])]
    for index, address in enumerate(addresses):
        backups = [f"{other} backup max_fails=0" for other in addresses if other != address]
        blocks.append(upstream_block(f"hall_{index}", [f"{address} max_fails=0", *backups]))
    return "\n".join(blocks)


def nginx_config(run_dir: Path, host: str, port: int, server_ports: list[int], upload_mb: int) -> str:
    """nginx's configuration: host:port in front of the app processes on server_ports."""
    addresses = [f"{APP_HOST}:{server_port}" for server_port in server_ports]
    escaped = [address.replace(".", r"\.") for address in addresses]
    values = {
        "RUN_DIR": str(run_dir),
        "USER": user_directive(),
        "COOKIE": ROUTE_COOKIE,
        "UPLOAD_MB": str(upload_mb + 1),
        "POOL_BY_ROUTE": "\n".join(f"        {index} hall_{index};" for index in range(len(addresses))),
        "ROUTE_BY_ADDRESS": "\n".join(f'        "~{pattern}$" {index};' for index, pattern in enumerate(escaped)),
        "UPSTREAMS": upstream_blocks(addresses),
        "PROXY_HEADERS": "\n".join(f"            {line}" for line in PROXY_HEADERS),
        "HOST": host,
        "PORT": str(port),
    }
    config = NGINX_CONFIG
    for key, value in values.items():
        config = config.replace(f"@{key}@", value)
    return config


def nginx_command(nginx: str, run_dir: Path, *options: str) -> list[str]:
    """nginx with its prefix, configuration and first error log in run_dir (no root-owned path)."""
    return [nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", str(run_dir / "error.log"), *options]


def write_nginx_config(nginx: str, run_dir: Path, config: str) -> None:
    """Write nginx.conf into run_dir and check it with `nginx -t`."""
    (run_dir / "nginx.conf").write_text(config)
    result = subprocess.run(nginx_command(nginx, run_dir, "-t", "-q"), capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"hall: nginx rejected {run_dir / 'nginx.conf'}:\n{result.stderr}")


def server_command(port: int, host: str, public_port: int) -> list[str]:
    """The command `make run` uses, on `port`, told the address browsers use (nginx's)."""
    run = [sys.executable, "-m", "ui.serve", "app.py", "--server.address", APP_HOST, "--server.port", str(port)]
    browser = ["--browser.serverAddress", host, "--browser.serverPort", str(public_port)]
    return [*run, "--server.headless", "true", *browser]


def server_environment() -> dict[str, str]:
    """The environment of every process: one cookie secret shared by all, as Streamlit asks of replicas."""
    env = dict(os.environ)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    return env


def start_server(server: AppServer, env: dict[str, str]) -> None:
    server.process = subprocess.Popen(server.command, cwd=ROOT, env=env, start_new_session=True)
    server.started, server.answered, server.failed_checks = time.monotonic(), False, 0
    log.info("process %d starting on port %d (pid %d)", server.index, server.port, server.process.pid)


def answers(port: int) -> bool:
    """True when the process on `port` answers its health check."""
    try:
        with urllib.request.urlopen(f"http://{APP_HOST}:{port}/_stcore/health", timeout=CHECK_TIMEOUT) as response:
            return response.status == 200
    except OSError:
        return False


def restart_reason(server: AppServer) -> str | None:
    """Why the process must be restarted, or None while it is healthy or still starting."""
    code = server.process.poll()
    if code is not None:
        return f"exited with code {code}"
    if answers(server.port):
        if not server.answered:
            log.info("process %d answers on port %d", server.index, server.port)
        server.answered, server.failed_checks = True, 0
        return None
    server.failed_checks += 1
    if server.answered and server.failed_checks >= MAX_FAILED_CHECKS:
        return f"missed {server.failed_checks} health checks in a row"
    if not server.answered and time.monotonic() - server.started > START_TIMEOUT:
        return f"did not answer within {START_TIMEOUT:.0f} s of its start"
    return None


def check(server: AppServer, env: dict[str, str]) -> bool:
    """Check one process and restart it when needed; True if it was restarted."""
    reason = restart_reason(server)
    if reason is None:
        return False
    log.warning("process %d (port %d, pid %d) %s: restarting it", server.index, server.port, server.process.pid, reason)
    stop_processes([server.process])
    start_server(server, env)
    return True


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Send signum to the process and its process group (its own session), by its PID."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def stop_processes(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to every process, then SIGKILL to those still running after STOP_TIMEOUT seconds."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()


def write_state(run_dir: Path, nginx: subprocess.Popen | None, servers: list[AppServer]) -> None:
    """processes.json: the PID of nginx and of the process on each port."""
    state = {
        "nginx": nginx.pid if nginx else None,
        "servers": [{"index": s.index, "port": s.port, "pid": s.process.pid} for s in servers],
    }
    path = run_dir / "processes.json"
    path.with_suffix(".tmp").write_text(json.dumps(state, indent=2))
    path.with_suffix(".tmp").replace(path)


def wait_until_answering(servers: list[AppServer], env: dict[str, str], stop: threading.Event) -> bool:
    """Wait until every process answers (restarting any that exits); False if stopped first."""
    while not all(server.answered for server in servers):
        for server in servers:
            check(server, env)
        if stop.wait(0.5):
            return False
    return True


def watch(
    servers: list[AppServer], env: dict[str, str], nginx: subprocess.Popen, run_dir: Path, stop: threading.Event
) -> int:
    """Health-check every process each CHECK_INTERVAL seconds until stopped; 1 if nginx exits."""
    while not stop.wait(CHECK_INTERVAL):
        if nginx.poll() is not None:
            log.error("nginx exited with code %s (see %s)", nginx.returncode, run_dir / "error.log")
            return 1
        restarted = [check(server, env) for server in servers]
        if any(restarted):
            write_state(run_dir, nginx, servers)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.hall", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2, help="app processes to start (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="port nginx listens on (default 8501)")
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--run-dir", type=Path, help="directory for nginx's files (default: a temporary one)")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx", help="the nginx binary")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    return args


def serve(args: argparse.Namespace, run_dir: Path, stop: threading.Event) -> int:
    """Start the processes and nginx, then watch them until stopped; stop them all on the way out."""
    if not port_is_free(args.host, args.port):
        log.error("port %d on %s is taken", args.port, args.host)
        return 1
    ports = free_ports(APP_HOST, args.port + 1, args.processes)
    servers = [AppServer(i, port, server_command(port, args.host, args.port)) for i, port in enumerate(ports)]
    write_nginx_config(args.nginx, run_dir, nginx_config(run_dir, args.host, args.port, ports, max_upload_mb()))
    env = server_environment()
    nginx = None
    try:
        for server in servers:
            start_server(server, env)
        if not wait_until_answering(servers, env, stop):
            return 0
        nginx = subprocess.Popen(nginx_command(args.nginx, run_dir), start_new_session=True)
        write_state(run_dir, nginx, servers)
        url = f"http://{args.host}:{args.port}"
        log.info("serving on %s: nginx (pid %d) and %d processes, files in %s", url, nginx.pid, len(servers), run_dir)
        return watch(servers, env, nginx, run_dir, stop)
    finally:
        log.info("stopping nginx and %d processes", len(servers))
        stop_processes([p for p in [nginx, *(s.process for s in servers)] if p is not None])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s hall: %(message)s", datefmt="%H:%M:%S")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.run_dir:
        args.run_dir.mkdir(parents=True, exist_ok=True)
        return serve(args, args.run_dir.resolve(), stop)
    with tempfile.TemporaryDirectory(prefix="hall-") as run_dir:
        return serve(args, Path(run_dir), stop)


if __name__ == "__main__":
    sys.exit(main())

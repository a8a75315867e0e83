"""`python -m bench.hall`: a lecture hall of simulated students, on one app process and on several behind nginx.

Every student is one headless session (bench/session_client.py) that follows the lecture's script with a
random pause of 3–6 s between two actions: open Attack, move ε five times, change the attack kind, open Draw
with a held-out digit, open Gradient descent and change a learning rate. The students start within the first
3 s, as a class opening the lecturer's link. For every action the table gives the latency (from the rerun sent
to the end of the script run) at p50, p95 and max, the exception boxes the runs showed, and the failures
(no end of a run within --timeout, a dropped connection, a widget missing from the page; a student stops at
their first failure). Server memory is the summed RSS of the server's processes and all their children,
sampled every 0.5 s, before the students and at its peak.

Configurations, in one run: (a) one app process (started as the e2e tests start it), (b) `python -m ui.hall`
with --processes app processes behind nginx. --url measures a server that is already running instead (its
memory with --pid). The students run in this process, on the same machine as the server. Run by hand; timing
never goes in a test. Writes bench/results/hall.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from bench.session_client import Run, Session, SessionFailed
from tests.e2e.conftest import ROOT, free_port, start_server, stop_server

RESULTS = Path(__file__).resolve().parent / "results"
EPS_MOVES = 5
DEFAULT_EPS, MAX_EPS = 0.1, 0.5
START_SPREAD = 3.0  # seconds over which the students open the lecturer's link
HALL_START_TIMEOUT = 180.0
MEMORY_INTERVAL = 0.5


# ---------------------------------------------------------------- the lecture's script


@dataclass(frozen=True)
class Action:
    name: str
    do: Callable[[Session, random.Random], Awaitable[Run]]


async def open_attack(session: Session, rng: random.Random) -> Run:
    return await session.open(f"attack?index={rng.randrange(2000)}")


async def move_eps(session: Session, rng: random.Random) -> Run:
    """ε a few steps of the slider up (down near its end) from where the page's link says it is."""
    eps = float(parse_qs(session.query_string).get("eps", [DEFAULT_EPS])[0])
    step = rng.choice((0.01, 0.02, 0.03, 0.05))
    return await session.set_value("attack_eps", round(eps + step if eps + step <= MAX_EPS else eps - step, 2))


async def change_attack_kind(session: Session, rng: random.Random) -> Run:
    """Another attack than the first (FGSM): targeted FGSM, I-FGSM or PGD."""
    return await session.set_value("attack_kind", rng.choice(session.page.widget("attack_kind").options[1:4]))


async def open_draw_held_out(session: Session, rng: random.Random) -> Run:
    return await session.open(f"draw?source=held_out&class={rng.randrange(10)}")


async def open_descent(session: Session, rng: random.Random) -> Run:
    return await session.open("descent")


async def change_learning_rate(session: Session, rng: random.Random) -> Run:
    """Racer 1's learning rate, one of the slider's steps from 0.01 to 10."""
    options = [option for option in session.page.widget("descent_racer0_lr").options if 0.01 <= float(option) <= 10]
    return await session.set_value("descent_racer0_lr", rng.choice(options))


LECTURE = (
    Action("open Attack", open_attack),
    *(Action(f"move ε ({n + 1})", move_eps) for n in range(EPS_MOVES)),
    Action("change the attack kind", change_attack_kind),
    Action("open Draw (held-out digit)", open_draw_held_out),
    Action("open Gradient descent", open_descent),
    Action("change a learning rate", change_learning_rate),
)


# ---------------------------------------------------------------- students


@dataclass
class Outcome:
    """What every action did across the hall."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    exceptions: dict[str, list[str]] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def record_run(self, action: str, run: Run) -> None:
        self.latencies.setdefault(action, []).append(run.seconds)
        self.exceptions.setdefault(action, []).extend(run.exceptions)

    def record_failure(self, action: str, error: Exception) -> None:
        self.failures.setdefault(action, []).append(f"{type(error).__name__}: {error}")


@dataclass(frozen=True)
class Plan:
    students: int
    actions: int
    seconds: float
    pause: tuple[float, float]
    timeout: float
    seed: int


async def student(url: str, number: int, plan: Plan, outcome: Outcome, deadline: float) -> None:
    """One student: the lecture's first `plan.actions` actions, until the first failure or the deadline."""
    rng = random.Random(plan.seed * 100_003 + number)
    await asyncio.sleep(rng.uniform(0, START_SPREAD))
    try:
        async with Session(url, timeout=plan.timeout) as session:
            for index, action in enumerate(LECTURE[:plan.actions]):
                if index:
                    await asyncio.sleep(rng.uniform(*plan.pause))
                if time.monotonic() >= deadline:
                    return
                try:
                    outcome.record_run(action.name, await action.do(session, rng))
                except (SessionFailed, KeyError, ValueError) as error:
                    outcome.record_failure(action.name, error)
                    return
    except SessionFailed as error:
        outcome.record_failure("connect", error)


async def hall(url: str, plan: Plan) -> Outcome:
    outcome = Outcome()
    deadline = time.monotonic() + plan.seconds
    await asyncio.gather(*(student(url, number, plan, outcome, deadline) for number in range(plan.students)))
    return outcome


# ---------------------------------------------------------------- server memory


def children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    return children


def process_tree(roots: list[int]) -> list[int]:
    """The roots and all their descendants (Linux /proc)."""
    children, found, waiting = children_by_parent(), [], list(roots)
    while waiting:
        pid = waiting.pop()
        found.append(pid)
        waiting.extend(children.get(pid, []))
    return found


def rss_megabytes(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemorySampler:
    """Summed RSS of a process tree, sampled in a thread: the first sample and the peak."""

    def __init__(self, roots: list[int]):
        self.roots = roots
        self.first_mb = self.peak_mb = self.sample()
        self.peak_processes = len(process_tree(roots))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> float:
        return sum(rss_megabytes(pid) for pid in process_tree(self.roots))

    def _run(self) -> None:
        while not self._stop.wait(MEMORY_INTERVAL):
            self.peak_mb = max(self.peak_mb, self.sample())
            self.peak_processes = max(self.peak_processes, len(process_tree(self.roots)))

    @contextmanager
    def running(self) -> Iterator[MemorySampler]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


# ---------------------------------------------------------------- servers


@contextmanager
def one_process() -> Iterator[tuple[str, list[int]]]:
    """One app process, started as the e2e tests start it: its URL and PID."""
    process, url = start_server()
    try:
        yield url, [process.pid]
    finally:
        stop_server(process)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def behind_nginx(processes: int) -> Iterator[tuple[str, list[int]]]:
    """`python -m ui.hall`: `processes` app processes behind nginx; its URL and the launcher's PID (the
    launcher is the parent of nginx and of every app process)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-hall-") as run_dir:
        command = [sys.executable, "-m", "ui.hall", "--processes", str(processes), "--port", str(port),
                   "--run-dir", run_dir]
        log = Path(run_dir) / "hall.log"
        with log.open("w") as output:
            launcher = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_hall(launcher, url, Path(run_dir), log)
            yield url, [launcher.pid]
        finally:
            stop_server(launcher)


def wait_for_hall(launcher: subprocess.Popen, url: str, run_dir: Path, log: Path) -> None:
    deadline = time.monotonic() + HALL_START_TIMEOUT
    while time.monotonic() < deadline:
        if launcher.poll() is not None:
            raise RuntimeError(f"ui.hall exited: {log.read_text(errors='replace')[-3000:]}")
        if (run_dir / "processes.json").exists() and answers(url):
            return
        time.sleep(0.5)
    raise RuntimeError(f"ui.hall did not answer within {HALL_START_TIMEOUT:.0f} s")


@contextmanager
def given_server(url: str, pids: list[int]) -> Iterator[tuple[str, list[int]]]:
    yield url.rstrip("/"), pids


# ---------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def action_rows(outcome: Outcome) -> list[dict]:
    rows = []
    for name in [action.name for action in LECTURE] + ["connect"]:
        samples = outcome.latencies.get(name, [])
        failures = outcome.failures.get(name, [])
        if not samples and not failures:
            continue
        rows.append({
            "action": name, "runs": len(samples),
            "p50_ms": statistics.median(samples) * 1000 if samples else None,
            "p95_ms": percentile(samples, 0.95) * 1000 if samples else None,
            "max_ms": max(samples) * 1000 if samples else None,
            "exceptions": len(outcome.exceptions.get(name, [])), "failures": len(failures),
        })
    return rows


def milliseconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def print_report(title: str, report: dict) -> None:
    print(f"\n{title}: {report['students']} students, {report['wall_s']:.0f} s")
    print(f"{'action':<28} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'exceptions':>10} {'failures':>8}")
    for row in report["actions"]:
        print(f"{row['action']:<28} {row['runs']:>5} {milliseconds(row['p50_ms']):>8} {milliseconds(row['p95_ms']):>8} "
              f"{milliseconds(row['max_ms']):>8} {row['exceptions']:>10} {row['failures']:>8}")
    memory = report["memory"]
    if memory:
        print(f"server memory (RSS, {memory['processes']} processes): {memory['before_mb']:.0f} MB before the "
              f"students, peak {memory['peak_mb']:.0f} MB")
    for kind in ("exceptions", "failures"):
        for text, count in report[f"distinct_{kind}"].items():
            print(f"  {kind[:-1]} ×{count}: {text}")


def distinct(texts: dict[str, list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in (text for values in texts.values() for text in values):
        counts[text.splitlines()[0][:200]] = counts.get(text.splitlines()[0][:200], 0) + 1
    return counts


def measure(server, plan: Plan) -> dict:
    """Start the server, let the hall follow the lecture on it, and summarize."""
    with server as (url, pids):
        sampler = MemorySampler(pids) if pids else None
        started = time.perf_counter()
        if sampler:
            with sampler.running():
                outcome = asyncio.run(hall(url, plan))
        else:
            outcome = asyncio.run(hall(url, plan))
        wall = time.perf_counter() - started
    memory = {"before_mb": sampler.first_mb, "peak_mb": sampler.peak_mb, "processes": sampler.peak_processes} \
        if sampler else None
    return {"students": plan.students, "wall_s": wall, "actions": action_rows(outcome), "memory": memory,
            "distinct_exceptions": distinct(outcome.exceptions), "distinct_failures": distinct(outcome.failures)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.hall", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100, help="simulated students (default 100)")
    parser.add_argument("--actions", type=int, default=len(LECTURE),
                        help=f"the first N actions of the lecture's script (default all {len(LECTURE)})")
    parser.add_argument("--seconds", type=float, default=600.0,
                        help="no student starts an action after this many seconds (default 600)")
    parser.add_argument("--pause", type=float, nargs=2, default=(3.0, 6.0), metavar=("MIN", "MAX"),
                        help="seconds between two actions of a student (default 3 6)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a run may take (default 120)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the students' choices and pauses")
    parser.add_argument("--processes", type=int, default=2, help="app processes behind nginx (default 2)")
    parser.add_argument("--skip-nginx", action="store_true", help="only the single process")
    parser.add_argument("--url", help="measure this running server instead of starting any")
    parser.add_argument("--pid", type=int, action="append", default=[],
                        help="with --url: a server process whose memory (with its children's) to sample")
    args = parser.parse_args(argv)
    if not 1 <= args.actions <= len(LECTURE):
        parser.error(f"--actions must be between 1 and {len(LECTURE)}")
    return args


def configurations(args: argparse.Namespace) -> list[tuple[str, object]]:
    if args.url:
        return [(f"server at {args.url}", given_server(args.url, args.pid))]
    chosen = [("(a) one process", one_process())]
    if not args.skip_nginx:
        chosen.append((f"(b) {args.processes} processes behind nginx", behind_nginx(args.processes)))
    return chosen


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    plan = Plan(args.students, args.actions, args.seconds, tuple(args.pause), args.timeout, args.seed)
    print(f"{plan.students} students, {plan.actions} actions each, pauses {plan.pause[0]:g}–{plan.pause[1]:g} s, "
          f"{os.cpu_count()} cores")
    reports = {}
    for title, server in configurations(args):
        reports[title] = measure(server, plan)
        print_report(title, reports[title])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "hall.json").write_text(json.dumps({"plan": plan.__dict__, "reports": reports}, indent=2))


if __name__ == "__main__":
    main()

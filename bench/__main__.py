"""`python -m bench`: cold start, interaction latency against the floor page, and server memory.

Run by hand on an otherwise idle machine (never as a timed test). Prints a table and writes
bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from bench.interactions import Interaction, registered
from bench.interactions.floor import FLOOR, FLOOR_APP
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORT, start_server, stop_server, wait_for_idle
from tests.e2e.script_runs import RerunRequests

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def rss_megabytes(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def time_interaction(browser: Browser, url: str, interaction: Interaction) -> tuple[list[float], list[int]]:
    """Milliseconds from each action to its visible result, and the script runs the page asked for in each
    repetition (from its action to the page idle again), in one browser session."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    requests = RerunRequests(page)
    try:
        page.goto(f"{url}/{interaction.url_path}", wait_until="domcontentloaded")
        wait_for_idle(page)
        if interaction.setup:
            interaction.setup(page)
            wait_for_idle(page)
        samples, runs = [], []
        for repetition in range(interaction.repetitions):
            if interaction.prepare:
                interaction.prepare(page, repetition)
            before = requests.count
            started = time.perf_counter()
            interaction.act(page, repetition)
            interaction.wait_done(page, repetition)
            samples.append((time.perf_counter() - started) * 1000)
            wait_for_idle(page, settle=0.2)
            runs.append(requests.count - before)
        return samples, runs
    finally:
        context.close()


def cold_start(browser: Browser, server_args: tuple[str, ...]) -> float:
    """Seconds from starting the server process to the home page rendered and idle."""
    started = time.perf_counter()
    process, url = start_server(extra_args=server_args)
    try:
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded")
        page.wait_for_selector("h1")
        wait_for_idle(page, settle=0.0)
        elapsed = time.perf_counter() - started
        context.close()
        return elapsed
    finally:
        stop_server(process)


def memory(browser: Browser, server_args: tuple[str, ...], sessions: int = 10) -> dict[str, float]:
    """Server RSS with one session open, and with `sessions` open (each visiting every page)."""
    from ui.navigation import FEATURE_PAGES

    process, url = start_server(extra_args=server_args)
    contexts = []
    try:
        paths = ["", *(entry.url_path for entry in FEATURE_PAGES)]

        def open_session() -> None:
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            for path in paths:
                page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                wait_for_idle(page)
            contexts.append(context)

        open_session()
        one = rss_megabytes(process.pid)
        for _ in range(sessions - 1):
            open_session()
        many = rss_megabytes(process.pid)
        return {
            "one_session_mb": one,
            f"{sessions}_sessions_mb": many,
            "per_extra_session_mb": (many - one) / (sessions - 1),
        }
    finally:
        for context in contexts:
            context.close()
        stop_server(process)


def summarize(name: str, timed: tuple[list[float], list[int]], floor_p50: float | None) -> dict:
    samples, runs = timed
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    return {
        "name": name,
        "n": len(samples),
        "p50_ms": p50,
        "p95_ms": p95,
        "ratio_to_floor": (p50 / floor_p50) if floor_p50 else 1.0,
        "runs_per_repetition": statistics.mean(runs),
    }


def print_table(rows: list[dict]) -> None:
    print(f"\n{'interaction':<58} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8} {'runs':>5}")
    for row in rows:
        print(
            f"{row['name']:<58} {row['n']:>4} {row['p50_ms']:>8.0f} {row['p95_ms']:>8.0f} {row['ratio_to_floor']:>8.2f}"
            f" {row['runs_per_repetition']:>5.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", help="time only interactions whose name contains this text")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--skip-cold-start", action="store_true")
    parser.add_argument(
        "--server-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Streamlit option for every server started, e.g. runner.postScriptGC=false",
    )
    args = parser.parse_args(argv)
    server_args = tuple(f"--{option}" for option in args.server_option)
    report: dict = {"server_options": args.server_option}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        if not args.skip_cold_start:
            report["cold_start_s"] = cold_start(browser, server_args)
            print(f"cold start (process start → home page idle): {report['cold_start_s']:.2f} s")
        floor_process, floor_url = start_server(FLOOR_APP, extra_args=server_args)
        try:
            floor_samples = time_interaction(browser, floor_url, FLOOR)
        finally:
            stop_server(floor_process)
        rows = [summarize(FLOOR.name, floor_samples, None)]
        floor_p50 = rows[0]["p50_ms"]
        interactions = [i for i in registered() if i is not FLOOR and (not args.only or args.only in i.name)]
        if interactions:
            process, url = start_server(extra_args=server_args)
            try:
                for interaction in interactions:
                    try:
                        samples = time_interaction(browser, url, interaction)
                    except Exception as error:  # one broken interaction must not lose the others' figures
                        print(f"{interaction.name}: failed ({type(error).__name__}: {str(error).splitlines()[0]})")
                        continue
                    rows.append(summarize(interaction.name, samples, floor_p50))
            finally:
                stop_server(process)
        report["interactions"] = rows
        print_table(rows)
        if not args.skip_memory:
            report["memory"] = memory(browser, server_args)
            print("\nserver memory (RSS): " + ", ".join(f"{k} {v:.0f}" for k, v in report["memory"].items()))
        browser.close()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Many sessions at once on one server: none shows an exception, each shows its own numbers.

Every scenario opens a page that computes, with its own settings from its link, and then uses it (moves a
slider, picks an option, presses a button), each in a session of its own. A class arriving at a server just
started plays every scenario at the same moment as the server's first sessions (nothing imported, compiled or
cached yet), then each scenario alone. The waves play each scenario alone first, one after the other, then
all of them at the same moment, again and again, with the server's caches cleared before each wave so that
every wave computes as much as the first students of a lecture do. Every run of every session must show no
exception and the same texts, figures and tables as the same run of the scenario played alone.

The sessions speak Streamlit's websocket protocol (bench/session_client.py); nothing tied to a session
(widget ids, run ids) is compared, only what the page shows.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from bench.session_client import Run, Session
from core.i18n import translate
from tests.e2e.conftest import start_server, stop_server

pytestmark = pytest.mark.e2e

WAVES = 3
RUN_TIMEOUT = 60.0  # seconds: a run takes well under 10 s even with every session at once


@dataclass(frozen=True)
class Step:
    """A widget set to a value (the option's text for a select box), or a button pressed (value None)."""

    key: str
    value: object = None


@dataclass(frozen=True)
class Scenario:
    address: str
    steps: tuple[Step, ...] = ()


def move(key: str, *values) -> tuple[Step, ...]:
    return tuple(Step(key, value) for value in values)


def press(key: str, times: int = 1) -> tuple[Step, ...]:
    return (Step(key),) * times


SCENARIOS = (
    Scenario("attack?attack=fgsm&eps=0.15", move("attack_eps", 0.18, 0.21, 0.25, 0.3)),
    Scenario("attack?attack=fgsm&eps=0.1&model=cnn_robust&index=3", move("attack_eps", 0.2, 0.3, 0.4)),
    Scenario("attack?attack=pgd&eps=0.2&model=cnn_robust&steps=8&seed=3", move("attack_eps", 0.12, 0.16, 0.24)),
    Scenario("attack?attack=ifgsm&eps=0.1&index=7",
             move("attack_kind", translate("en", "attack.kind_pgd")) + move("attack_eps", 0.14, 0.22)),
    Scenario("attack?attack=targeted_fgsm&eps=0.3&target=3&model=cnn_robust&index=12&layer=conv3",
             move("attack_eps", 0.35, 0.4)),
    Scenario("attack?attack=pgd&eps=0.05&index=25&explain=adversarial_prediction", move("attack_eps", 0.08, 0.11)),
    Scenario("attack?attack=fgsm&eps=0.2&model=mlp_keras&method=integrated_gradients&index=40",
             move("attack_eps", 0.1)),
    Scenario("draw?source=held_out&class=3", move("draw.held_out_class", "8", "1")),
    Scenario("draw?source=held_out&class=7&model=cnn_robust&layer=conv3", press("draw.held_out_another", 3)),
    Scenario("draw?source=held_out&pick=misclassified&model=mlp_keras", press("draw.held_out_another")),
    Scenario("draw?source=held_out&class=5", press("draw.held_out_another", 3)),
    Scenario("draw?source=held_out&class=0&model=cnn&relu=false", move("draw.held_out_class", "4", "9")),
    Scenario("backprop?source=lecture", press("bp_next", 3)),
    Scenario("backprop?source=exercise&seed=42&cycle=1", press("bp_next", 2)),
    Scenario("backprop?source=digits&digit=17", press("bp_next", 2)),
    Scenario("descent?surface=rosenbrock&racers=4&steps=200", move("descent_racer0_lr", "0.002", "0.0005")),
    Scenario("descent?surface=bowl&condition=20&noise=2&seed=5", move("descent_racer1_lr", "0.05")),
    Scenario("descent?surface=himmelblau&lr1=0.02&opt2=adam", move("descent_steps", 150)),
    Scenario("playground?shape=xor&layers=2&w1=6&w2=4", press("pg_step_epoch", 3)),
    Scenario("playground?shape=spiral&act=relu&opt=adam&lr=0.03", press("pg_step_batch") + press("pg_step_epoch", 2)),
)


def shown(run: Run) -> dict:
    """What a run put on the page that depends on its settings: texts, live charts, Plotly charts, tables."""
    page = run.page
    return {
        "texts": page.texts(),
        "live charts": {key: chart["figure"] for key, chart in page.live_charts().items()},
        "plotly charts": page.plotly_charts(),
        "tables": page.dataframes(),
    }


async def take(session: Session, step: Step) -> Run:
    if step.value is None:
        return await session.click(step.key)
    return await session.set_value(step.key, step.value)


async def play(url: str, scenario: Scenario, barrier: asyncio.Barrier | None = None) -> list[Run]:
    """The scenario in a session of its own: every run, from opening the link to the last step (or to the first
    run that shows an exception)."""
    async with Session(url, timeout=RUN_TIMEOUT) as session:
        if barrier is not None:
            await barrier.wait()
        runs = [await session.open(scenario.address)]
        for step in scenario.steps:
            if runs[-1].exceptions or runs[-1].page_not_found:
                break
            runs.append(await take(session, step))
        return runs


async def play_at_once(url: str) -> list[list[Run] | BaseException]:
    """Every scenario in its own session, all connected first and then started at the same moment."""
    barrier = asyncio.Barrier(len(SCENARIOS))
    return await asyncio.gather(*(play(url, scenario, barrier) for scenario in SCENARIOS), return_exceptions=True)


async def play_alone(url: str) -> list[list[Run]]:
    return [await play(url, scenario) for scenario in SCENARIOS]


async def alone_then_together(url: str) -> tuple[list[list[Run]], list[list[list[Run] | BaseException]]]:
    """Every scenario alone, one after the other; then the waves, each on cold caches.

    A lecturer's session stays connected all along, as in a lecture hall: when the last session leaves,
    Streamlit forgets the compiled page scripts, and the next sessions compile them again.
    """
    async with Session(url, timeout=RUN_TIMEOUT) as lecturer:
        await lecturer.open("")
        alone = await play_alone(url)
        waves = []
        for _ in range(WAVES):
            await lecturer.clear_caches()
            waves.append(await play_at_once(url))
    return alone, waves


def brief(value) -> str:
    text = repr(value)
    return text if len(text) <= 140 else text[:140] + "…"


def differences(alone: dict, together: dict) -> list[str]:
    """Which parts of the page differ (at most three of each), named precisely enough to find them."""
    found = []
    for part in alone:
        if alone[part] == together[part]:
            continue
        if isinstance(alone[part], dict):
            keys = sorted(set(alone[part]) | set(together[part]))
            found += [f"{part}: {key} differs" for key in keys if alone[part].get(key) != together[part].get(key)][:3]
        elif len(alone[part]) != len(together[part]):
            found.append(f"{part}: {len(alone[part])} alone, {len(together[part])} together")
        else:
            found += [f"{part}: {brief(a)} alone, {brief(b)} together"
                      for a, b in zip(alone[part], together[part]) if a != b][:3]
    return found


def problems_of(wave: int, scenario: Scenario, alone: list[Run], together: list[Run] | BaseException) -> list[str]:
    """What went wrong in one session: its exceptions, or else the first run whose page differs from the same
    run alone. After an exception the runs that follow differ as a consequence (the page stopped before writing
    its URL, so the next run applies the link again)."""
    name = f"wave {wave}, {scenario.address}"
    if isinstance(together, BaseException):
        return [f"{name}: {type(together).__name__}: {together}"]
    if together[0].page_not_found:
        return [f"{name}: the server did not find the page"]
    exceptions = [f"{name}, run {index}: exception {text}"
                  for index, run in enumerate(together) for text in run.exceptions]
    if exceptions:
        return exceptions
    for index, (run_alone, run_together) in enumerate(zip(alone, together)):
        found = differences(shown(run_alone), shown(run_together))
        if found:
            return [f"{name}, run {index}: {difference}" for difference in found]
    return []


def problems_in(waves: list[list[list[Run] | BaseException]], alone: list[list[Run]]) -> list[str]:
    for scenario, runs in zip(SCENARIOS, alone):
        assert all(not run.exceptions for run in runs), (scenario.address, [run.exceptions for run in runs])
        assert len(runs) == len(scenario.steps) + 1 and not runs[0].page_not_found, scenario.address
    return [problem for wave, together in enumerate(waves, start=1)
            for scenario, runs_alone, runs_together in zip(SCENARIOS, alone, together)
            for problem in problems_of(wave, scenario, runs_alone, runs_together)]


def run_in_own_loop(coroutine):
    """asyncio.run on a thread of its own: the browser tests' Playwright keeps an event loop running on this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def report(problems: list[str], waves: int) -> str:
    return f"{len(problems)} problems in {waves} waves of {len(SCENARIOS)} sessions:\n" + "\n".join(problems)


@pytest.fixture
def server_url():
    process, url = start_server()
    yield url
    stop_server(process)


def test_a_class_arriving_at_a_fresh_server_sees_what_each_sees_alone(server_url):
    """The first sessions of a server just started, all at once: nothing imported, compiled or cached yet."""
    together = run_in_own_loop(play_at_once(server_url))
    alone = run_in_own_loop(play_alone(server_url))
    problems = problems_in([together], alone)
    assert not problems, report(problems, 1)


def test_sessions_at_the_same_moment_show_what_each_shows_alone(server_url):
    alone, waves = run_in_own_loop(alone_then_together(server_url))
    problems = problems_in(waves, alone)
    assert not problems, report(problems, WAVES)

"""Registered user interactions to time, one module per page.

A module here defines `INTERACTIONS: list[Interaction]`; `python -m bench` finds it. The harness
opens `url_path` in one browser session, calls `setup` once, then for every repetition i calls
`prepare(page, i)` if given (untimed: what leads up to the action, e.g. drawing a stroke up to its
end) and times the span from just before `act(page, i)` to the return of `wait_done(page, i)`,
which must block until the updated result is visible (use Playwright waits, e.g.
`expect(...).to_have_text`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page


@dataclass(frozen=True)
class Interaction:
    name: str
    url_path: str
    act: Callable[[Page, int], None]
    wait_done: Callable[[Page, int], None]
    setup: Callable[[Page], None] | None = None
    repetitions: int = 20
    prepare: Callable[[Page, int], None] | None = None


def registered() -> list[Interaction]:
    """Every interaction of every module in this package, in module order."""
    found: list[Interaction] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "INTERACTIONS", []))
    return found

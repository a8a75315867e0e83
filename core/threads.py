"""How many threads torch may use for a block of work (the server runs with one; a long batch job may take all)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run the block with torch limited to count threads, then restore the previous number.

    The number is one setting for the whole process: when it already holds (the server runs on one
    thread, see ui/serve.py), nothing is touched, so sessions running side by side never change it
    under each other.
    """
    previous, wanted = torch.get_num_threads(), max(1, count)
    if previous == wanted:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def all_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

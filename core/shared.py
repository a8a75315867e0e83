"""Results that depend only on their inputs, computed once per server process and shared by every session."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class ComputeOnce:
    """A store of results keyed by their inputs.

    The first caller of a key computes it; callers of the same key meanwhile wait for that one
    computation instead of repeating it, and callers of other keys do not wait at all. Stored
    results are shared read-only. With `max_entries`, the least recently used result goes when
    a new one would exceed it (and is computed again if asked for later).
    """

    def __init__(self, max_entries: int | None = None) -> None:
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()
        self._max_entries = max_entries

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)

    def cached(self, key: Hashable) -> object | None:
        """The stored result, or None when it has not been computed (or has been let go)."""
        return self._lookup(key)[1]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        found, value = self._lookup(key)
        if found:
            return value  # type: ignore[return-value]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found, value = self._lookup(key)
            if not found:
                value = compute()
                self._store(key, value)
        with self._guard:
            self._locks.pop(key, None)
        return value  # type: ignore[return-value]

    def _lookup(self, key: Hashable) -> tuple[bool, object]:
        with self._guard:
            if key not in self._values:
                return False, None
            self._values.move_to_end(key)
            return True, self._values[key]

    def _store(self, key: Hashable, value: object) -> None:
        with self._guard:
            self._values[key] = value
            while self._max_entries is not None and len(self._values) > self._max_entries:
                self._values.popitem(last=False)

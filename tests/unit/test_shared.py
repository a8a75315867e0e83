"""The compute-once store: one computation per key however many sessions ask, and no waiting across keys."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.shared import ComputeOnce


def test_many_callers_of_one_key_share_one_computation():
    store = ComputeOnce()
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.05)
        return object()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: store.get("curves", compute), range(16)))
    assert len(calls) == 1
    assert all(result is results[0] for result in results)
    assert "curves" in store and len(store) == 1


def test_a_caller_of_another_key_does_not_wait_for_a_running_computation():
    store = ComputeOnce()
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(10)
        return "slow"

    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = pool.submit(store.get, "a", slow)
        assert started.wait(10)
        assert store.get("b", lambda: "fast") == "fast"
        assert not pending.done()
        release.set()
        assert pending.result(10) == "slow"


def test_a_failed_computation_is_not_stored_and_can_be_tried_again():
    store = ComputeOnce()

    def broken():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        store.get("k", broken)
    assert "k" not in store
    assert store.get("k", lambda: 3) == 3


def test_a_bounded_store_keeps_the_most_recently_used_results():
    store = ComputeOnce(max_entries=2)
    calls = []

    def compute(key):
        calls.append(key)
        return key

    store.get("a", lambda: compute("a"))
    store.get("b", lambda: compute("b"))
    store.get("a", lambda: compute("a"))
    store.get("c", lambda: compute("c"))
    assert len(store) == 2 and "a" in store and "c" in store and "b" not in store
    assert store.get("b", lambda: compute("b")) == "b"
    assert calls == ["a", "b", "c", "b"]
    assert "a" not in store


def test_cached_gives_a_stored_result_without_computing_it():
    store = ComputeOnce()
    assert store.cached("k") is None
    store.get("k", lambda: 7)
    assert store.cached("k") == 7

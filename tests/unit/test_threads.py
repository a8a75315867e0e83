"""torch's thread count is one setting for the whole process: a block that asks for the count in force leaves it."""

from __future__ import annotations

import torch

from core import threads


def test_asking_for_the_count_in_force_changes_nothing(monkeypatch):
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    current = torch.get_num_threads()
    with threads.torch_threads(current):
        pass
    assert calls == []


def test_another_count_is_set_for_the_block_and_restored():
    before = torch.get_num_threads()
    wanted = 1 if before != 1 else 2
    with threads.torch_threads(wanted):
        assert torch.get_num_threads() == wanted
    assert torch.get_num_threads() == before

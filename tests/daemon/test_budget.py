"""The CPU budget per mail interrupts work that runs past it, and nothing else."""

from __future__ import annotations

import time

import pytest

from daemon.worker.budget import OverBudget, cpu_budget


def spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_work_past_the_budget_is_interrupted():
    started = time.process_time()
    with pytest.raises(OverBudget), cpu_budget(0.2):
        spin(5)
    assert time.process_time() - started < 2  # cut near the budget, not after the 5 s


def test_work_within_the_budget_runs_to_the_end_and_leaves_no_timer_behind():
    with cpu_budget(1.0):
        spin(0.05)
    spin(1.2)  # a timer left running would interrupt this


def test_no_budget_is_no_limit():
    with cpu_budget(0):
        spin(0.05)

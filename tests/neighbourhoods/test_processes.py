"""Tests for neighbourhoods.processes: spawned workers that an error or Ctrl-C stops at once."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from neighbourhoods.processes import stoppable_pool


def test_jobs_run_over_the_iterables_in_order():
    """``submit`` maps a function over the iterables, as map does, one future per job."""
    with stoppable_pool(2) as submit:
        assert [f.result() for f in submit(pow, [2, 3, 4], [3, 2, 1])] == [8, 9, 4]
    assert multiprocessing.active_children() == []


def test_an_error_stops_running_workers_instead_of_waiting():
    """Jobs still running when the block fails are terminated: no worker outlives the block."""
    with pytest.raises(KeyboardInterrupt):
        with stoppable_pool(2) as submit:
            submit(time.sleep, [3600, 3600, 3600])
            raise KeyboardInterrupt
    assert multiprocessing.active_children() == []

"""Tests of roster.studio.jobs: how a background comparison reports its end."""

from __future__ import annotations

import queue
import signal

import roster.comparison.run
from roster.studio import jobs


class _Messages:
    """A stand-in for the child's message queue that keeps what is put."""

    def __init__(self) -> None:
        self.items: queue.SimpleQueue = queue.SimpleQueue()

    def put(self, item: tuple) -> None:
        self.items.put(item)

    def last(self) -> tuple:
        item = None
        while not self.items.empty():
            item = self.items.get()
        return item


def _run(monkeypatch, fail) -> tuple:
    """Run the child's body in this process with ``fail`` standing in for its first step."""
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # keep this process's handlers
    monkeypatch.setattr(roster.comparison.run, "replace_comparison", fail)
    monkeypatch.setattr(jobs, "_stop_asked", jobs.threading.Event())
    messages = _Messages()
    jobs._run_comparison(None, "area", 1, "plan", "b.gpkg", "out", None, messages)
    return messages.last()


def test_a_stop_inside_an_extension_import_is_reported_as_stopped(monkeypatch) -> None:
    """A SIGTERM that an extension's import turns into ImportError still ends the run as stopped."""

    def stopped_mid_import(*_: object, **__: object) -> None:
        jobs._stop_asked.set()
        raise ImportError("initialization failed")

    assert _run(monkeypatch, stopped_mid_import)[0] == "stopped"


def test_an_error_without_a_stop_is_reported_as_failed(monkeypatch) -> None:
    """The same ImportError with no stop asked is a failure, with its message."""

    def broken(*_: object, **__: object) -> None:
        raise ImportError("initialization failed")

    state, stage, _ = _run(monkeypatch, broken)
    assert state == "failed" and "initialization failed" in stage

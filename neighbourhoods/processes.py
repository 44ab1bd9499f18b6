"""Worker processes that Ctrl-C stops at once: spawned ignoring SIGINT, terminated by the parent."""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Let only the parent process handle Ctrl-C (it stops the workers itself), then set up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


@contextmanager
def stoppable_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()
) -> Iterator[Callable[..., list[Future]]]:
    """Run jobs on spawned worker processes that stop within seconds of Ctrl-C or an error.

    Yields a function ``submit(function, *iterables)`` that submits ``function`` over the
    iterables (as :func:`map` would) and returns the futures. Workers ignore SIGINT from birth
    (an ignored signal survives exec; the initializer makes sure), so Ctrl-C prints no
    tracebacks from them; on Ctrl-C or any error in the block the parent cancels waiting jobs
    and terminates running ones, instead of waiting for them as ``shutdown`` would.
    Spawned, not forked: a fork of a process that has already used OR-Tools can deadlock.
    ``initializer(*initargs)`` runs in each worker as it starts (as for ProcessPoolExecutor).
    """
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    )

    def submit(function: Callable[..., Any], *iterables: Any) -> list[Future]:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # workers start on submit
        try:
            return [pool.submit(function, *args) for args in zip(*iterables, strict=True)]
        finally:
            signal.signal(signal.SIGINT, previous)

    try:
        yield submit
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's workers at once: signal every worker first, then wait a little for each.

    A second Ctrl-C meanwhile is ignored (in the main thread), so the stop always completes.
    """
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        # The pool's own table of workers: its manager thread may start a replacement for a
        # worker we stop (seen on Python 3.11), so the table is swept again once that thread
        # has ended.
        table = getattr(pool, "_processes", None) or {}
        manager = getattr(pool, "_executor_manager_thread", None)
        stopped = _end(list(table.values()))
        pool.shutdown(wait=False, cancel_futures=True)
        if manager is not None:
            manager.join(timeout=5)
        _end([p for p in list(table.values()) if p not in stopped])
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


def _end(processes: list) -> list:
    """Terminate processes, wait a little for each, and kill any still alive; return them."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=2)
        if process.is_alive():
            process.kill()
            process.join()  # SIGKILL cannot be ignored: the wait is short and sure
    return processes

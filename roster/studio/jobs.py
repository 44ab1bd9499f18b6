"""Comparisons run for a plan in the background: one spawned process each, with its progress."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from types import MappingProxyType

from roster.scenario import Scenario

logger = logging.getLogger(__name__)

#: Seconds a stopped comparison gets to end its own workers before it is killed.
STOP_GRACE_S = 10


@dataclass(frozen=True)
class RunStatus:
    """Where one comparison run is.

    Attributes
    ----------
    run_id
        The run's folder name under the studio's ``runs/``.
    plan
        The plan compared.
    state
        ``running``, ``finished``, ``failed`` or ``stopped``.
    stage
        What it is doing (or how it ended).
    progress
        Share done, 0 to 1 (visits rostered of the visits to roster).
    saved
        Travel neighbourhood commissioning saves, as a share of framework travel (finished).
    """

    run_id: str
    plan: str
    state: str
    stage: str
    progress: float
    saved: float | None = None


def _mapping_proxy(items: dict) -> MappingProxyType:
    """Rebuild a read-only mapping in the child process."""
    return MappingProxyType(items)


# A scenario's read-only tables (windows, shares, bands) travel to the child as dicts.
ForkingPickler.register(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))


#: Set in the child when it is asked to stop: a Ctrl-C that lands inside an extension
#: module's import comes back as that import's ImportError, still a stop, not a failure.
_stop_asked = threading.Event()


def _stop_on_term(*_: object) -> None:
    """Turn SIGTERM into Ctrl-C, so the comparison stops its own worker processes first."""
    _stop_asked.set()
    raise KeyboardInterrupt


def _run_comparison(
    scenario: Scenario,
    area: str,
    seed: int,
    plan: str,
    boundaries: str,
    out: str,
    cache_dir: str | None,
    messages: multiprocessing.Queue,
) -> None:
    """Run one seed of the comparison for drawn boundaries and write its folder (a child)."""
    signal.signal(signal.SIGTERM, _stop_on_term)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the studio's Ctrl-C stops us through SIGTERM
    try:
        from roster.comparison.run import load_networks, replace_comparison, run_seed
        from roster.comparison.summary import summarise
        from roster.io import OutputFolder
        from roster.report.files import write_outputs

        scenario = replace_comparison(scenario, boundaries=boundaries)
        folder = OutputFolder.check(out, inputs=(boundaries,))
        messages.put(("stage", "loading the road networks", 0))
        networks = load_networks(area, cache_dir, scenario.area)
        messages.put(("stage", "instance, travel and neighbourhoods", 0))

        def progress(description: str, total: int):
            messages.put(("total", description, total))
            return lambda n: messages.put(("advance", description, n))

        run = run_seed(scenario, area, networks, seed, progress=progress, cache_dir=cache_dir)
        messages.put(("stage", "writing the report", 0))
        summary = summarise(scenario, [run])
        from roster import __version__

        manifest = {
            "command": ["roster", "studio"],
            "plan": plan,
            "seed": seed,
            "seeds": [seed],
            "version": __version__,
        }
        with folder.writing(manifest) as temporary:
            write_outputs(temporary, summary, [run])
        messages.put(("done", "finished", -summary.difference.travel_time_relative))
    except KeyboardInterrupt:
        messages.put(("stopped", "stopped", 0))
    except Exception as error:  # reported to the page; the studio keeps running
        if _stop_asked.is_set():
            messages.put(("stopped", "stopped", 0))
            return
        logger.exception("comparison failed")
        messages.put(("failed", f"{type(error).__name__}: {error}", 0))


class ComparisonJob:
    """A comparison running in a spawned process; a thread reads its progress.

    Parameters
    ----------
    run_id, plan
        The run's folder name and the plan compared.
    scenario, area, seed, cache_dir
        What the comparison runs on (the studio's own).
    boundaries
        The plan's saved GeoPackage.
    out
        The run's folder (written as a unit when the run finishes).
    """

    def __init__(
        self,
        run_id: str,
        plan: str,
        scenario: Scenario,
        area: str,
        seed: int,
        boundaries: Path,
        out: Path,
        cache_dir: str | None,
    ) -> None:
        self.run_id, self.plan, self.out = run_id, plan, out
        self._lock = threading.Lock()
        self._state, self._stage, self._done, self._total = "running", "starting", 0, 0
        self._saved: float | None = None
        context = multiprocessing.get_context("spawn")
        self._messages = context.Queue()
        self._process = context.Process(
            target=_run_comparison,
            args=(scenario, area, seed, plan, str(boundaries), str(out), cache_dir, self._messages),
            daemon=False,
        )
        self._process.start()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Follow the child's messages until it ends."""
        while True:
            try:
                kind, text, value = self._messages.get(timeout=0.5)
            except queue.Empty:
                if not self._process.is_alive():
                    with self._lock:
                        if self._state == "running":
                            self._state, self._stage = "failed", "the comparison process died"
                    return
                continue
            with self._lock:
                if kind == "stage":
                    self._stage = text
                elif kind == "total":
                    self._stage, self._total, self._done = text, int(value), 0
                elif kind == "advance":
                    self._done += int(value)
                else:
                    self._state, self._stage = {"done": "finished"}.get(kind, kind), text
                    self._saved = float(value) if kind == "done" else None
                    return

    def status(self) -> RunStatus:
        """Where the run is now."""
        with self._lock:
            progress = 1.0 if self._state == "finished" else self._done / max(self._total, 1)
            return RunStatus(
                self.run_id, self.plan, self._state, self._stage, round(progress, 3), self._saved
            )

    def stop(self) -> None:
        """Stop the run (its workers first) and wait for its process to end."""
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(STOP_GRACE_S)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        with self._lock:
            if self._state == "running":
                self._state, self._stage = "stopped", "stopped"
        self._reader.join(2)


def finished_runs(runs: Path) -> list[RunStatus]:
    """Return the runs finished before, from their folders under ``runs`` (newest first)."""
    found = []
    for folder in sorted(runs.glob("*/summary.json"), key=os.path.getmtime, reverse=True):
        try:
            data = json.loads(folder.read_text(encoding="utf-8"))
            saved = -float(data["difference"]["travel_time_relative"])
            manifest = json.loads((folder.parent / "manifest.json").read_text(encoding="utf-8"))
            plan = str(manifest.get("plan", folder.parent.name))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.append(RunStatus(folder.parent.name, plan, "finished", "finished", 1.0, saved))
    return found


def run_folder_name(plan_slug: str, taken: set[str]) -> str:
    """Return a new run folder name: ``<plan>-<date-time>``, with a counter if needed."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name, k = f"{plan_slug}-{stamp}", 1
    while name in taken:
        k += 1
        name = f"{plan_slug}-{stamp}-{k}"
    return name

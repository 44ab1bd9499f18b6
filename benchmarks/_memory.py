"""Memory of a benchmark run: this process and every process under it, sampled in a thread."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


class MemorySampler:
    """Samples, every ``every_s``, the memory of this process and every process under it.

    ``peak_gb`` is the largest sum of their proportional set sizes seen (a shared page counts
    once over all of them: the whole run's footprint), ``peak_at_s`` when it was seen (seconds
    from the start), ``main_gb`` the largest resident size of this process alone.
    """

    def __init__(self, every_s: float = 1.0) -> None:
        self.every_s, self.began = every_s, time.perf_counter()
        self.peak_gb = self.peak_at_s = self.main_gb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        """Start counting peaks again (between runs)."""
        self.began = time.perf_counter()
        self.peak_gb = self.peak_at_s = self.main_gb = 0.0

    def now_s(self) -> float:
        """Seconds since the start (or the last reset)."""
        return time.perf_counter() - self.began

    def stop(self) -> None:
        """End the sampling thread."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            pss = sum(_kilobytes(pid, "Pss") for pid in _tree(os.getpid())) / 2**20
            if pss > self.peak_gb:
                self.peak_gb, self.peak_at_s = pss, time.perf_counter() - self.began
            self.main_gb = max(self.main_gb, _kilobytes(os.getpid(), "Rss") / 2**20)


def _tree(root: int) -> list[int]:
    """Return ``root`` and every process under it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _kilobytes(pid: int, field: str) -> int:
    """One field of a process's ``smaps_rollup`` in kB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0

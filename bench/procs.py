"""The daemon's process tree from /proc: the peak memory of each role, and the CPU used.

Children are found through /proc/<pid>/task/*/children (no psutil), sampled
while the benchmark runs and once just before stop, since a supervisor may
restart a child and the peak of the one that died must not be lost.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bench import contract


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def tree(root: int) -> list[int]:
    """root and all its descendants that exist now."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if Path(f"/proc/{pid}").exists():
            found.append(pid)
            todo += children(pid)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmHWM, VmRSS) in KiB; (0, 0) for a process that is gone."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return values.get("VmHWM", 0), values.get("VmRSS", 0)


def cpu_seconds(pid: int) -> float:
    """utime + stime so far; 0 for a process that is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def roles(root: int) -> dict[int, str]:
    """pid -> role name, for the daemon's tree now."""
    root_cmd = cmdline(root)
    return {pid: contract.role_of(pid, root, cmdline(pid), root_cmd, comm(pid))
            for pid in tree(root)}


@dataclass
class Peak:
    hwm_kib: int = 0
    pids: set[int] = field(default_factory=set)


class TreeSampler:
    """Samples the tree every `interval` s in a thread: `peaks` is role -> Peak, and
    `cpu_seconds()` what the tree used while sampled (children born later: all of it)."""

    def __init__(self, root: int, interval: float = 0.5):
        self.root = root
        self.interval = interval
        self.peaks: dict[str, Peak] = {}
        self.cpu: dict[int, list[float]] = {pid: [cpu_seconds(pid)] * 2 for pid in tree(root)}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()  # just before the daemon stops

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        for pid, role in roles(self.root).items():
            hwm, rss = memory_kib(pid)
            peak = self.peaks.setdefault(role, Peak())
            peak.hwm_kib = max(peak.hwm_kib, hwm, rss)
            peak.pids.add(pid)
            used = cpu_seconds(pid)
            entry = self.cpu.setdefault(pid, [0.0, 0.0])  # a child started since: from 0
            entry[1] = max(used, entry[1])

    def cpu_seconds(self) -> float:
        return sum(last - first for first, last in self.cpu.values())


def merge(into: dict[str, Peak], more: dict[str, Peak]) -> None:
    for role, peak in more.items():
        mine = into.setdefault(role, Peak())
        mine.hwm_kib = max(mine.hwm_kib, peak.hwm_kib)
        mine.pids |= peak.pids

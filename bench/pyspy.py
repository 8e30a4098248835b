"""Where a message's time goes: py-spy on every daemon process, samples folded into stages.

`py-spy record -f raw --nonblocking` runs on each process of the daemon's tree
(attached as children appear). It keeps only samples of threads that were
running, so a stage's samples x 10 ms is its CPU-ish time; `idle` is what is
left of one core per process over the recording. Stages come from the table
`contract.STAGES`, so moving the daemon's modules means editing that table only.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from bench import contract, procs

PYSPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")


def frame_file(frame: str) -> str:
    """`func (daemon/pipeline.py:42)` -> `daemon/pipeline.py`."""
    inner = frame[frame.rfind("(") + 1:]
    return inner[:inner.rfind(":")] if ":" in inner else inner


def stage_of(files: list[str]) -> str:
    for stage, patterns in contract.STAGES:
        if any(fnmatch(f, p) for f in files for p in patterns):
            return stage
    return "other"


@dataclass
class Recording:
    pid: int
    role: str
    out: Path
    proc: subprocess.Popen
    started: float
    seconds: float = 0.0


@dataclass
class Breakdown:
    rate: int
    messages: int
    stages: Counter = field(default_factory=Counter)  # stage -> busy samples
    idle: float = 0.0  # samples of one core per process left over
    other_files: Counter = field(default_factory=Counter)  # innermost file of `other`
    processes: list[tuple[str, int, float, int]] = field(default_factory=list)
    # (role, pid, seconds recorded, busy samples)

    def ms_per_message(self, samples: float) -> float:
        return samples * 1000 / self.rate / max(1, self.messages)


class Profiler:
    """Context manager: py-spy on the tree of `root` while the block runs."""

    def __init__(self, root: int, folder: Path, rate: int = 100):
        self.root, self.folder, self.rate = root, folder, rate
        self.recordings: dict[int, Recording] = {}
        self.failed: Counter = Counter()  # pid -> attach attempts that failed
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Profiler:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._attach_new()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        for r in self.recordings.values():
            if r.proc.poll() is None:
                r.seconds = time.monotonic() - r.started
                r.proc.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        for r in self.recordings.values():
            try:
                r.proc.wait(60)
            except subprocess.TimeoutExpired:
                r.proc.kill()
                r.proc.wait()

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for pid, r in list(self.recordings.items()):
                if r.seconds or r.proc.poll() is None:
                    continue
                if not r.out.exists() and Path(f"/proc/{pid}").exists():
                    self.failed[pid] += 1  # attached too early to a new child: again
                    if self.failed[pid] < 3:
                        del self.recordings[pid]
                else:  # the process exited, and py-spy with it
                    r.seconds = time.monotonic() - r.started
            self._attach_new()

    def _attach_new(self) -> None:
        for pid, role in procs.roles(self.root).items():
            if pid in self.recordings:
                continue
            out = self.folder / f"{pid}.txt"
            log = open(self.folder / f"{pid}.log", "wb")
            proc = subprocess.Popen([PYSPY, "record", "--pid", str(pid), "-f", "raw",
                                     "--nonblocking", "-r", str(self.rate), "-o", str(out)],
                                    stdout=log, stderr=subprocess.STDOUT)
            log.close()
            self.recordings[pid] = Recording(pid, role, out, proc, time.monotonic())

    def breakdown(self, messages: int) -> Breakdown:
        b = Breakdown(self.rate, messages)
        for r in self.recordings.values():
            busy = self._fold(r.out, b)
            b.processes.append((r.role, r.pid, r.seconds, busy))
            b.idle += max(0.0, r.seconds * self.rate - busy)
        if not any(busy for *_, busy in b.processes):
            logs = [(self.folder / f"{pid}.log").read_text(errors="replace")[-500:]
                    for pid in self.recordings]
            raise RuntimeError("py-spy recorded nothing:\n" + "\n".join(logs))
        return b

    @staticmethod
    def _fold(path: Path, b: Breakdown) -> int:
        """Add one raw file's samples to the stages; returns its sample count."""
        total = 0
        if not path.exists():
            return 0
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            files = [frame_file(f) for f in stack.split(";")]
            stage = stage_of(files)
            b.stages[stage] += int(count)
            if stage == "other":
                b.other_files[files[-1]] += int(count)
            total += int(count)
        return total

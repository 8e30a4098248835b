"""A CPU quota that stands in for a host of its own: a cgroup a daemon's processes run in.

Two daemons on one PostgreSQL are meant to run on two hosts. On this machine
they share two cores with the database, the load generator and the relay, so
with one daemon already keeping ~1.5 cores busy, two can only show what the
cores allow, not whether anything serialises them. Giving each daemon a quota
(e.g. half a core, the same for one daemon and for two) makes each its own
small host: the database, the clients and the relay stay outside the quotas,
as they are on other hosts in production. The daemon's supervisor joins the
cgroup before it execs, so every process it forks (zygote, worker, sender,
housekeeper) is counted in it. Needs root and a writable cgroup file system
(v1 `cpu` controller or v2 `cpu.max`).
"""

from __future__ import annotations

import os
from pathlib import Path

V1 = Path("/sys/fs/cgroup/cpu")
ACCT_V1 = Path("/sys/fs/cgroup/cpuacct")
V2 = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


class HostError(RuntimeError):
    pass


class Host:
    """One cgroup limited to `cpus` cores; `join()` (in the child, before exec) moves the
    calling process into it; `usage()` is the CPU-seconds its processes have used."""

    def __init__(self, name: str, cpus: float):
        self.cpus = cpus
        quota = int(cpus * PERIOD_US)
        if (V2 / "cgroup.controllers").exists():
            self.path = V2 / name
            self._make()
            (self.path / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            self._usage = self._usage_v2
        elif (V1 / "cpu.cfs_quota_us").exists() and (ACCT_V1 / "cpuacct.usage").exists():
            self.path = V1 / name
            self._make()
            (self.path / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.path / "cpu.cfs_quota_us").write_text(str(quota))
            self._accounting = ACCT_V1 / name  # v1: accounting is its own hierarchy here
            self._accounting.mkdir(exist_ok=True)
            self._usage = self._usage_v1
        else:
            raise HostError("no cgroup cpu controller to write to (/sys/fs/cgroup/cpu or a "
                            "cgroup2 mount with cpu.max): run without --host-cpus")
        self._procs = [str(self.path / "cgroup.procs")]
        if self._usage == self._usage_v1:
            self._procs.append(str(self._accounting / "cgroup.procs"))

    def _make(self) -> None:
        try:
            self.path.mkdir(exist_ok=True)
        except OSError as exc:
            raise HostError(f"cannot make the cgroup {self.path}: {exc} (needs root and a "
                            "writable cgroup file system): run without --host-cpus") from exc

    def join(self) -> None:
        """Called between fork and exec: only os-level calls."""
        for procs in self._procs:
            fd = os.open(procs, os.O_WRONLY)
            try:
                os.write(fd, b"0")  # 0: the writing process itself
            finally:
                os.close(fd)

    def usage(self) -> float:
        return self._usage()

    def _usage_v1(self) -> float:
        return int((self._accounting / "cpuacct.usage").read_text()) / 1e9

    def _usage_v2(self) -> float:
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        return int(stat["usage_usec"]) / 1e6

    def throttled(self) -> float:
        """Seconds the quota held the host's processes back (they wanted more)."""
        stat = dict(line.split() for line in (self.path / "cpu.stat").read_text().splitlines())
        if "throttled_usec" in stat:
            return int(stat["throttled_usec"]) / 1e6
        return int(stat.get("throttled_time", 0)) / 1e9

    def remove(self) -> None:
        """The cgroup goes once its processes have; one still in it is left for the OS."""
        for path in (self.path, getattr(self, "_accounting", None)):
            try:
                if path is not None:
                    path.rmdir()
            except OSError:
                pass

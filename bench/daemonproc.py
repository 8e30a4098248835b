"""`ticketd run` started as a user would, in a temp folder, and waited on by its state.

Every wait watches a count and fails when it stops moving (not after a fixed
time), naming what did not happen, with the tail of the daemon's log.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import contract
from bench.hosts import Host


class BenchError(RuntimeError):
    pass


class Daemon:
    def __init__(self, config: str | Callable[[Path], str], prefix: str = "ticketd-bench-",
                 host: Host | None = None):
        """`config` is the config's text, or makes it from the folder (for secret files);
        `host`: a CPU quota the daemon and every process it forks run in (bench/hosts.py)."""
        self.host = host
        self.folder = Path(tempfile.mkdtemp(prefix=prefix))
        self.config = self.folder / "config.toml"
        self.config.write_text(config(self.folder) if callable(config) else config)
        self.log = self.folder / "daemon.log"
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self, timeout: float = 60.0) -> Daemon:
        with open(self.log, "wb") as logf:  # the child keeps its own copy of the fd
            self.proc = subprocess.Popen(contract.ticketd(self.config, "run"),
                                         cwd=self.folder, stdout=logf,
                                         stderr=subprocess.STDOUT, env=contract.env(),
                                         preexec_fn=self.host.join if self.host else None)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.port = contract.smtp_port(self.log_text())
            if self.port:
                return self
            self.check_alive("start")
            time.sleep(0.02)
        raise BenchError(f"the daemon did not report its SMTP port within {timeout:.0f} s\n"
                         + self.tail())

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    def tail(self, lines: int = 25) -> str:
        return "--- daemon log (tail) ---\n" + "\n".join(self.log_text().splitlines()[-lines:])

    def check_alive(self, doing: str) -> None:
        if self.proc.poll() is not None:
            raise BenchError(f"the daemon exited with {self.proc.returncode} during {doing}\n"
                             + self.tail())

    def wait_for(self, what: str, probe: Callable[[], int], target: int,
                 stall: float = 60.0, interval: float = 0.05) -> float:
        """perf_counter() when probe() >= target; fails after `stall` s without progress."""
        last, moved = -1, time.monotonic()
        while True:
            value = probe()
            if value >= target:
                return time.perf_counter()
            if value != last:
                last, moved = value, time.monotonic()
            elif time.monotonic() - moved > stall:
                raise BenchError(f"{what}: stuck at {value} of {target} for {stall:.0f} s\n"
                                 + self.tail())
            self.check_alive(what)
            time.sleep(interval)

    def stop(self, timeout: float = 60.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise BenchError(f"the daemon did not stop within {timeout:.0f} s of SIGTERM\n"
                             + self.tail()) from None

    def cleanup(self) -> None:
        """Stop and remove the folder; a stop that fails is printed, not raised over the
        error that brought us here."""
        try:
            self.stop()
        except BenchError as exc:
            print(f"warning: {exc}", flush=True)
        shutil.rmtree(self.folder, ignore_errors=True)

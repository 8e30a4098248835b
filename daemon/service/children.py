"""The supervisor's children: start them, wake them, watch them, restart the ones that die.

A child that exits, or says nothing for `[daemon] hang_seconds` (it sends a
byte every round), is restarted after a short pause, and the leases it held
are freed at once so its mail is not stuck until they run out. Past
`restart_limit` restarts in ten minutes something is wrong beyond one mail:
the supervisor gives up, exiting non-zero so systemd starts ticketd afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable

from daemon.service.sdnotify import child_environment
from daemon.service.zygote import Zygote

log = logging.getLogger("ticketd.supervisor")

RESTART_WINDOW = 600.0
FIRST_PAUSE, MAX_PAUSE = 0.5, 30.0


class ForkedProcess:
    """A child the zygote forked, seen as asyncio sees a subprocess: pid, stdin, stdout,
    wait(), returncode, send_signal(), kill(). Its exit is noticed through a pidfd and
    its status read with waitpid: it is this process's child (see zygote.py)."""

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self.stdin: asyncio.StreamWriter | None = None
        self.stdout = asyncio.StreamReader()
        self._exited = asyncio.get_running_loop().create_future()

    async def open(self, stdin_fd: int, stdout_fd: int) -> ForkedProcess:
        loop = asyncio.get_running_loop()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(self.stdout),
                                     os.fdopen(stdout_fd, "rb", 0))
        transport, protocol = await loop.connect_write_pipe(
            asyncio.streams.FlowControlMixin, os.fdopen(stdin_fd, "wb", 0))
        self.stdin = asyncio.StreamWriter(transport, protocol, None, loop)
        self._pidfd = os.pidfd_open(self.pid)
        loop.add_reader(self._pidfd, self._reap)
        return self

    def _reap(self) -> None:
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return
        asyncio.get_running_loop().remove_reader(self._pidfd)
        os.close(self._pidfd)
        self.returncode = os.waitstatus_to_exitcode(status)  # -N: killed by signal N
        self.stdin.close()
        self._exited.set_result(self.returncode)

    async def wait(self) -> int:
        return await asyncio.shield(self._exited)

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Child:
    def __init__(self, role: str, index: str = ""):
        self.role, self.index = role, index
        self.name = f"{role}-{index}" if index else role
        self.proc: ForkedProcess | None = None
        self.last_heard = 0.0
        self.pause = 0.0
        self.started = 0.0
        self.ready = asyncio.Event()  # it has gone round its loop once

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def wake(self) -> None:
        if self.proc and self.proc.stdin and not self.proc.stdin.is_closing():
            with contextlib.suppress(ConnectionError, RuntimeError):
                self.proc.stdin.write(b"w")


class Children:
    def __init__(self, zygote: Zygote, workers: int, hang_seconds: int, restart_limit: int,
                 on_exit: Callable[[Child, int], None]):
        self.zygote = zygote
        self.hang_seconds, self.restart_limit = hang_seconds, restart_limit
        self.on_exit = on_exit  # (child, pid): free what the dead process held
        self.all = [Child("worker", str(i + 1)) for i in range(workers)]
        self.all += [Child("sender"), Child("housekeeper")]
        self.restarts: deque[float] = deque()
        self.restarted: Counter[str] = Counter()  # role -> restarts since start (metrics)
        self.stopping = False
        self.gave_up = asyncio.Event()  # too many restarts: ticketd should exit as a whole
        self.tasks: list[asyncio.Task] = []

    @property
    def workers(self) -> list[Child]:
        return [c for c in self.all if c.role == "worker"]

    def wake_workers(self) -> None:
        for c in self.workers:
            c.wake()

    def wake_sender(self) -> None:
        for c in self.all:
            if c.role == "sender":
                c.wake()

    async def start_all(self, timeout: float = 60.0) -> None:
        """Start every child and wait until each has gone round its loop once."""
        for child in self.all:
            await self._spawn(child)
        try:
            await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in self.all)), timeout)
        except TimeoutError:
            slow = ", ".join(c.name for c in self.all if not c.ready.is_set())
            log.warning("%s not up after %.0f s; carrying on", slow, timeout)

    async def _spawn(self, child: Child) -> None:
        try:
            pid, stdin_fd, stdout_fd = self.zygote.spawn(child.role, child.index)
            child.proc = await ForkedProcess(pid).open(stdin_fd, stdout_fd)
        except (OSError, RuntimeError) as exc:  # the zygote is gone: a new interpreter
            if self.zygote.usable:
                log.error("cannot fork %s from the zygote (%s): starting children as new "
                          "processes from now on", child.name, exc)
                self.zygote.usable = False
            child.proc = await self._exec(child)
        child.started = child.last_heard = time.monotonic()
        self.tasks.append(asyncio.create_task(self._listen(child, child.proc)))

    async def _exec(self, child: Child) -> asyncio.subprocess.Process:
        cmd = [sys.executable, "-m", "daemon", "-c", self.zygote.config_path, "child",
               child.role] + ([child.index] if child.index else [])
        return await asyncio.create_subprocess_exec(
            *cmd, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env=child_environment())  # only the main process speaks to systemd

    async def _listen(self, child: Child, proc) -> None:
        """Read the child's bytes until it exits; then restart it unless we are stopping."""
        while True:
            data = await proc.stdout.read(4096)
            if not data:
                break
            child.last_heard = time.monotonic()
            child.ready.set()
            if b"o" in data:
                self.wake_sender()
        code = await proc.wait()
        if self.stopping:
            return
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        await asyncio.get_running_loop().run_in_executor(None, self.on_exit, child, proc.pid)
        await self._restart(child, how)

    async def _restart(self, child: Child, how: str) -> None:
        now = time.monotonic()
        self.restarts.append(now)
        self.restarted[child.role] += 1
        while self.restarts and now - self.restarts[0] > RESTART_WINDOW:
            self.restarts.popleft()
        if len(self.restarts) > self.restart_limit:
            log.error("%s %s; %d restarts in %d min is too many: stopping ticketd",
                      child.name, how, len(self.restarts), RESTART_WINDOW // 60)
            self.gave_up.set()
            return
        ran = now - child.started
        child.pause = FIRST_PAUSE if ran > 60 or not child.pause else min(MAX_PAUSE,
                                                                          child.pause * 2)
        log.error("%s (pid %s) %s; restarting it in %.1f s", child.name, child.pid, how,
                  child.pause)
        await asyncio.sleep(child.pause)
        if not self.stopping:
            await self._spawn(child)

    async def watch(self) -> None:
        """Kill a child that has said nothing for hang_seconds: it is stuck, not busy."""
        while not self.stopping:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            for child in self.all:
                proc = child.proc
                if proc and proc.returncode is None and \
                        now - child.last_heard > self.hang_seconds:
                    log.error("%s (pid %s) has said nothing for %d s: killing it", child.name,
                              proc.pid, now - child.last_heard)
                    child.last_heard = now
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()

    async def stop_all(self, timeout: float = 30.0) -> None:
        """SIGTERM to every child (each finishes its batch), SIGKILL after `timeout`."""
        self.stopping = True
        procs = [c.proc for c in self.all if c.proc and c.proc.returncode is None]
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), timeout)
        except TimeoutError:
            for proc in procs:
                if proc.returncode is None:
                    log.error("child pid %s did not stop within %.0f s: killing it", proc.pid,
                              timeout)
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
            await asyncio.gather(*(p.wait() for p in procs))
        for task in self.tasks:
            task.cancel()

    def signal_all(self, sig: int) -> None:
        for c in self.all:
            if c.proc and c.proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(c.proc.pid, sig)

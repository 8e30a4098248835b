"""`python -m daemon ARGS` for the tests' daemons and CLI calls, forked from a warm interpreter.

The suite starts about 250 daemons and runs about 1,000 CLI commands a pass; a new
interpreter importing ticketd costs ~0.3 CPU-second, which on CI's two cores was a third
of the suite's time. So each test worker starts one server here that imports ticketd
once and then forks a child per command. The child is given the argv, working directory,
environment and standard streams it asked for, and runs `daemon.__main__` as
`python -m daemon` would: its exit status, signals, /proc entries, children and title
are those of a real process (the server waits for it and reports its status).

What a fresh interpreter itself does (imports, a missing driver, sys.executable) stays
tested by the tests that run `[sys.executable, "-m", "daemon", ...]` or the console
script themselves. TICKETD_TEST_FORKSERVER=0 runs everything as new interpreters.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ENABLED = os.environ.get("TICKETD_TEST_FORKSERVER", "1") != "0"
PRELOAD = ("daemon.cli.main", "daemon.cli.parser", "daemon.cli.run", "daemon.cli.tickets",
           "daemon.cli.ticket_reads", "daemon.cli.ticket_views", "daemon.cli.status",
           "daemon.cli.outbox", "daemon.cli.quarantine", "daemon.cli.mail",
           "daemon.cli.check", "daemon.cli.ingest", "daemon.cli.migrate",
           "daemon.service.supervisor", "daemon.service.zygote")
MAX_MESSAGE = 1 << 20


# --- the server (its own process: `python forkserver.py FD`) -------------------------------

def serve(sock: socket.socket) -> None:
    """Preload, then fork a child per request and report each child's exit, until EOF."""
    import importlib

    import setproctitle

    # first, while the environment is still where it started: setproctitle takes over the
    # argv and environ area then, and the children change their titles in it
    setproctitle.setproctitle("ticketd-tests fork server")

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # a module renamed: the child imports what it needs itself
            pass
    try:
        import psycopg2  # noqa: F401  (the PostgreSQL pass)
    except ImportError:
        pass
    import gc

    gc.collect()
    gc.freeze()  # the children's pages stay shared
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    sock.send(b'{"ready": true}')
    while True:
        ready, _, _ = select.select([sock, wake_r], [], [])
        if wake_r in ready:
            os.read(wake_r, 4096)
            _report_exits(sock)
        if sock in ready:
            try:
                data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 3)
            except ConnectionError:
                return
            if not data:
                return
            request = json.loads(data)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(wake_r)
                os.close(wake_w)
                _child(sock, request, fds)  # never returns
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": pid}).encode())


def _report_exits(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        sock.send(json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}).encode())


def _child(sock: socket.socket, request: dict, fds: list[int]) -> None:
    """Become `python -m daemon ARGS` with the given streams, cwd and environment."""
    code = 1
    try:
        sock.close()
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL if sig != signal.SIGPIPE else signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _standard_streams(unbuffered=bool(request["env"].get("PYTHONUNBUFFERED")))
        import random

        import setproctitle

        random.seed()  # not the server's sequence in every child
        setproctitle.setproctitle(" ".join([sys.executable, "-m", "daemon", *request["args"]]))
        import gc
        import runpy

        gc.unfreeze()
        sys.path.insert(0, request["cwd"])  # as `python -m` puts the working directory first
        sys.argv = ["-m", *request["args"]]
        try:
            runpy.run_module("daemon", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
    finally:
        os._exit(code)


def _standard_streams(unbuffered: bool) -> None:
    """New sys.std* on fds 0-2, buffered as a new interpreter would buffer them."""
    encoding = sys.stdout.encoding if sys.stdout else "utf-8"

    def writer(fd: int, errors: str) -> io.TextIOWrapper:
        binary = open(fd, "wb", buffering=0 if unbuffered else -1, closefd=False)
        return io.TextIOWrapper(binary, encoding=encoding, errors=errors,
                                line_buffering=os.isatty(fd), write_through=unbuffered)

    sys.stdin = sys.__stdin__ = io.TextIOWrapper(open(0, "rb", closefd=False),
                                                 encoding=encoding)
    sys.stdout = sys.__stdout__ = writer(1, "strict")
    sys.stderr = sys.__stderr__ = writer(2, "backslashreplace")


# --- the client (in the test worker) ----------------------------------------------------

class ForkedProcess:
    """What the tests use of subprocess.Popen: pid, returncode, poll, wait, send_signal, kill."""

    def __init__(self, server: Server, pid: int):
        self.server, self.pid = server, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.server.exit_code(self.pid, timeout=0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            code = self.server.exit_code(self.pid, timeout)
            if code is None:
                raise subprocess.TimeoutExpired("ticketd", timeout)
            self.returncode = code
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Server:
    """One per test worker, started on first use."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__),
                                      str(theirs.fileno())], pass_fds=[theirs.fileno()])
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()
        self.exits: dict[int, int] = {}
        self.replies: list[dict] = []
        self._next(lambda m: m.get("ready"), timeout=60)

    def _next(self, wanted, timeout: float | None) -> dict | None:
        """Read messages (noting exits on the way) until one is `wanted`, or time is up."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.replies):
                if wanted(m):
                    return self.replies.pop(i)
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self.sock], [], [], left)[0]:
                return None
            data = self.sock.recv(MAX_MESSAGE)
            if not data:
                raise RuntimeError("the test fork server has gone")
            message = json.loads(data)
            if "exit" in message:
                self.exits[message["exit"]] = message["code"]
            else:
                self.replies.append(message)

    def spawn(self, args: list[str], cwd, env: dict, stdin: int, stdout: int,
              stderr: int) -> ForkedProcess:
        request = json.dumps({"args": list(args), "cwd": str(cwd), "env": dict(env)})
        with self.lock:
            socket.send_fds(self.sock, [request.encode()], [stdin, stdout, stderr])
            reply = self._next(lambda m: "pid" in m, timeout=60)
        if reply is None:
            raise RuntimeError("the test fork server did not answer")
        return ForkedProcess(self, reply["pid"])

    def exit_code(self, pid: int, timeout: float | None) -> int | None:
        """The child's exit code once the server has reported it; None if not within timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        step = 0.0  # first take only what has arrived
        while True:
            with self.lock:
                self._next(lambda m: False, timeout=step)
            if pid in self.exits:
                return self.exits.pop(pid)
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            step = 0.05 if left is None else min(0.05, left)

    def close(self) -> None:
        self.sock.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_server: Server | None = None


def server() -> Server:
    global _server
    if _server is None:
        _server = Server()
        atexit.register(close)
    return _server


def close() -> None:
    global _server
    if _server is not None:
        _server.close()
        _server = None


def popen(args: list[str], cwd, env: dict, log) -> ForkedProcess | subprocess.Popen:
    """Popen(["python", "-m", "daemon", *args], stdin=DEVNULL, stdout=log, stderr=STDOUT)
    through the server."""
    if not ENABLED:
        return subprocess.Popen([sys.executable, "-m", "daemon", *args], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    with open(os.devnull, "rb") as null:
        return server().spawn(args, cwd, env, null.fileno(), log.fileno(), log.fileno())


def run(args: list[str], cwd, input: bytes | None = None, timeout: float = 120
        ) -> subprocess.CompletedProcess:
    """subprocess.run(["python", "-m", "daemon", *args], capture_output=True, ...)."""
    if not ENABLED:
        return subprocess.run([sys.executable, "-m", "daemon", *args], cwd=cwd, input=input,
                              capture_output=True, timeout=timeout)
    with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, \
            tempfile.TemporaryFile() as ferr:
        fin.write(input or b"")
        fin.seek(0)
        p = server().spawn(args, cwd, os.environ, fin.fileno(), fout.fileno(), ferr.fileno())
        try:
            code = p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise
        fout.seek(0)
        ferr.seek(0)
        return subprocess.CompletedProcess(args, code, fout.read(), ferr.read())


if __name__ == "__main__":
    fd = int(sys.argv[1])
    sys.argv[1:] = []
    del sys.path[0]  # this folder: tests/parsers is not ticketd's parsers
    serve(socket.socket(fileno=fd))

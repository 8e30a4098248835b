"""The children of `ticketd run`, forked from a process that has imported them already.

Started as `python -m daemon child ROLE`, each child was a new interpreter
importing ticketd afresh: about half a CPU-second, four times or more a
start and again at every restart. The zygote is forked from the supervisor
before any thread, event loop or database connection exists; it imports
what the children run and then only forks, one child per request, so a
child's start costs a fork and its own config and database connection.

A request is a line "ROLE INDEX" on a Unix socket; the answer is the child's
pid, with its two pipes (stdin for wake-ups, stdout for its heartbeat) as
passed file descriptors. The child is forked twice and its middle parent
exits at once: it becomes the supervisor's own child (the supervisor is a
subreaper), so the supervisor waits for it and reads its exit status as for
any child process. Its title reads `ticketd child ROLE INDEX`, which is what
`ps` and the tests look for. When the supervisor goes, the socket's end
stops the zygote; each child stops at the end of its stdin, as before.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import socket
import sys

from daemon.service.sdnotify import child_environment

PR_SET_CHILD_SUBREAPER = 36
SPAWN_TIMEOUT = 10.0  # a fork takes milliseconds; a stopped zygote is given up on
# What the children run, imported once here instead of in each of them.
PRELOAD = ("daemon.service.child", "daemon.worker.pipeline", "daemon.notices.outbox",
           "daemon.service.app", "daemon.tickets.housekeeping", "daemon.clock")


def become_subreaper() -> None:
    """Orphans below this process (the zygote's grandchildren) become its children."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


class Zygote:
    """The supervisor's end: start() once, early; spawn() for each child; close() at the end."""

    def __init__(self, config_path: str):
        self.config_path = config_path
        self.sock: socket.socket | None = None
        self.pid = 0
        self.usable = True  # until a spawn fails: the supervisor then execs its children

    def start(self) -> None:
        become_subreaper()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the zygote
            ours.close()
            code = 1
            try:
                code = serve(theirs, self.config_path)
            finally:
                os._exit(code)
        theirs.close()
        ours.settimeout(SPAWN_TIMEOUT)  # a zygote gone wrong must not stall the supervisor
        self.sock, self.pid = ours, pid

    def spawn(self, role: str, index: str = "") -> tuple[int, int, int]:
        """A new child: (pid, the write end of its stdin, the read end of its stdout)."""
        if not self.usable or self.sock is None:
            raise RuntimeError("the zygote is not running")
        self.sock.sendall(f"{role} {index}\n".encode())
        data, fds, _, _ = socket.recv_fds(self.sock, 64, 2)
        if not data or len(fds) != 2:
            raise RuntimeError("the zygote has gone: cannot start " + role)
        return int(data), fds[0], fds[1]

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)


def serve(sock: socket.socket, config_path: str) -> int:
    """The zygote: import, then fork a child per request until the supervisor has gone."""
    import importlib

    from setproctitle import setproctitle

    # ^C or a hangup is the supervisor's to act on; it stops us by closing the socket
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    setproctitle("ticketd zygote")
    for name in PRELOAD:
        importlib.import_module(name)
    # what is imported stays for good: kept out of the children's collections, whose
    # passes would otherwise walk it (and copy every page they touch)
    gc.freeze()
    # no makefile(): a file object would keep the socket open in every child forked
    # while it exists, and the supervisor would then never see this process go
    pending = b""
    while True:
        data = sock.recv(4096)
        if not data:
            return 0
        pending += data
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            role, _, index = line.decode().strip().partition(" ")
            pid, stdin_w, stdout_r = fork_child(sock, config_path, role, index)
            socket.send_fds(sock, [str(pid).encode()], [stdin_w, stdout_r])
            os.close(stdin_w)
            os.close(stdout_r)


def fork_child(sock: socket.socket, config_path: str, role: str, index: str
               ) -> tuple[int, int, int]:
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    told_r, told_w = os.pipe()
    middle = os.fork()
    if middle == 0:
        child = os.fork()
        if child == 0:
            os.close(told_r)
            os.close(told_w)
            run_child(sock, config_path, role, index, stdin_r, stdout_w,
                      close=(stdin_w, stdout_r))
        os.write(told_w, str(child).encode())
        os._exit(0)
    os.close(told_w)
    os.close(stdin_r)
    os.close(stdout_w)
    os.waitpid(middle, 0)  # gone: the child is the supervisor's now
    with os.fdopen(told_r, "rb") as told:
        pid = int(told.read())
    return pid, stdin_w, stdout_r


def run_child(sock, config_path: str, role: str, index: str, stdin_r: int, stdout_w: int,
              close: tuple[int, ...]) -> None:
    """The child itself: `ticketd -c PATH child ROLE INDEX`, in this process. Never returns."""
    code = 1
    try:
        from setproctitle import setproctitle

        sock.close()
        for fd in close:
            os.close(fd)
        os.dup2(stdin_r, 0)
        os.dup2(stdout_w, 1)
        os.close(stdin_r)
        os.close(stdout_w)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        environment = child_environment()
        os.environ.clear()
        os.environ.update(environment)
        args = ["-c", config_path, "child", role] + ([index] if index else [])
        setproctitle(" ".join(["ticketd"] + args))
        from daemon.cli.main import main

        code = main(args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)

"""Issue 10 point 4: `ticketd run` speaks systemd's notify protocol, and the unit verifies;
a reload applies listener changes or names what needs a restart."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading

import pytest
from conftest import REPO, config_text, make_mail, send, wait_for


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket; collects every message."""

    def __init__(self, address: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address if not address.startswith("@") else "\0" + address[1:])
        self.sock.settimeout(0.2)
        self.messages: list[str] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while not self.done.is_set():
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except TimeoutError:
                continue

    def lines(self) -> list[str]:
        return [line for m in list(self.messages) for line in m.splitlines()]

    def close(self):
        self.done.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def notify_socket(monkeypatch, tmp_path):
    address = f"@ticketd-test-{os.getpid()}-{id(tmp_path)}"  # the abstract namespace
    sock = NotifySocket(address)
    monkeypatch.setenv("NOTIFY_SOCKET", address)
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # a ping every half second
    yield sock
    sock.close()


def test_point_4_ready_watchdog_reloading_stopping_on_the_notify_socket(daemon_factory, sink,
                                                                         notify_socket):
    daemon = daemon_factory(config_text(sink.port))
    wait_for(lambda: "READY=1" in notify_socket.lines(), what="READY=1")
    assert daemon.port  # READY=1 came once the listener was bound and the workers up
    wait_for(lambda: notify_socket.lines().count("WATCHDOG=1") >= 2, what="watchdog pings")
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "RELOADING=1" in notify_socket.lines(), what="RELOADING=1")
    wait_for(lambda: notify_socket.lines().count("READY=1") >= 2, what="READY=1 after it")
    daemon.send(make_mail())  # still taking mail
    wait_for(lambda: daemon.tickets(), what="the ticket")
    assert daemon.stop() == 0
    assert "STOPPING=1" in notify_socket.lines()
    assert f"MAINPID={daemon.proc.pid}" in notify_socket.lines()  # NotifyAccess=main
    assert "cannot notify" not in daemon.log_text()


def test_point_4_reload_moves_the_listener_and_names_what_needs_a_restart(daemon_factory,
                                                                          sink):
    daemon = daemon_factory(config_text(sink.port))
    old_port = daemon.port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        new_port = s.getsockname()[1]
    text = daemon.config.read_text()
    daemon.config.write_text(text.replace('listen = "127.0.0.1:0"',
                                          f'listen = "127.0.0.1:{new_port}"\nprotocol = "lmtp"')
                             .replace("[daemon]\n", "[daemon]\nworkers = 3\n", 1))
    daemon.proc.send_signal(signal.SIGHUP)
    line = wait_for(lambda: [x for x in daemon.log_text().splitlines() if "reloaded" in x],
                    what="the reload line")[0]
    assert "needs a restart to take effect: daemon.workers" in line
    assert f"listening for LMTP on 127.0.0.1:{new_port}" in daemon.log_text()
    import smtplib

    with smtplib.LMTP("127.0.0.1", new_port) as lmtp:
        lmtp.sendmail("dana@customer.example", ["support@example.com"],
                      make_mail().as_bytes())
    wait_for(lambda: daemon.tickets(), what="mail through the new listener")
    with pytest.raises(OSError):
        send(old_port, make_mail())  # the old address is closed


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="needs systemd-analyze")
def test_point_4_the_unit_verifies(tmp_path):
    """What .ci/run checks: the unit as installed (ExecStart pointed at this checkout)."""
    unit = tmp_path / "ticketd.service"
    ticketd = shutil.which("ticketd", path=os.path.dirname(os.sys.executable)) or \
        os.sys.executable
    unit.write_text((REPO / "systemd" / "ticketd.service").read_text().replace(
        "/opt/ticketd/.venv/bin/ticketd", ticketd))
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = unit.read_text()
    assert "Type=notify" in text and "WatchdogSec=" in text and "ExecReload=" in text

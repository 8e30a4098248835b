"""Issue 12, point 5: idle connections cannot block the listener or flood the log.

Loopback answers from any 127.x address, so several "clients" are real sources."""

from __future__ import annotations

import smtplib
import socket

from conftest import config_text, make_mail, wait_for

from daemon.config.schema import SmtpConfig


def limited_config(sink_port: int, idle: int = 120) -> str:
    return config_text(sink_port).replace('[smtp]\nlisten = "127.0.0.1:0"\n', "") + (
        '\n[smtp]\nlisten = "127.0.0.1:0"\nmax_sessions = 6\nmax_sessions_per_client = 3\n'
        f"idle_timeout_seconds = {idle}\n")


def connect(port: int, source: str) -> tuple[socket.socket, bytes]:
    s = socket.create_connection(("127.0.0.1", port), timeout=30,
                                 source_address=(source, 0))
    return s, s.recv(1024)


def test_point_5_sessions_are_capped_in_all_and_per_client(daemon_factory, sink):
    daemon = daemon_factory(limited_config(sink.port))
    held = []
    for _ in range(3):
        s, greeting = connect(daemon.port, "127.0.0.2")
        assert greeting.startswith(b"220")
        held.append(s)
    s, greeting = connect(daemon.port, "127.0.0.2")  # a fourth from the same client
    assert greeting.startswith(b"421")
    s.close()
    # another client still gets through, and mail flows
    with smtplib.SMTP("127.0.0.1", daemon.port, timeout=30,
                      source_address=("127.0.0.3", 0)) as smtp:
        smtp.send_message(make_mail(subject="Still open for business"))
    wait_for(lambda: daemon.tickets(), what="the ticket")
    for _ in range(3):
        s, greeting = connect(daemon.port, "127.0.0.4")
        held.append(s)
    s, greeting = connect(daemon.port, "127.0.0.5")  # the seventh session in all
    assert greeting.startswith(b"421")
    s.close()
    for s in held:
        s.close()


def test_point_5_an_idle_session_is_closed(daemon_factory, sink):
    daemon = daemon_factory(limited_config(sink.port, idle=2))
    idle, greeting = connect(daemon.port, "127.0.0.2")
    assert greeting.startswith(b"220")
    idle.settimeout(60)
    closed = idle.recv(1024)  # the server hangs up on a client that says nothing
    assert closed == b"" or closed.startswith(b"421")
    idle.close()
    assert SmtpConfig().idle_timeout_seconds < 300  # the shipped idle limit


def test_point_5_refusals_do_not_flood_the_log(daemon_factory, sink):
    daemon = daemon_factory(limited_config(sink.port))
    held = [connect(daemon.port, "127.0.0.6")[0] for _ in range(3)]
    for _ in range(200):
        s, greeting = connect(daemon.port, "127.0.0.6")
        assert greeting.startswith(b"421")
        s.close()
    for s in held:
        s.close()
    lines = daemon.log_text().splitlines()
    refusals = [ln for ln in lines if "refused a connection" in ln]
    assert 1 <= len(refusals) <= 25
    assert len(lines) < 100  # 203 connections: no line per connection or command

"""Issue 10 point 1: `ticketd status` tells the truth, against the running daemon.

The relay down, the daemon stopped with notices pending, quarantined mail and a
notice failed for good each make it exit 1 naming the problem; dropping or
acknowledging clears the alarm, and it exits 0 again.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from conftest import config_text, make_mail, wait_for

QUICK = """
[status]
relay_failures = 2
outbox_waiting_seconds = 3600
"""


def status(daemon) -> tuple[int, dict]:
    r = daemon.cli("status", "--json", check=False)
    return r.returncode, json.loads(r.stdout)


def problems(daemon) -> list[str]:
    return status(daemon)[1]["problems"]


def healthy(daemon) -> bool:
    code, s = status(daemon)
    return code == 0 and s["healthy"]


def test_point_1_relay_down_is_named_with_host_port_and_error_then_clears(daemon_factory,
                                                                          sink):
    sink.stop()  # the relay refuses connections
    daemon = daemon_factory(config_text(sink.port, extra=QUICK))
    daemon.send(make_mail())
    relay = f"relay 127.0.0.1:{sink.port}"
    found = wait_for(lambda: [p for p in problems(daemon) if p.startswith(relay)],
                     timeout=30, what="status naming the relay")
    assert "failed attempts in a row" in found[0] and "Connection" in found[0]
    text = daemon.cli("status", check=False)
    assert text.returncode == 1 and relay in text.stdout.decode()
    sink.start()  # the relay is back: the notices go, the alarm clears
    wait_for(lambda: healthy(daemon), timeout=30, what="status healthy again")
    assert {o["status"] for o in daemon.outbox()} == {"sent"}


def test_point_1_daemon_stopped_with_notices_pending_exits_1(daemon_factory, sink):
    sink.stop()
    daemon = daemon_factory(config_text(sink.port, extra=QUICK))
    daemon.send(make_mail())
    wait_for(lambda: daemon.outbox(), what="the notices queued")
    daemon.stop()
    code, s = status(daemon)
    assert code == 1
    (line,) = [p for p in s["problems"] if "stopped" in p]
    assert "notice(s) pending" in line
    assert "stopped" in daemon.cli("status", check=False).stdout.decode()


def test_point_1_quarantined_mail_is_a_problem_until_acknowledged(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port), start=False)
    daemon.start().stop()  # creates the stores
    raw = make_mail(subject="Poison?").as_bytes()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    # as if the worker had died on this message three times already
    daemon.spool_execute("insert into spool (received_at, source, mailbox, dedupe_key, "
                         "mail_from, rcpt_to, raw, size, state, attempts) values (?, 'smtp', "
                         "'smtp:support@example.com', 'sha:x', 'x@customer.example', '[]', "
                         "?, ?, 'new', 3)", now, raw, len(raw))
    daemon.start()
    (row,) = wait_for(lambda: daemon.json("quarantine", "list"), what="the quarantine")
    found = wait_for(lambda: [p for p in problems(daemon) if p.startswith("quarantine:")],
                     what="status naming the quarantine")
    assert "1 mail(s)" in found[0]
    assert status(daemon)[0] == 1
    assert "1 quarantined mail(s) acknowledged" in daemon.cli(
        "quarantine", "ack", "--all").stdout.decode()
    assert healthy(daemon)
    (still,) = daemon.json("quarantine", "list")  # seen, still kept for a retry
    assert still["id"] == row["id"] and still["acknowledged_at"]


def test_point_1_failed_notice_is_a_problem_until_dropped_then_status_is_0(daemon, sink):
    sink.handler.refuse_with = "550 5.1.1 <dana@customer.example>: no such user"
    daemon.send(make_mail())
    wait_for(lambda: any(o["status"] == "failed" for o in daemon.outbox()),
             what="a notice failed for good")
    sink.handler.refuse_with = None
    failed = [o for o in daemon.outbox() if o["status"] == "failed"]
    code, s = status(daemon)
    assert code == 1 and any("failed for good" in p for p in s["problems"])
    for o in failed:
        assert "dropped notice" in daemon.cli("outbox", "drop", str(o["id"])).stdout.decode()
    wait_for(lambda: healthy(daemon), what="status 0 after the drop")
    ticket = daemon.ticket(failed[0]["ticket_id"])
    assert any(e["action"] == "notice dropped" for e in ticket["events"])
    assert daemon.cli("outbox", "drop", str(failed[0]["id"]), check=False).returncode == 1


def test_point_1_failed_notice_acknowledged_clears_the_alarm(daemon, sink):
    sink.handler.refuse_with = "550 5.7.1 relaying denied"
    daemon.send(make_mail())
    wait_for(lambda: any(o["status"] == "failed" for o in daemon.outbox()),
             what="a notice failed for good")
    sink.handler.refuse_with = None
    assert status(daemon)[0] == 1
    daemon.cli("outbox", "ack", "--all")
    wait_for(lambda: healthy(daemon), what="status 0 after the acknowledgement")
    assert all(o["acknowledged_at"] for o in daemon.outbox() if o["status"] == "failed")

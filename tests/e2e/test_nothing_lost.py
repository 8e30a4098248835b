"""Nothing lost: kill -9 in a burst, a relay that is down, SIGTERM and SIGHUP."""

from __future__ import annotations

import signal
import smtplib
import threading
import time
from collections import Counter

from conftest import config_text, make_mail, wait_for


def burst(port: int, mails: list, clients: int, accepted: list, stop: threading.Event):
    """Send `mails` from `clients` threads, one connection each; record what got a 250."""
    lock = threading.Lock()

    def client(share):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
                for m in share:
                    if stop.is_set():
                        return
                    s.send_message(m)  # raises unless the server answered 250
                    with lock:
                        accepted.append(m["Message-ID"])
        except (OSError, smtplib.SMTPException):
            return  # the daemon died under us: what was not confirmed is resent later

    threads = [threading.Thread(target=client, args=(mails[i::clients],))
               for i in range(clients)]
    for t in threads:
        t.start()
    return threads


def inbound_message_ids(daemon) -> Counter:
    rows = daemon.sql("SELECT message_id FROM message WHERE direction = 'in'")
    return Counter("<" + mid + ">" for (mid,) in rows)


def test_kill_9_during_a_burst_loses_nothing_and_sends_nothing_twice(daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, ack_limit=1000))
    mails = [make_mail(frm=f"c{i}@customer.example", subject=f"Burst {i}") for i in range(200)]
    accepted: list[str] = []
    stop = threading.Event()
    threads = burst(daemon.port, mails, 4, accepted, stop)
    wait_for(lambda: len(accepted) >= 60, timeout=60, interval=0.005, what="60 accepted")
    daemon.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    confirmed_before_kill = set(accepted)
    assert 60 <= len(confirmed_before_kill) < 200

    daemon.start()
    # Like a sending MTA, resend everything that was not confirmed.
    rest = [m for m in mails if m["Message-ID"] not in confirmed_before_kill]
    resent: list[str] = []
    for t in burst(daemon.port, rest, 4, resent, threading.Event()):
        t.join(120)
    assert len(resent) == len(rest)

    ids = wait_for(lambda: (lambda c: c if sum(c.values()) >= 200 else None)(
        inbound_message_ids(daemon)), timeout=120, what="200 stored messages")
    assert set(ids) == {m["Message-ID"] for m in mails}
    assert max(ids.values()) == 1  # every message stored exactly once

    # Every ticket's acknowledgement goes out; a repeat may only be the one in flight at
    # the kill, and then with the same Message-ID.
    def acks():
        return [m for m in sink.parsed() if m["Auto-Submitted"] == "auto-replied"]

    wait_for(lambda: len({m["Message-ID"] for m in acks()}) >= 200, timeout=120,
             what="200 acknowledgements")
    by_ticket = Counter()
    seen_ids = set()
    for m in acks():
        if m["Message-ID"] in seen_ids:
            continue  # the same mail again: allowed for the one in flight
        seen_ids.add(m["Message-ID"])
        by_ticket[m["X-Ticketd-Ticket"]] += 1
    assert len(by_ticket) == 200 and set(by_ticket.values()) == {1}
    repeats = len(acks()) - len(seen_ids)
    assert repeats <= 2


def test_relay_down_makes_notices_wait_then_go_out(daemon_factory, sink):
    sink.stop()  # the relay is down from the start
    daemon = daemon_factory(config_text(sink.port))
    daemon.send(make_mail(subject="While the relay is down"))
    wait_for(lambda: daemon.tickets(), what="the ticket")
    pending = wait_for(lambda: [o for o in daemon.outbox() if o["attempts"] >= 1],
                       what="a failed attempt")
    assert all(o["status"] == "pending" for o in daemon.outbox())
    assert pending[0]["last_error"]
    sink.start()
    wait_for(lambda: len(sink.messages) == 2, timeout=30, what="both notices after recovery")
    assert {o["status"] for o in daemon.outbox()} == {"sent"}
    time.sleep(1.5)  # nothing more arrives later
    assert len(sink.messages) == 2


def test_sigterm_stops_cleanly_with_exit_0(daemon, sink):
    daemon.send(make_mail())
    wait_for(lambda: daemon.tickets(), what="the ticket")
    assert daemon.stop(signal.SIGTERM) == 0
    assert "stopped" in daemon.log_text()


def test_sighup_keeps_the_old_config_when_the_new_one_is_invalid(daemon, sink):
    good = daemon.config.read_text()
    daemon.config.write_text(good.replace('assign = "round_robin"', 'assign = "lottery"', 1))
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reload refused" in daemon.log_text(), what="the refusal")
    refusals = [line for line in daemon.log_text().splitlines() if "reload refused" in line]
    assert len(refusals) == 1 and "queues['general'].assign" in refusals[0]
    daemon.config.write_text(good)  # for the CLI below; the daemon is not told
    daemon.send(make_mail())  # still running on the old config
    assert wait_for(lambda: daemon.tickets(), what="a ticket")[0]["assignee"]


def test_sighup_applies_a_valid_new_config(daemon, sink):
    text = daemon.config.read_text().replace('subject = ["refund", "invoice"]',
                                             'subject = ["refund", "invoice", "money"]')
    daemon.config.write_text(text)
    daemon.proc.send_signal(signal.SIGHUP)
    wait_for(lambda: "reloaded" in daemon.log_text(), what="the reload")
    daemon.send(make_mail(subject="Where is my money"))
    assert wait_for(lambda: daemon.tickets(), what="a ticket")[0]["queue"] == "billing"



def test_two_senders_and_a_slow_relay_send_each_notice_once(daemon_factory, sink):
    """Two daemons on one store (two MX hosts), a relay taking 0.7 s a mail and a 2 s
    lease: a sender keeps its lease ahead of each send through a long batch, so the other
    sender never takes a notice that is still being sent."""
    sink.handler.delay = 0.7
    text = config_text(sink.port).replace("claim_seconds = 5", "claim_seconds = 2")
    a, _ = daemon_factory(text), daemon_factory(text)  # one folder: one store
    for i in range(12):
        a.send(make_mail(frm=f"c{i}@customer.example", subject=f"Question {i}"))
    wait_for(lambda: len(a.tickets()) == 12, what="12 tickets")
    wait_for(lambda: [o["status"] for o in a.outbox()] == ["sent"] * 24, timeout=60,
             what="24 notices sent")
    wait_for(lambda: len(sink.messages) >= 24, timeout=60, what="24 mails at the relay")
    sent = Counter(sink.message_ids())
    assert len(sent) == 24 and set(sent.values()) == {1}

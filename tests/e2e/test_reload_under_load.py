"""Issue 10 point 5: a SIGHUP every second during a steady SMTP load of 2,000 mails: every
mail is stored once, and no client sees a dropped connection or a 4xx."""

from __future__ import annotations

import signal
import smtplib
import threading

import pytest
from conftest import config_text, make_mail, wait_for

MAILS, CLIENTS, PER_SESSION = 2000, 4, 25


@pytest.mark.slow
def test_point_5_sighup_every_second_under_2000_mails_loses_and_refuses_nothing(
        daemon_factory, sink):
    daemon = daemon_factory(config_text(sink.port, ack_limit=0))
    failures: list[str] = []
    sent: list[str] = []
    lock = threading.Lock()
    done = threading.Event()

    def client(k: int) -> None:
        ids = [f"load-{k}-{i}@customer.example" for i in range(MAILS // CLIENTS)]
        for start in range(0, len(ids), PER_SESSION):  # a session sends several mails
            try:
                with smtplib.SMTP("127.0.0.1", daemon.port, timeout=60) as s:
                    for mid in ids[start:start + PER_SESSION]:
                        mail = make_mail(frm=f"c{k}@customer.example", subject=mid,
                                         message_id=f"<{mid}>")
                        refused = s.send_message(mail)  # raises on a 4xx or 5xx
                        assert not refused
                        with lock:
                            sent.append(mid)
            except (OSError, smtplib.SMTPException, AssertionError) as exc:
                with lock:
                    failures.append(f"client {k}: {type(exc).__name__}: {exc}")

    def hangups() -> None:
        while not done.wait(1.0):  # the load pattern: one reload a second
            daemon.proc.send_signal(signal.SIGHUP)

    reloader = threading.Thread(target=hangups)
    reloader.start()
    clients = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in clients:
        t.start()
    for t in clients:
        t.join(600)
    stored = wait_for(lambda: (n := daemon.sql("SELECT count(*) FROM ticket")[0][0]) >= MAILS
                      and n, timeout=600, interval=1, what=f"{MAILS} tickets")
    done.set()
    reloader.join()
    assert failures == []
    assert len(sent) == MAILS and stored == MAILS
    per_id = daemon.sql("SELECT message_id, count(*) FROM message WHERE direction = 'in' "
                        "GROUP BY message_id")
    assert len(per_id) == MAILS and {n for _, n in per_id} == {1}  # each stored once
    reloads = daemon.log_text().count("reloaded ")
    assert reloads >= 3  # the reloads did happen during the load
    assert "reload refused" not in daemon.log_text()

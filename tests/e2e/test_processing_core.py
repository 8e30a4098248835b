"""The processing core: intake never waits on ticket work, processes that die are restarted,
each spooled mail is applied once, and no loop stops silently while SMTP answers 250."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from conftest import SQLITE_ONLY, Sink, config_text, make_mail, send, wait_for


def core_config(sink_port=None, directory=None, **daemon_options) -> str:
    text = config_text(sink_port, directory=directory, ack_limit=100000)
    daemon_options.setdefault("failing_seconds", 1)
    extra = "".join(f"\n{k} = {v}" for k, v in daemon_options.items())
    return text.replace('log_level = "INFO"', 'log_level = "INFO"' + extra)


def spool_states(d) -> dict[str, int]:
    return dict(d.spool_sql("SELECT state, count(*) FROM spool GROUP BY state"))


def status(d) -> tuple[int, dict]:
    import json

    r = d.cli("status", "--json", check=False)
    return r.returncode, json.loads(r.stdout)


def test_smtp_answers_250_while_the_ticket_store_is_locked_and_kill_9_loses_nothing(
        daemon_factory, sink):
    d = daemon_factory(core_config(sink.port, lock_timeout_seconds=2))
    with d.locked_tickets():  # a backup or a long report holds the ticket store
        with smtplib.SMTP("127.0.0.1", d.port, timeout=2) as s:  # 250 within 2 s, or raise
            assert s.send_message(make_mail(message_id="<locked@customer.example>")) == {}
        assert spool_states(d) == {"new": 1}
        d.kill9_all()
    d.start()
    tickets = wait_for(d.tickets, what="the ticket after the restart")
    wait_for(lambda: len(sink.to("dana@customer.example")) == 1, what="one acknowledgement")
    assert len(tickets) == 1
    assert d.sql("SELECT count(*) FROM message WHERE message_id = 'locked@customer.example'"
                 ) == [(1,)]
    assert spool_states(d) == {"done": 1}


def test_a_spool_row_applied_but_not_finished_is_finished_not_applied_again(daemon, sink):
    daemon.send(make_mail(message_id="<once@customer.example>"))
    wait_for(lambda: spool_states(daemon) == {"done": 1}, what="the mail processed")
    wait_for(lambda: len(sink.messages) == 2, what="the two notices")
    daemon.stop()
    # The state a crash leaves between the ticket commit and the spool commit:
    daemon.spool_execute("UPDATE spool SET state = 'new', attempts = 1, outcome = NULL")
    daemon.start()
    wait_for(lambda: spool_states(daemon) == {"done": 1}, what="the row finished again")
    assert daemon.sql("SELECT count(*) FROM ticket") == [(1,)]
    assert daemon.sql("SELECT count(*) FROM outbox") == [(2,)]
    assert "was applied before a restart" in daemon.log_text()
    assert daemon.spool_sql("SELECT outcome, ticket_id FROM spool") == [("ticket", 1)]


def test_kill_9_of_a_worker_mid_batch_restarts_it_and_applies_every_mail_once(
        daemon_factory, sink):
    d = daemon_factory(core_config(sink.port, workers=2))
    mails = [make_mail(frm=f"w{i}@customer.example", subject=f"Load {i}") for i in range(300)]
    sender = threading.Thread(target=lambda: [d.send(m) for m in mails])
    sender.start()
    wait_for(lambda: d.sql("SELECT count(*) FROM ticket")[0][0] >= 20, what="work under way")
    victim = d.children()["worker-1"]
    os.kill(victim, signal.SIGKILL)
    sender.join(120)
    wait_for(lambda: spool_states(d) == {"done": 300}, timeout=120, what="all 300 processed")
    wait_for(lambda: d.children().get("worker-1") not in (None, victim), what="a new worker-1")
    ids = d.sql("SELECT message_id FROM message WHERE direction = 'in'")
    assert len(ids) == 300 and len(set(ids)) == 300
    wait_for(lambda: d.sql("SELECT count(*) FROM outbox WHERE status = 'sent'") == [(600,)],
             timeout=120, what="600 notices sent")
    sent = Counter(m["Message-ID"] for m in sink.parsed())
    assert len(sent) == 600  # every notice arrived; one in flight may have come twice
    assert sum(sent.values()) - 600 <= 2
    assert "worker-1 (pid" in d.log_text() and "restarting it" in d.log_text()


def test_a_worker_that_hangs_is_killed_and_replaced(daemon_factory, sink):
    d = daemon_factory(core_config(sink.port, workers=1, hang_seconds=3))
    stuck = d.children()["worker-1"]
    os.kill(stuck, signal.SIGSTOP)  # as if stuck in C code that never returns
    d.send(make_mail(subject="After the hang"))
    wait_for(lambda: [t["subject"] for t in d.tickets()] == ["After the hang"], timeout=90,
             what="the mail processed by the new worker")
    assert "has said nothing for" in d.log_text()
    assert d.children()["worker-1"] != stuck


def test_too_many_restarts_stop_ticketd_non_zero_for_systemd(daemon_factory, sink):
    d = daemon_factory(core_config(sink.port, workers=1, restart_limit=2))
    for _ in range(3):
        pid = wait_for(lambda: d.children().get("worker-1"), what="a worker")
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda p=pid: d.children().get("worker-1") != p or d.proc.poll() is not None,
                 timeout=60, what="the restart")
    assert d.proc.wait(60) == 70
    assert "too many: stopping ticketd" in d.log_text()


def test_children_stop_when_the_supervisor_is_killed(daemon):
    children = list(daemon.children().values())
    assert len(children) >= 3  # workers, the sender, the housekeeper
    daemon.kill9()

    def alive(pid: int) -> bool:
        try:  # a zombie (state Z) has exited and only waits to be reaped
            return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
        except FileNotFoundError:
            return False
    wait_for(lambda: not any(alive(pid) for pid in children), timeout=30,
             what="the children gone with their supervisor")


def test_an_unwritable_outbox_is_retried_named_by_status_and_smtp_goes_on(daemon_factory):
    # (a folder unwritable at start-up stops the start: tests/e2e/test_startup_errors.py;
    # here it becomes unwritable while the daemon runs)
    d = daemon_factory(core_config(directory="outbox"))
    (d.folder / "outbox").write_text("a file where the outbox folder should be")
    d.send(make_mail(subject="First"))
    wait_for(lambda: d.sql("SELECT count(*) FROM outbox WHERE attempts > 0") == [(2,)],
             what="both notices tried")
    code, s = wait_for(lambda: (lambda r: r if r[0] == 1 else None)(status(d)),
                       what="status naming the outbox")
    assert any("sender" in p and "outbox" in p for p in s["problems"]), s["problems"]
    assert send(d.port, make_mail(subject="Second")) == {}  # intake goes on meanwhile
    wait_for(lambda: len(d.tickets()) == 2, what="both tickets")
    (d.folder / "outbox").unlink()
    d.cli("outbox", "retry")
    wait_for(lambda: len(list((d.folder / "outbox").glob("*.eml"))) == 4, timeout=30,
             what="the four notices written once the folder can be made")
    wait_for(lambda: status(d)[0] == 0, what="status healthy again")


def test_a_relay_that_refuses_is_named_by_status_and_mail_goes_out_when_it_is_back(
        daemon_factory):
    relay = Sink()  # not started yet: connections to its port are refused
    d = daemon_factory(core_config(relay.port))
    d.send(make_mail(subject="While the relay is down"))
    code, s = wait_for(lambda: (lambda r: r if r[0] == 1 else None)(status(d)),
                       what="status naming the relay")
    assert any(f"127.0.0.1:{relay.port}" in p for p in s["problems"]), s["problems"]
    relay.start()
    try:
        d.cli("outbox", "retry")
        wait_for(lambda: len(relay.messages) == 2, timeout=30, what="the notices delivered")
        wait_for(lambda: status(d)[0] == 0, what="status healthy again")
    finally:
        relay.stop()


def test_ingest_writes_the_row_smtp_would_and_a_repeat_is_logged_once(daemon):
    raw = make_mail(subject="Piped refund", message_id="<pipe-1@customer.example>").as_bytes()
    args = ("ingest", "--sender", "c@customer.example", "--recipient", "Billing@Example.com",
            "--queue", "billing")
    assert daemon.cli(*args, input=raw).returncode == 0
    assert daemon.spool_sql("SELECT source, mailbox, mail_from, rcpt_to, queue_hint, size, "
                            "message_id FROM spool") == [
        ("pipe", "pipe:billing@example.com", "c@customer.example", '["Billing@Example.com"]',
         "billing", len(raw), "pipe-1@customer.example")]
    ticket = wait_for(lambda: daemon.tickets(), what="the ticket")[0]
    assert (ticket["subject"], ticket["queue"]) == ("Piped refund", "billing")
    again = daemon.cli(*args, input=raw)  # the MTA retries after a lost exit code
    assert again.returncode == 0 and b"duplicate" in again.stderr
    assert [m["outcome"] for m in daemon.json("mail", "list")] == ["duplicate", "ticket"]
    assert len(daemon.tickets()) == 1


@SQLITE_ONLY
def test_ingest_to_a_sqlite_spool_loads_neither_peewee_nor_the_config_schema(daemon):
    """One process per mail: the everyday case stores it with tomllib and sqlite3 only."""
    probe = ("import sys; from daemon.cli.main import main; code = main(sys.argv[1:]); "
             "print(code, sorted(m for m in ('peewee', 'daemon.config.schema', "
             "'daemon.store.models') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", probe, "-c", str(daemon.config), "ingest"],
                       input=make_mail(subject="Quick").as_bytes(), capture_output=True,
                       cwd=daemon.folder, timeout=60)
    assert r.stdout.decode().split() == ["0", "[]"], r.stderr.decode()
    wait_for(lambda: [t["subject"] for t in daemon.tickets()] == ["Quick"], what="the ticket")


def test_ingest_into_a_spool_of_another_schema_is_refused_for_the_mta_to_retry(daemon):
    daemon.spool_execute("UPDATE spool_meta SET value = '999' WHERE key = 'schema_version'")
    r = daemon.cli("ingest", input=make_mail(subject="Too new").as_bytes(), check=False)
    assert r.returncode == 75, r.stderr.decode()
    assert b"upgrade ticketd" in r.stderr
    assert daemon.spool_sql("SELECT COUNT(*) FROM spool") == [(0,)]


def test_ingest_stores_mail_while_the_ticket_store_is_locked(daemon):
    with daemon.locked_tickets():
        r = daemon.cli("ingest", input=make_mail(subject="Piped").as_bytes())
        assert r.returncode == 0
        assert spool_states(daemon) == {"new": 1}
    wait_for(lambda: [t["subject"] for t in daemon.tickets()] == ["Piped"], what="the ticket")


def test_children_start_as_forks_of_the_zygote_and_as_new_processes_once_it_has_gone(
        daemon_factory, sink):
    d = daemon_factory(core_config(sink.port, workers=1))
    zygote = [int(p) for p in Path(f"/proc/{d.proc.pid}/task/{d.proc.pid}/children")
              .read_text().split()
              if Path(f"/proc/{p}/cmdline").read_bytes().startswith(b"ticketd zygote")]
    assert len(zygote) == 1
    forked = d.children()["worker-1"]
    assert Path(f"/proc/{forked}/cmdline").read_bytes().startswith(b"ticketd -c ")
    os.kill(zygote[0], signal.SIGKILL)
    os.kill(forked, signal.SIGKILL)
    wait_for(lambda: d.children().get("worker-1") not in (None, forked), what="a new worker-1")
    assert "starting children as new processes from now on" in d.log_text()
    d.send(make_mail(subject="After the zygote"))
    wait_for(lambda: [t["subject"] for t in d.tickets()] == ["After the zygote"],
             what="mail still becomes tickets")
    assert d.stop() == 0

"""Issue 12, admin papercuts 16 and 18: `-c` anywhere, and the queue of the way in."""

from __future__ import annotations

import subprocess
import sys

from conftest import config_text, make_mail, wait_for


def ticketd(*args, cwd, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "daemon", *args], cwd=cwd, input=input,
                          capture_output=True, timeout=120)


def test_point_16_config_after_the_subcommand_as_units_write_it(daemon_factory, tmp_path):
    d = daemon_factory(config_text(directory="outbox"), start=False)
    elsewhere = tmp_path / "elsewhere"  # no config.toml here: only -c can name it
    elsewhere.mkdir()
    migrated = ticketd("migrate", "-c", str(d.config), cwd=elsewhere)
    assert migrated.returncode == 0, migrated.stderr.decode()
    r = ticketd("ingest", "-c", str(d.config), cwd=elsewhere,
                input=make_mail(subject="Came through the pipe").as_bytes())
    assert r.returncode == 0, r.stderr.decode()
    with open(tmp_path / "run.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "daemon", "run", "-c", str(d.config)],
                                cwd=elsewhere, stdout=log, stderr=subprocess.STDOUT)
    try:
        tickets = wait_for(lambda: ticketd("tickets", "list", "--json", "-c", str(d.config),
                                           cwd=elsewhere).stdout.strip() not in (b"", b"[]"),
                           what="the daemon started with `run -c` to make the ticket")
        assert tickets
        shown = ticketd("tickets", "show", "1", "-c", str(d.config), cwd=elsewhere)
        assert b"Came through the pipe" in shown.stdout
        # before the subcommand as well, and the later one wins when both are given
        assert ticketd("-c", str(d.config), "check-config", cwd=elsewhere).returncode == 0
        both = ticketd("-c", str(elsewhere / "nope.toml"), "check-config", "-c",
                       str(d.config), cwd=elsewhere)
        assert both.returncode == 0, both.stderr.decode()
    finally:
        proc.terminate()
        proc.wait(30)
    assert ticketd("run", cwd=elsewhere).returncode == 2  # and without it: ./config.toml


def test_point_18_ingest_queue_wins_over_the_recipients_queue(daemon_factory, tmp_path):
    d = daemon_factory(config_text(directory="outbox"))
    to_support = make_mail(to="support@example.com", subject="Through the billing alias")
    d.cli("ingest", "--queue", "billing", "--recipient", "support@example.com",
          input=to_support.as_bytes())
    legal = make_mail(to="support@example.com", subject="My lawyer says", body="GDPR!\n")
    d.cli("ingest", "--queue", "billing", input=legal.as_bytes())
    tickets = wait_for(lambda: len(d.tickets()) == 2 and d.tickets(), what="two tickets")
    queues = {t["subject"]: t["queue"] for t in tickets}
    assert queues == {"Through the billing alias": "billing",  # not general, the To's queue
                      "My lawyer says": "sales"}  # a rule's set.queue still decides
    events = d.ticket(next(t["id"] for t in tickets if t["queue"] == "billing"))["events"]
    assert any("ingest --queue" in (e["new"] or "") for e in events)

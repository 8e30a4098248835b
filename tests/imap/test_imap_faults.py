"""Faults: a server that hangs, stalls, goes away, refuses a FETCH, or sends unparseable mail."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import make_mail, wait_for
from fakeimap import FakeImap
from imapclient import DELETED, SEEN
from imapfix import config_text, dovecot_fixture, imap_section, mails  # noqa: F401
from pollerfix import PollerRig

pytestmark = pytest.mark.dovecot


def outage_lines(log: str, name: str = "support") -> list[str]:
    return [x for x in log.splitlines() if f"imap {name}:" in x and " ERROR " in x]


# --- §15 The poller hangs or stops without telling anyone ---------------------------------------

@pytest.mark.parametrize("mode", ["silent", "stall_fetch"])
def test_user_pain_15_poller_hangs_without_telling_anyone_times_out_and_backs_off(
        tmp_path, caplog, mode):
    fake = FakeImap(mode).start()
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    server = SimpleNamespace(port=fake.port, users={"support": "pw"})
    r = PollerRig(server, tmp_path, timeout_seconds=1).start()
    try:
        wait_for(lambda: fake.connections >= 3, timeout=30, what="retries")
    finally:
        r.stop()  # a hung socket does not keep the thread from stopping
        fake.stop()
    errors = [m for m in caplog.messages if m.startswith("imap support:")
              and ("no answer" in m or "still failing" in m)]
    assert errors == [f"imap support: no answer from 127.0.0.1:{fake.port} within 1 s; "
                      f"retrying in {errors[0].split('retrying in ')[1].split(' s')[0]} s "
                      "with backoff (reminders every 10 min until it works again)"]
    assert fake.connections <= 4  # retried with growing pauses, not in a busy loop
    assert r.spool_keys() == []


@pytest.mark.slow
def test_user_pain_15_status_reports_each_mailbox_and_its_outage(dovecot, daemon_factory,
                                                                tmp_path):
    import json

    d = daemon_factory(config_text(directory="outbox", extra=imap_section(
        dovecot, tmp_path, idle=False, poll_seconds=1, timeout_seconds=2)))

    def status():
        r = d.cli("status", "--json", check=False)
        return r.returncode, json.loads(r.stdout)

    code, s = wait_for(lambda: (lambda r: r if r[0] == 0 else None)(status()),
                       what="a healthy status")
    assert s["mailboxes"][0]["name"] == "support" and s["mailboxes"][0]["age_seconds"] < 10
    dovecot.stop()
    code, s = wait_for(lambda: (lambda r: r if r[0] == 1 else None)(status()),
                       what="the outage in the status")
    assert any(p.startswith("imap support: failing since") for p in s["problems"])
    assert b"PROBLEMS" in d.cli("status", check=False).stdout
    dovecot.start()
    wait_for(lambda: status()[0] == 0, timeout=60, what="healthy again")


def test_dovecot_stopped_20_seconds_reconnects_by_itself_and_logs_the_outage_once(
        dovecot, daemon_factory, tmp_path):
    d = daemon_factory(config_text(directory="outbox", extra=imap_section(
        dovecot, tmp_path, idle=True)))
    dovecot.append("support", mails(1, "before"))
    wait_for(lambda: len(d.tickets()) == 1, what="the first ticket")
    dovecot.stop()
    time.sleep(10)
    dovecot.deliver("support", mails(1, "during", start=1)[0])  # the MTA keeps delivering
    time.sleep(10)
    dovecot.start()
    wait_for(lambda: len(d.tickets()) == 2, timeout=90, what="the mail from the outage")
    assert sorted(t["subject"] for t in d.tickets()) == ["before request 0", "during request 1"]
    log = wait_for(lambda: "imap support: recovered after" in (t := d.log_text()) and t,
                   what="the recovery in the log")
    assert len(outage_lines(log)) == 1, outage_lines(log)  # once, not once per attempt
    assert log.count("imap support: recovered after") == 1
    assert "still failing" not in log
    assert wait_for(lambda: all(SEEN in f for f in dovecot.flags("support").values()))


# --- a message the server cannot FETCH, a message we cannot parse --------------------------------

def _message_file(dovecot, user: str, message_id: str) -> Path:
    box = dovecot.root / "mail" / user
    for sub in ("new", "cur"):
        for p in (box / sub).iterdir():
            if message_id.encode() in p.read_bytes():
                return p
    raise AssertionError(f"{message_id} not found in the Maildir")


def test_a_message_the_server_cannot_fetch_is_skipped_after_retries_not_forever(
        dovecot, tmp_path, caplog):
    dovecot.append("support", mails(3, "f"))
    _message_file(dovecot, "support", "f-1@customer.example").chmod(0)  # Dovecot can't read it
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    r = PollerRig(dovecot, tmp_path).start()
    try:
        wait_for(lambda: len(r.spool_keys()) == 2, timeout=30, what="the two readable ones")
        dovecot.append("support", mails(1, "g"))
        wait_for(lambda: len(r.spool_keys()) == 3, what="later mail still flowing")
    finally:
        r.stop()
    assert r.spool_keys() == ["f-0@customer.example", "f-2@customer.example",
                              "g-0@customer.example"]
    skipped = [m for m in caplog.messages if "skipping it" in m]
    assert len(skipped) == 1 and "UID 2" in skipped[0]


def test_unparseable_mail_is_quarantined_flagged_and_not_fetched_again(
        dovecot, daemon_factory, tmp_path):
    no_sender = make_mail(message_id="<nofrom@customer.example>")
    del no_sender["From"]
    dovecot.append("support", [no_sender.as_bytes()])
    d = daemon_factory(config_text(directory="outbox", extra=imap_section(dovecot, tmp_path)))
    rows = wait_for(lambda: d.json("quarantine", "list"), what="the quarantined mail")
    assert [(q["source"], q["id"]) for q in rows] == [("imap:support", 1)]
    wait_for(lambda: all(SEEN in f for f in dovecot.flags("support").values()), what="\\Seen")
    d.stop()
    d.start()
    dovecot.append("support", mails(1, "h"))
    wait_for(lambda: len(d.tickets()) == 1, what="the next mail")
    assert len(d.json("quarantine", "list")) == 1  # not fetched and quarantined again


# --- configuration ----------------------------------------------------------------------------

def test_check_config_names_the_mailbox_whose_secret_is_unreadable(dovecot, tmp_path):
    extra = imap_section(dovecot, tmp_path, name="support") + imap_section(
        dovecot, tmp_path, name="sales")
    (tmp_path / "sales.secret").unlink()
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_text(directory="outbox", extra=extra))
    r = subprocess.run([sys.executable, "-m", "daemon", "-c", str(cfg), "check-config"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert "imap['sales'].password_file: cannot read" in r.stderr + r.stdout
    assert "imap['support']" not in r.stderr + r.stdout


def test_a_skipped_message_stays_skipped_and_untouched_after_a_restart(dovecot, tmp_path):
    from daemon.service.health import skipped_uids

    dovecot.append("support", mails(3, "k"))
    _message_file(dovecot, "support", "k-1@customer.example").chmod(0)
    r = PollerRig(dovecot, tmp_path, after="delete").start()
    try:
        wait_for(lambda: len(r.spool_keys()) == 2, timeout=30, what="the two readable ones")
        wait_for(lambda: sorted(dovecot.flags("support")) == [2], what="those two deleted")
    finally:
        r.stop()
    assert skipped_uids(r.config.imap[0]) == [2]  # what `ticketd status` lists
    # a crash between the commit and the delete leaves the after-action to be done again
    r.db.execute_sql("UPDATE imapstate SET handled_uid = 0")
    r2 = PollerRig(dovecot, tmp_path, db=r.db, after="delete").start()
    try:
        dovecot.append("support", mails(1, "l"))
        wait_for(lambda: len(r2.spool_keys()) == 3, timeout=45,  # a loaded machine
                 what="later mail")
        wait_for(lambda: sorted(dovecot.flags("support")) == [2], what="the later one deleted")
    finally:
        r2.stop()
    assert DELETED not in dovecot.flags("support")[2]  # never stored, so never deleted

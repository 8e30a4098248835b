"""Mail APPENDed to a real Dovecot becomes tickets: IDLE, polling, after-actions, two mailboxes."""

from __future__ import annotations

import pytest
from conftest import wait_for
from imapfix import config_text, dovecot_fixture, imap_section, mails  # noqa: F401

pytestmark = pytest.mark.dovecot


def subjects(daemon) -> list[str]:
    return sorted(t["subject"] for t in daemon.tickets())


def start(daemon_factory, dovecot, tmp_path, *sections):
    extra = "".join(imap_section(dovecot, tmp_path, **s) for s in sections)
    return daemon_factory(config_text(directory="outbox", extra=extra))


def test_mail_appended_while_running_is_a_ticket_within_5_seconds_with_idle(
        daemon_factory, dovecot, tmp_path):
    d = start(daemon_factory, dovecot, tmp_path, dict(idle=True, poll_seconds=600))
    wait_for(lambda: "imap support: first start" in d.log_text(), what="the first connect")
    dovecot.append("support", mails(1, "idle"))
    wait_for(d.tickets, timeout=5, what="a ticket within 5 s (IDLE)")
    assert subjects(d) == ["idle request 0"]
    ticket = d.tickets()[0]
    assert ticket["requester"] == "c0@customer.example"
    assert wait_for(lambda: all(b"\\Seen" in f for f in dovecot.flags("support").values()),
                    what="the message flagged \\Seen after its commit")


def test_mail_appended_while_running_is_a_ticket_within_poll_seconds_plus_5_without_idle(
        daemon_factory, dovecot, tmp_path):
    poll = 3
    d = start(daemon_factory, dovecot, tmp_path, dict(idle=False, poll_seconds=poll))
    wait_for(lambda: "imap support: first start" in d.log_text(), what="the first connect")
    dovecot.append("support", mails(1, "poll"))
    wait_for(d.tickets, timeout=poll + 5, what="a ticket within poll_seconds + 5")
    assert subjects(d) == ["poll request 0"]


def test_mailbox_queue_is_the_default_queue_of_its_tickets(daemon_factory, dovecot, tmp_path):
    dovecot.append("support", mails(2, "sup"))
    dovecot.append("sales", mails(3, "sal"))
    d = start(daemon_factory, dovecot, tmp_path, dict(name="support", queue="billing"),
              dict(name="sales", queue="sales"))
    tickets = wait_for(lambda: len(d.tickets()) == 5 and d.tickets(), what="5 tickets")
    by_queue = sorted((t["queue"], t["subject"]) for t in tickets)
    assert by_queue == [("billing", "sup request 0"), ("billing", "sup request 1"),
                        ("sales", "sal request 0"), ("sales", "sal request 1"),
                        ("sales", "sal request 2")]


def test_two_mailboxes_one_with_a_wrong_password_the_other_keeps_working(
        daemon_factory, dovecot, tmp_path):
    d = start(daemon_factory, dovecot, tmp_path,
              dict(name="support", password="wrong-password", queue="general"),
              dict(name="sales", queue="sales"))
    dovecot.append("sales", mails(2, "sal"))
    wait_for(lambda: len(d.tickets()) == 2, what="the healthy mailbox's tickets")
    assert {t["queue"] for t in d.tickets()} == {"sales"}
    log = wait_for(lambda: "login as support" in d.log_text() and d.log_text(),
                   what="the failed login in the log")
    line = next(x for x in log.splitlines() if "login as support" in x)
    assert "imap support:" in line and "failed" in line  # the log names the mailbox
    dovecot.append("sales", mails(1, "later", start=5))
    wait_for(lambda: len(d.tickets()) == 3, what="the healthy mailbox still polling")


@pytest.mark.parametrize("after, inbox_left, moved", [("seen", 4, 0), ("delete", 0, 0),
                                                     ("move:Handled", 0, 4)])
def test_after_action_applies_to_every_stored_message(daemon_factory, dovecot, tmp_path,
                                                      after, inbox_left, moved):
    dovecot.append("support", mails(4, "aft"))
    d = start(daemon_factory, dovecot, tmp_path, dict(after=after))
    wait_for(lambda: len(d.tickets()) == 4, what="4 tickets")
    wait_for(lambda: dovecot.count("support") == inbox_left
             and dovecot.count("support", "Handled") == moved, what=f"after = {after}")
    if after == "seen":
        assert all(b"\\Seen" in f for f in dovecot.flags("support").values())


def test_mail_that_arrives_between_the_last_search_and_idle_ends_the_idle_at_once(dovecot):
    """Dovecot answers IDLE with "+ idling" and the EXISTS of mail that came meanwhile in one
    packet; imaplib reads both, and the poll() inside idle_check never sees the second, so
    the mail waited for the next IDLE renewal (up to 25 minutes) until the session looked
    into imaplib's buffer."""
    import threading
    from types import SimpleNamespace

    from daemon.intake.imap.session import Session

    cfg = SimpleNamespace(folder="INBOX", after="seen", idle=True, idle_renew_seconds=600)
    with dovecot.client("support") as client:
        session = Session(client, cfg)
        session.select()
        for n in (1, 2):
            assert client.search(["ALL"]) == list(range(1, n))  # our last SEARCH
            dovecot.append("support", mails(1, f"between-{n}"))
            assert session.idle(threading.Event(), at_most=10) is True  # not a 10 s renewal
        # and nothing left over from those wakes a third IDLE
        assert session.idle(threading.Event(), at_most=1) is False

"""user-pain.md §4, §5, §31 against a real Dovecot, with the poller running in-process."""

from __future__ import annotations

import logging
import sqlite3
import subprocess

import pytest
from conftest import wait_for
from dovecot import DOVEADM
from imapclient import SEEN
from imapfix import dovecot_fixture, mails  # noqa: F401
from pollerfix import PollerRig

pytestmark = pytest.mark.dovecot


@pytest.fixture
def rig(dovecot, tmp_path):
    made: list[PollerRig] = []

    def make(**options) -> PollerRig:
        r = PollerRig(dovecot, tmp_path, db=made[0].db if made else None, **options)
        made.append(r)
        return r

    yield make
    for r in made:
        r.stop()


def all_seen(dovecot, n: int) -> bool:
    flags = dovecot.flags("support")
    return len(flags) == n and all(SEEN in f for f in flags.values())


# --- §4 The mail is marked read or deleted, but no ticket exists --------------------------------

def test_user_pain_04_marked_read_but_no_ticket_move_only_after_store(dovecot, rig):
    dovecot.append("support", mails(5, "a"))
    r = rig(after="move:Processed").start()
    wait_for(lambda: dovecot.count("support", "Processed") == 5, what="5 moved")
    assert len(r.spool_keys()) == 5
    assert dovecot.count("support") == 0


def test_user_pain_04_marked_read_but_no_ticket_no_flag_while_the_commit_waits(
        dovecot, rig, tmp_path):
    r = rig(after="seen", idle=True).start()
    wait_for(lambda: r.count("idle") >= 1, what="the poller idling")
    blocker = sqlite3.connect(tmp_path / "ticketd-spool.db", timeout=30)
    blocker.execute("BEGIN EXCLUSIVE")  # the spool cannot commit for now
    dovecot.append("support", mails(3, "b"))
    wait_for(lambda: r.count("fetch") >= 1, what="the FETCH")
    assert not any(SEEN in f for f in dovecot.flags("support").values())
    assert r.count("store") == 0
    blocker.rollback()
    blocker.close()
    wait_for(lambda: all_seen(dovecot, 3), what="flags after the commit")
    assert len(r.spool_keys()) == 3


def test_user_pain_04_marked_read_but_no_ticket_mail_read_by_a_human_is_still_taken(
        dovecot, rig):
    dovecot.append("support", mails(2, "read"), flags=[SEEN])
    dovecot.append("support", mails(1, "unread", start=2))
    r = rig().start()  # skip_seen_on_first_start defaults to false
    wait_for(lambda: len(r.spool_keys()) == 3, what="all 3, read or not")


def test_skip_seen_on_first_start_skips_only_mail_read_before_the_first_start(dovecot, rig):
    dovecot.append("support", mails(2, "old-read"), flags=[SEEN])
    dovecot.append("support", mails(1, "old-unread", start=2))
    r = rig(skip_seen_on_first_start=True).start()
    wait_for(lambda: r.spool_keys() == ["old-unread-2@customer.example"],
             what="only the unread one")
    dovecot.append("support", mails(1, "new-read", start=3), flags=[SEEN])  # read by a human
    wait_for(lambda: len(r.spool_keys()) == 2, what="later mail, read or not")
    assert r.spool_keys()[1] == "new-read-3@customer.example"


# --- §5 One email becomes two or more tickets ---------------------------------------------------

def _drop_connection(client):
    client.socket().shutdown(2)  # the connection dies after the commit, before the flag


def test_user_pain_05_one_email_two_tickets_connection_lost_between_commit_and_flag(
        dovecot, rig):
    dovecot.append("support", mails(5, "c"))
    r = rig(after="seen")
    r.faults["store"] = _drop_connection
    r.start()
    wait_for(lambda: all_seen(dovecot, 5), what="flags after reconnecting")
    assert len(r.spool_keys()) == 5  # stored once, not again after the reconnect
    assert r.fetched_uids().count(1) == 1  # nothing was fetched twice


def test_user_pain_05_one_email_two_tickets_messages_gone_before_the_store(dovecot, rig):
    dovecot.append("support", mails(3, "d"))

    def someone_else_expunges(client):
        with dovecot.client("support") as other:
            other.select_folder("INBOX")
            other.delete_messages(other.search(["ALL"]))
            other.expunge()

    r = rig(after="seen")
    r.faults["store"] = someone_else_expunges
    r.start()
    wait_for(lambda: len(r.spool_keys()) == 3, what="3 stored")
    dovecot.append("support", mails(1, "e"))
    wait_for(lambda: len(r.spool_keys()) == 4, what="the poller still working")
    assert r.fetched_uids() == [1, 2, 3, 4]


def test_two_pollers_on_one_mailbox_store_each_message_once(dovecot, rig):
    dovecot.append("support", mails(50, "twin"))
    first, second = rig(batch_size=5), rig(batch_size=7)
    first.start()
    second.start()
    wait_for(lambda: all_seen(dovecot, 50), what="all flagged")
    keys = first.spool_keys()
    assert len(keys) == 50 and len(set(keys)) == 50


# --- §31 Large mailboxes, latency and IDLE -------------------------------------------------------

def test_user_pain_31_large_mailboxes_only_new_uids_are_fetched_after_a_restart(dovecot, rig):
    dovecot.append("support", mails(300, "old"))
    r = rig(batch_size=100)
    r.start()
    wait_for(lambda: len(r.spool_keys()) == 300, what="the backlog")
    r.stop()
    dovecot.append("support", mails(3, "new"))
    again = rig(batch_size=100).start()
    wait_for(lambda: len(again.spool_keys()) == 303, what="3 new")
    assert again.fetched_uids() == [301, 302, 303]


def test_user_pain_31_large_mailboxes_fetches_are_batched(dovecot, rig, caplog):
    dovecot.append("support", mails(35, "batch"))
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    r = rig(batch_size=10).start()
    wait_for(lambda: len(r.spool_keys()) == 35, what="35 stored")
    assert [len(c[1]) for c in r.calls if c[0] == "fetch"] == [10, 10, 10, 5]
    progress = [m for m in caplog.messages if "/35 stored" in m]
    assert progress == [f"imap support: {n}/35 stored" for n in (10, 20, 30, 35)]


def test_user_pain_31_large_mailboxes_uidvalidity_change_rereads_without_duplicates(
        dovecot, rig, caplog):
    dovecot.append("support", mails(5, "uv"))
    r = rig().start()
    wait_for(lambda: len(r.spool_keys()) == 5, what="5 stored")
    r.stop()
    subprocess.run([DOVEADM, "-c", str(dovecot.conf), "mailbox", "update", "-u", "support",
                    "--uid-validity", "4242", "INBOX"], check=True, capture_output=True)
    dovecot.append("support", mails(1, "after-change", start=5))
    caplog.set_level(logging.INFO, logger="ticketd.imap")
    again = rig().start()
    wait_for(lambda: len(again.spool_keys()) == 6, what="the new one")
    wait_for(lambda: any("UIDVALIDITY changed" in m for m in caplog.messages), what="the log")
    assert sorted(again.fetched_uids()) == [1, 2, 3, 4, 5, 6]  # re-read ...
    assert len(set(again.spool_keys())) == 6  # ... without duplicates


def test_user_pain_31_large_mailboxes_idle_is_renewed_and_still_delivers(dovecot, rig):
    r = rig(idle=True, idle_renew_seconds=1).start()
    wait_for(lambda: r.count("idle") >= 3, what="IDLE re-issued")
    dovecot.append("support", mails(1, "idle"))
    wait_for(lambda: len(r.spool_keys()) == 1, what="mail during IDLE")

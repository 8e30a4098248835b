"""Exactly once: 1,000 messages, the daemon killed with SIGKILL mid-batch again and again."""

from __future__ import annotations

import random
import time

import pytest
from conftest import wait_for
from imapfix import config_text, dovecot_fixture, imap_section, mails, spool_rows  # noqa: F401

pytestmark = pytest.mark.dovecot

N = 1000


def seen_message_ids(dovecot, user="support") -> set[str]:
    """Message-IDs of every \\Seen message, read without changing anything."""
    with dovecot.client(user) as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search(["SEEN"])
        if not uids:
            return set()
        data = c.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    out = set()
    for v in data.values():
        header = next(val for key, val in v.items() if key.startswith(b"BODY["))
        out.add(header.decode().split(":", 1)[1].strip().strip("<>"))
    return out


def stored_message_ids(folder) -> set[str]:
    return {mid for _, mid, _ in spool_rows(folder) if mid}


@pytest.mark.slow
def test_1000_messages_with_kill_9_mid_batch_become_exactly_1000_tickets(
        dovecot, daemon_factory, tmp_path):
    dovecot.append("support", mails(N, "bulk"))
    section = imap_section(dovecot, tmp_path, batch_size=25, after="seen")
    d = daemon_factory(config_text(directory="outbox", extra=section), start=False)
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    kills = 0
    while kills < 6:
        d.start()
        before = len(spool_rows(tmp_path))
        # kill once this run has stored something, a random moment later: mid-batch of the
        # poller while mail is coming in, mid-batch of the workers once it is all in
        wait_for(lambda b=before: len(spool_rows(tmp_path)) > b
                 or len(seen_message_ids(dovecot)) == N, timeout=60, interval=0.02,
                 what="progress")
        time.sleep(rng.uniform(0.0, 0.4))
        d.kill9()
        kills += 1
        flagged, stored = seen_message_ids(dovecot), stored_message_ids(tmp_path)
        assert flagged <= stored, (f"seed {seed}: {len(flagged - stored)} message(s) flagged "
                                   "\\Seen but not stored")
        if len(stored) == N and kills >= 3:
            break
    d.start()
    wait_for(lambda: len(seen_message_ids(dovecot)) == N, timeout=120,
             what="every message flagged")
    tickets = wait_for(lambda: (t := d.tickets()) and len(t) >= N and t, timeout=120,
                       what=f"{N} tickets")
    rows = spool_rows(tmp_path)
    assert len(tickets) == N, f"seed {seed}"
    assert len({t["subject"] for t in tickets}) == N  # no duplicates
    assert len(rows) == N and len({key for _, key, _ in rows}) == N
    assert {state for *_, state in rows} == {"done"}
    assert dovecot.count("support") == N
    assert seen_message_ids(dovecot) == stored_message_ids(tmp_path)
    assert kills >= 2, f"seed {seed}: the daemon was killed only {kills} time(s)"

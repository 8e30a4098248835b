"""Three `ticketd run` hosts on one PostgreSQL, all fed over SMTP and sharing one Dovecot
mailbox of 5,000 messages, one of them killed mid-run: every message is stored once and
every notice sent once (issue 9 point 6)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from conftest import NEEDS_PG, make_mail, send, wait_for
from imapfix import config_text, dovecot_fixture, imap_section, mails  # noqa: F401

pytestmark = [pytest.mark.dovecot, pytest.mark.postgres, pytest.mark.slow, NEEDS_PG]

IMAP_N, SMTP_N = 5000, 300


def test_three_hosts_one_database_one_mailbox_one_killed(
        dovecot, daemon_factory, sink, tmp_path, pg_database_factory):
    url = pg_database_factory()
    backlog = mails(IMAP_N, "three")
    dovecot.append("support", backlog[:1])  # the first login makes the Maildir
    for raw in backlog[1:]:
        dovecot.deliver("support", raw)
    hosts = []
    for name in ("a", "b", "c"):
        folder = tmp_path / name
        folder.mkdir()
        text = config_text(sink_port=sink.port, ack_limit=100000,
                           extra=imap_section(dovecot, folder, batch_size=100))
        text = text.replace('database = "sqlite:///ticketd.db"', f'database = "{url}"')
        hosts.append(daemon_factory(text, folder=folder))
    smtp = [make_mail(frm=f"s{i}@customer.example", subject=f"By SMTP {i}") for i in range(SMTP_N)]

    def feed(host, share):
        for m in share:
            send(host.port, m)

    feeders = [threading.Thread(target=feed, args=(h, smtp[i::2]))
               for i, h in enumerate(hosts[1:])]  # the survivors take the SMTP mail
    for t in feeders:
        t.start()
    victim = hosts[0]
    wait_for(lambda: victim.sql("SELECT count(*) FROM ticket")[0][0] > 500, timeout=120,
             what="the run under way")
    victim.kill9_all()  # mid-run: its IMAP lock and leases go with it
    for t in feeders:
        t.join(300)
    total = IMAP_N + SMTP_N
    wait_for(lambda: hosts[1].sql("SELECT count(*) FROM ticket") == [(total,)], timeout=600,
             interval=1, what=f"{total} tickets")
    per_mail = hosts[1].sql("SELECT message_id, count(*) FROM message WHERE direction = 'in' "
                            "GROUP BY message_id")
    assert len(per_mail) == total and {n for _, n in per_mail} == {1}
    wait_for(lambda: hosts[1].sql("SELECT count(*) FROM outbox WHERE status = 'sent'")
             == [(2 * total,)], timeout=600, interval=1, what="every notice sent")
    arrived = Counter(sink.message_ids())
    assert len(arrived) == 2 * total  # each notice arrived
    assert sum(arrived.values()) - len(arrived) <= 4  # a notice in flight at the kill, again

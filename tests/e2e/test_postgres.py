"""The scale-out backend: several `ticketd run` processes sharing one PostgreSQL.

Needs a real server: TICKETD_TEST_POSTGRES_URL (`.ci/run` sets it). Each test
gets a database of its own, dropped afterwards.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from conftest import NEEDS_PG, config_text, make_mail, send, wait_for

pytestmark = [pytest.mark.postgres, NEEDS_PG]


@pytest.fixture
def pg_database(pg_database_factory):
    return pg_database_factory()


def pg_config(url: str, sink_port: int) -> str:
    return config_text(sink_port).replace('database = "sqlite:///ticketd.db"',
                                          f'database = "{url}"')


def rows(url: str, query: str):
    import psycopg2

    con = psycopg2.connect(url)
    try:
        cur = con.cursor()
        cur.execute(query)
        return cur.fetchall()
    finally:
        con.close()


def test_mail_to_ticket_and_reply_on_postgres(daemon_factory, sink, pg_database):
    d = daemon_factory(pg_config(pg_database, sink.port))
    d.send(make_mail(subject="Refund please"))
    ticket = wait_for(d.tickets, what="a ticket")[0]
    assert (ticket["queue"], ticket["priority"]) == ("billing", "high")
    d.send(make_mail(subject=f"Re: [Ticket #{ticket['id']}] Refund please", body="More.\n"))
    wait_for(lambda: len([m for m in d.ticket(ticket["id"])["messages"]
                          if m["direction"] == "in"]) == 2, what="the follow-up")
    assert wait_for(lambda: len(sink.to("dana@customer.example")) == 1, what="one ack")


def test_two_daemons_share_one_database_without_duplicates(daemon_factory, sink, pg_database,
                                                           tmp_path):
    text = pg_config(pg_database, sink.port)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    a = daemon_factory(text, folder=tmp_path / "a")
    b = daemon_factory(text, folder=tmp_path / "b")
    mails = [make_mail(frm=f"c{i}@customer.example", subject=f"Question {i}")
             for i in range(60)]

    def deliver(port):  # both MX hosts get every mail, as after a retry to the other MX
        for m in mails:
            send(port, m)

    threads = [threading.Thread(target=deliver, args=(d.port,)) for d in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    wait_for(lambda: rows(pg_database, "SELECT count(*) FROM spool WHERE state = 'done' "
                                       "AND outcome != 'duplicate'")
             == [(60,)], timeout=60, what="60 processed")  # repeats: a mail log line each
    assert rows(pg_database, "SELECT count(*) FROM ticket") == [(60,)]
    per_message = rows(pg_database, "SELECT message_id, count(*) FROM message "
                                    "WHERE direction = 'in' GROUP BY message_id")
    assert len(per_message) == 60 and {n for _, n in per_message} == {1}
    assignees = Counter(r[0] for r in rows(pg_database, "SELECT assignee FROM ticket"))
    assert assignees == {"alice@example.com": 20, "bob@example.com": 20,
                         "carol@example.com": 20}
    # Each notice is sent by exactly one of the two outbox workers.
    wait_for(lambda: rows(pg_database, "SELECT count(*) FROM outbox WHERE status = 'sent'")
             == [(120,)], timeout=60, what="120 notices sent")
    sent_ids = Counter(m["Message-ID"] for m in sink.parsed())
    assert len(sent_ids) == 120 and set(sent_ids.values()) == {1}

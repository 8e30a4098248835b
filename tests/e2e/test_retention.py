"""[retention]: raw mail past raw_days is purged, the tickets and their texts stay, and the
spool file shrinks (issue 9 point 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import BACKEND, SPOOL_FILE, config_text, make_mail, wait_for


def test_raw_mail_goes_after_raw_days_and_tickets_and_texts_stay(daemon_factory, sink):
    d = daemon_factory(config_text(sink.port, extra="""
        [retention]
        raw_days = 1
    """))
    filler = "".join(f"Line {i} of the log the customer pasted.\n" for i in range(2500))
    for i in range(20):
        d.send(make_mail(frm=f"c{i}@customer.example", subject=f"Crash {i}",
                         body=f"It crashed {i}.\n\n{filler}"))
    wait_for(lambda: d.spool_sql("SELECT count(*) FROM spool WHERE state = 'done'") == [(20,)],
             what="20 processed")
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
    d.spool_execute("UPDATE spool SET received_at = ?", two_days_ago)  # the clock, moved on
    size = (d.folder / SPOOL_FILE).stat().st_size if BACKEND == "sqlite" else 0

    dry = d.cli("purge", "--dry-run").stdout.decode()
    assert "would purge raw bytes of processed mail: 20" in dry
    assert d.spool_sql("SELECT count(*) FROM spool WHERE raw IS NOT NULL") == [(20,)]

    assert "purged raw bytes of processed mail: 20" in d.cli("purge").stdout.decode()
    assert d.spool_sql("SELECT count(*) FROM spool WHERE raw IS NOT NULL") == [(0,)]
    assert d.spool_sql("SELECT count(*) FROM spool") == [(20,)]  # the mail log stays
    tickets = d.tickets()
    assert len(tickets) == 20
    last = next(t for t in tickets if t["subject"] == "Crash 19")  # workers finish in any order
    text = d.ticket(last["id"])["messages"][0]["text"]
    assert text.startswith("It crashed 19.") and "Line 2499 of the log" in text
    if BACKEND == "sqlite":  # PostgreSQL reuses the space instead of shrinking a file
        assert (d.folder / SPOOL_FILE).stat().st_size < size / 2
    assert "nothing to purge" in d.cli("purge").stdout.decode()

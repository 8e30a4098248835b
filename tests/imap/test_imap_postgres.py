"""Two `ticketd run` hosts on one PostgreSQL share a mailbox: one drains it, the other stands by."""

from __future__ import annotations

import pytest
from conftest import NEEDS_PG, wait_for
from imapfix import config_text, dovecot_fixture, imap_section, mails  # noqa: F401

pytestmark = [pytest.mark.dovecot, pytest.mark.postgres, NEEDS_PG]


@pytest.fixture
def pg_url(pg_database_factory):
    return pg_database_factory()


def test_two_hosts_one_mailbox_one_drains_the_other_takes_over_after_kill_9(
        dovecot, daemon_factory, tmp_path, pg_url):
    hosts = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        text = config_text(directory="outbox", extra=imap_section(dovecot, folder, batch_size=10))
        text = text.replace('database = "sqlite:///ticketd.db"', f'database = "{pg_url}"')
        hosts.append(daemon_factory(text, folder=folder))
    dovecot.append("support", mails(50, "pg"))
    tickets = wait_for(lambda: (t := hosts[0].tickets()) and len(t) >= 50 and t, timeout=60,
                       what="50 tickets")
    assert len(tickets) == 50 and len({t["subject"] for t in tickets}) == 50
    standing = wait_for(lambda: [h for h in hosts if "standing by" in h.log_text()],
                        what="one host standing by")
    assert len(standing) == 1
    active = next(h for h in hosts if h is not standing[0])
    active.kill9()  # its database connection dies, and the lock with it
    dovecot.append("support", mails(5, "after", start=50))
    try:
        wait_for(lambda: len(standing[0].tickets()) == 55, timeout=60, what="the other host")
    except AssertionError as exc:  # say what each host did
        raise AssertionError(f"{exc}\n--- standing host:\n{standing[0].log_text()[-4000:]}"
                             f"\n--- killed host:\n{active.log_text()[-2000:]}") from None
    assert "took over the mailbox" in standing[0].log_text()

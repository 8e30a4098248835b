"""Issue 12, point 18: an IMAP mailbox's `queue` wins over the queue a recipient maps to."""

from __future__ import annotations

import pytest
from conftest import make_mail, wait_for
from imapfix import config_text, dovecot_fixture, imap_section  # noqa: F401

pytestmark = pytest.mark.dovecot


def test_point_18_an_imap_mailboxs_queue_wins_over_the_recipients_queue(
        daemon_factory, dovecot, tmp_path):
    dovecot.append("support", [make_mail(to="support@example.com",
                                         subject="Forwarded to the billing mailbox").as_bytes()])
    section = imap_section(dovecot, tmp_path, name="support", queue="billing")
    d = daemon_factory(config_text(directory="outbox", extra=section))
    ticket = wait_for(d.tickets, what="the mailbox's ticket")[0]
    assert ticket["queue"] == "billing"

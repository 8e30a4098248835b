"""§23: a 20 MB attachment goes from raw bytes to the database under 4x its size,
stored once per sha256; attachments over the limits are named, not stored."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from email.message import EmailMessage

import pytest

from daemon.config import LimitsConfig
from daemon.store.db import open_tickets, write_transaction
from daemon.store.models import Attachment, Blob, Message, Ticket
from daemon.worker.attachments import store_attachments
from parsers.message import parse_message


@pytest.fixture
def db(tmp_path):
    database = open_tickets(f"sqlite:///{tmp_path / 't.db'}", create=True)
    yield database
    database.close()


def mail_with(*files: tuple[str, bytes]) -> bytes:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = "a@customer.example", "support@example.com", "files"
    m.set_content("see attached")
    for name, data in files:
        m.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return m.as_bytes()


def message_row() -> int:
    t = Ticket.create(subject="s", queue="general", requester="a@customer.example")
    return Message.create(ticket=t.id, direction="in", kind="customer").id


def test_user_pain_23_20_mb_attachment_stored_with_peak_memory_under_4x(db):
    payload = os.urandom(20 * 1024 * 1024)
    raw = mail_with(("dump.bin", payload))
    tracemalloc.start()
    try:
        msg = parse_message(raw)
        with write_transaction(db):
            omitted = store_attachments(message_row(), msg, LimitsConfig())
        del msg
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert omitted == []
    blob = Blob.get_by_id(hashlib.sha256(payload).hexdigest())
    assert bytes(blob.data) == payload
    print(f"peak {peak / 2**20:.1f} MiB for a 20 MiB attachment (parse + store)")
    assert peak < 4 * len(payload), f"peak {peak / 2**20:.0f} MiB for 20 MiB"


def test_user_pain_23_same_content_stored_once_and_limits_name_what_was_left_out(db):
    raw = mail_with(("a.bin", b"same" * 100), ("b.bin", b"same" * 100), ("big.bin", b"x" * 5000),
                    ("c.bin", b"y" * 900))
    limits = LimitsConfig(max_attachment_bytes=4000, max_message_attachment_bytes=1500)
    with write_transaction(db):
        omitted = store_attachments(message_row(), parse_message(raw), limits)
    assert [o.filename for o in omitted] == ["big.bin", "c.bin"]
    assert "larger than the limit" in omitted[0].why and "total" in omitted[1].why
    assert [a.filename for a in Attachment.select().order_by(Attachment.id)] == ["a.bin",
                                                                                 "b.bin"]
    assert Blob.select().count() == 1

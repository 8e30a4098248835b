"""§29: the author's Date in UTC; the receive time when the Date can't be trusted."""

from __future__ import annotations

from datetime import UTC, datetime

from mailbuild import raw_mail

from parsers.message import parse_message

RECEIVED = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)


def date_of(value: str | None):
    head = "From: a@customer.example\nSubject: x\n" + (f"Date: {value}\n" if value else "")
    msg = parse_message(raw_mail(head), received_at=RECEIVED)
    return msg.date, msg.defects


def test_user_pain_29_dates_offsets_become_utc():
    assert date_of("Tue, 1 Apr 2025 09:00:00 +0900")[0] == datetime(2025, 4, 1, 0, 0,
                                                                      tzinfo=UTC)
    assert date_of("Tue, 1 Apr 2025 09:00:00 -0000")[0] == datetime(2025, 4, 1, 9, 0,
                                                                      tzinfo=UTC)
    assert date_of("Mon, 31 Mar 2025 20:30:00 -0330")[0] == datetime(2025, 4, 1, 0, 0,
                                                                       tzinfo=UTC)


def test_user_pain_29_dates_missing_garbage_or_future_use_the_receive_time():
    for value in (None, "yesterday-ish", "Tue, 1 Apr 2099 09:00:00 +0000", "Fri, 99 Foo 2025"):
        date, defects = date_of(value)
        assert date == RECEIVED, value
        assert any("receive time" in d for d in defects), value

"""The Date header in UTC, or the receive time when the header can't be trusted.

Any offset is applied (`+0900`, `-0000`); a missing, garbage or far-future
Date gives the receive time, so ordering never depends on a sender's clock,
and the reason is returned for the message's defects.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

FUTURE_SLACK = timedelta(hours=24)
_DATE_HEADER = re.compile(rb"^date:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


def raw_date(raw: bytes, received_at: datetime) -> datetime:
    """The usable Date of raw bytes, without a full parse; else `received_at`."""
    return message_date(_raw_date_value(raw), received_at)[0]


def raw_header_date(raw: bytes, now: datetime) -> datetime | None:
    """The usable Date of raw bytes (no full parse), or None when there is none to trust."""
    date, why = message_date(_raw_date_value(raw), now)
    return None if why else date


def _raw_date_value(raw: bytes) -> str | None:
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    m = _DATE_HEADER.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def message_date(value: str | None, received_at: datetime | None) -> tuple[datetime, str]:
    """(date in UTC, "" or why the receive time was used instead)."""
    now = (received_at or datetime.now(UTC)).astimezone(UTC)
    if not value or not value.strip():
        return now, "no Date header; using the receive time"
    try:
        dt = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = None
    if dt is None:
        return now, f"unreadable Date {value.strip()[:60]!r}; using the receive time"
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        dt = dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return now, "Date out of range; using the receive time"
    if dt > now + FUTURE_SLACK:
        return now, f"Date {dt.isoformat()} is in the future; using the receive time"
    return dt, ""

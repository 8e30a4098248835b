"""The one clock ticket decisions read: the system's in the daemon, a driven one in tests.

Whatever decides by time (a new ticket's created_at, resolved tickets closing,
circulation timers) takes `now` from the Clock it was given at the composition
root, so a test can set a weekend or a holiday and step through it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()

"""Business time: working hours in a time zone, minus weekends and holidays. Pure.

Targets such as "4h" count only working time: a ticket that arrives on Friday
at 16:00 with a 4-hour target under 09:00-17:00 is due on Monday at 12:00 (or
Tuesday, when Monday is a public holiday). Holidays come from the `holidays`
library (maintained per country and region) plus the admin's own days off;
zones from `zoneinfo`, so daylight-saving changes are the zone's, not ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKDAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$")
_SEARCH_DAYS = 3660  # a calendar with no working time in ten years is refused


class CalendarError(ValueError):
    """A calendar or duration that cannot be used, in words for check-config."""


@dataclass(frozen=True)
class Duration:
    """A business duration as written: whole working days plus hours and minutes."""

    days: int = 0
    seconds: int = 0

    def total(self, day_seconds: int) -> int:
        return self.days * day_seconds + self.seconds


def parse_duration(text: str) -> Duration:
    """'30m', '4h', '2d', '1d 4h' -> Duration; raise CalendarError otherwise."""
    m = _DURATION.match(text or "")
    if not m or not any(m.groups()):
        raise CalendarError(f"{text!r} is not a duration (write e.g. 30m, 4h, 2d, 1d 4h)")
    days, hours, minutes = (int(g or 0) for g in m.groups())
    return Duration(days, hours * 3600 + minutes * 60)


def parse_hours(ranges: list[str]) -> tuple[tuple[time, time], ...]:
    """["08:00-12:00", "13:00-17:00"] -> ordered, non-overlapping (start, end) pairs."""
    out = []
    for text in ranges:
        m = _RANGE.match(text)
        if not m:
            raise CalendarError(f"{text!r} is not a range of hours (write e.g. 09:00-17:00)")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            raise CalendarError(f"{text!r}: no such time of day")
        start = time(h1, m1)
        end = time.max if h2 == 24 else time(h2, m2)
        if end <= start:
            raise CalendarError(f"{text!r}: the end must come after the start")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            raise CalendarError("the working hours overlap")
    if not out:
        raise CalendarError("no working hours given")
    return tuple(out)


def holiday_dates(country: str, subdivision: str = ""):
    """The `holidays` library's calendar for a country (and region): a lazy date set."""
    if not country:
        return frozenset()
    import holidays  # imported when a calendar needs it: `ticketd ingest` never does

    try:
        return holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError as exc:  # how the library says it has no such country
        raise CalendarError(f"{country!r} is not a country the holidays library knows "
                            "(use an ISO code such as DE, US, GB)") from exc
    except Exception as exc:  # the library's own error for a subdivision it lacks
        raise CalendarError(f"{subdivision!r} is not a subdivision of {country}: {exc}") from exc


class BusinessCalendar:
    def __init__(self, zone: str = "UTC", workdays=("mon", "tue", "wed", "thu", "fri"),
                 hours=("09:00-17:00",), holidays=frozenset(), extra_days=()):
        try:
            self.zone = ZoneInfo(zone)
        except Exception as exc:
            raise CalendarError(f"{zone!r} is not a time zone (use an IANA name such as "
                                "Europe/Berlin)") from exc
        unknown = [d for d in workdays if d not in WEEKDAY_INDEX]
        if unknown or not workdays:
            raise CalendarError(f"workdays must be among {', '.join(WEEKDAY_INDEX)}")
        self.workdays = frozenset(WEEKDAY_INDEX[d] for d in workdays)
        self.hours = parse_hours(list(hours))
        self.holidays = holidays
        self.extra_days = frozenset(_parse_day(d) for d in extra_days)

    @property
    def day_seconds(self) -> int:
        """The length of a working day: what '1d' means in a target."""
        return sum(_seconds(a, b) for a, b in self.hours)

    def is_working_day(self, day: date) -> bool:
        return (day.weekday() in self.workdays and day not in self.extra_days
                and day not in self.holidays)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The moment `seconds` of working time after `start`."""
        left = max(0.0, seconds)
        for a, b in self._intervals(start):
            if b <= start:
                continue
            a = max(a, start)
            span = (b - a).total_seconds()
            if left <= span:
                return a + timedelta(seconds=left)
            left -= span
        raise CalendarError("the calendar has no working time")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> float:
        """Working seconds from `start` to `end` (0 when end is not later)."""
        total = 0.0
        if end <= start:
            return total
        for a, b in self._intervals(start):
            if a >= end:
                break
            total += max(0.0, (min(b, end) - max(a, start)).total_seconds())
        return total

    def _intervals(self, start: datetime):
        """Working intervals (UTC) from the local day of `start` on."""
        day = start.astimezone(self.zone).date()
        for _ in range(_SEARCH_DAYS):
            if self.is_working_day(day):
                for a, b in self.hours:
                    yield self._utc(day, a), self._utc(day, b)
            day += timedelta(days=1)

    def _utc(self, day: date, t: time) -> datetime:
        if t == time.max:
            return datetime.combine(day + timedelta(days=1), time(), self.zone).astimezone(UTC)
        return datetime.combine(day, t, self.zone).astimezone(UTC)


def calendar_from_config(c) -> BusinessCalendar:
    """A [calendar] section -> BusinessCalendar (raises CalendarError naming the problem)."""
    return _cached(c.timezone, tuple(c.workdays), tuple(c.hours), c.holidays, c.subdivision,
                   tuple(c.extra_holidays))


@lru_cache(maxsize=8)
def _cached(zone, workdays, hours, country, subdivision, extra) -> BusinessCalendar:
    return BusinessCalendar(zone, workdays, hours, holiday_dates(country, subdivision), extra)


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise CalendarError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


def _seconds(a: time, b: time) -> int:
    end = 86400 if b == time.max else b.hour * 3600 + b.minute * 60
    return end - (a.hour * 3600 + a.minute * 60)

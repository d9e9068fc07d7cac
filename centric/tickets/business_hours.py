"""Business hours: when a team is at work, in its own time zone, public holidays excepted.

SLA targets count only these seconds. Every sum is done on UTC instants: two aware datetimes
of one zone subtract as wall-clock times in Python, which is an hour wrong across a
daylight-saving change. Each day's opening hours are placed in the calendar's zone, so "08:00"
stays 08:00 local on both sides of a change. Public holidays come from the `holidays` package
(Nigeria's Eid and Mawlid move each year; it carries them), plus the business's own closed days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

UTC = dt.UTC
MIDNIGHT = dt.time(0, 0)
# A calendar open a few minutes a year still ends; one never open is refused when saved. This
# bounds the walk so a bad row can never hang the worker.
MAX_DAYS = 3 * 366

Interval = tuple[dt.time, dt.time]


class NoBusinessHours(ValueError):
    """The calendar has no opening hours to count in."""


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    """The country's public holidays of a year, by date (observed days included)."""
    import holidays

    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return {day: str(name) for day, name in sorted(found.items())}


def parse_week(raw: Mapping[str, Sequence[Sequence[str]]]) -> tuple[tuple[Interval, ...], ...]:
    """{"0": [["08:00", "17:00"]], …} (0 is Monday) as seven tuples of (opens, closes);
    "24:00" or "00:00" as a closing time means midnight at the end of the day."""
    week: list[tuple[Interval, ...]] = []
    for weekday in range(7):
        intervals = []
        for opens, closes in raw.get(str(weekday), ()):
            start = dt.time.fromisoformat(opens)
            end = MIDNIGHT if closes in ("24:00", "00:00") else dt.time.fromisoformat(closes)
            if end != MIDNIGHT and end <= start:
                raise ValueError(f"{opens}–{closes} closes before it opens")
            intervals.append((start, end))
        intervals.sort()
        for (_a, end), (start, _b) in zip(intervals, intervals[1:], strict=False):
            if end == MIDNIGHT or start < end:
                raise ValueError("opening hours overlap")
        week.append(tuple(intervals))
    return tuple(week)


@dataclass(frozen=True)
class Hours:
    """A calendar as the clocks read it (see `tickets.sla.hours_for`)."""

    zone: ZoneInfo
    week: tuple[tuple[Interval, ...], ...] = ()
    country: str = ""
    subdivision: str = ""
    closed: frozenset[dt.date] = field(default_factory=frozenset)
    # Public holidays the business works after all (an estimated Eid the government moved).
    opened: frozenset[dt.date] = field(default_factory=frozenset)
    always_open: bool = False

    def holiday(self, day: dt.date) -> str | None:
        """Why the business is closed on a day it would open, or None."""
        if day in self.closed:
            return "closed"
        if self.country and day not in self.opened:
            return public_holidays(self.country, self.subdivision, day.year).get(day)
        return None

    def _open_spans(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The day's opening hours as UTC instants (none on a holiday)."""
        if self.holiday(day) is not None:
            return
        for opens, closes in self.week[day.weekday()]:
            start = dt.datetime.combine(day, opens, tzinfo=self.zone).astimezone(UTC)
            end_day = day + dt.timedelta(days=1) if closes == MIDNIGHT else day
            end = dt.datetime.combine(end_day, closes, tzinfo=self.zone).astimezone(UTC)
            yield start, end

    def add(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The instant `seconds` of business time after `start` (UTC)."""
        start = start.astimezone(UTC)
        if self.always_open or seconds <= 0:
            return start + dt.timedelta(seconds=max(seconds, 0))
        remaining = seconds
        day = start.astimezone(self.zone).date()
        for _ in range(MAX_DAYS):
            for opens, closes in self._open_spans(day):
                opens = max(opens, start)
                if closes <= opens:
                    continue
                span = (closes - opens).total_seconds()
                if remaining <= span:
                    return opens + dt.timedelta(seconds=remaining)
                remaining -= span
            day += dt.timedelta(days=1)
        raise NoBusinessHours("no opening hours within three years")

    def between(self, start: dt.datetime, end: dt.datetime) -> float:
        """Business seconds from `start` to `end` (0 when end is not after start)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds()
        total = 0.0
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            for opens, closes in self._open_spans(day):
                overlap = (min(closes, end) - max(opens, start)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def holidays_between(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
        """Closed days in a range, with their names (for the settings page)."""
        found = []
        day = first
        while day <= last:
            name = self.holiday(day)
            if name is not None:
                found.append((day, name))
            day += dt.timedelta(days=1)
        return found


ALWAYS_OPEN = Hours(zone=ZoneInfo("UTC"), always_open=True)

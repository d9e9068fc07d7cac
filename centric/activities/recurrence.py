"""The next occurrence of a recurring activity: the rule, in one place."""

from __future__ import annotations

import calendar
import datetime as dt

from centric.activities.choices import Recurrence


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later, or that month's last day (31 January + 1 month is
    28 or 29 February, not 3 March)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_due(due_at: dt.datetime, recurrence: str, interval: int = 1) -> dt.datetime | None:
    """When the occurrence after one due at `due_at` is due (None: it does not repeat).

    The wall-clock time is kept in the zone `due_at` carries, so a 09:00 call stays at 09:00.
    """
    interval = max(1, interval)
    if recurrence == Recurrence.DAILY:
        return due_at + dt.timedelta(days=interval)
    if recurrence == Recurrence.WEEKDAYS:
        following = due_at
        for _ in range(interval):
            following += dt.timedelta(days=1)
            while following.weekday() >= 5:  # Saturday, Sunday
                following += dt.timedelta(days=1)
        return following
    if recurrence == Recurrence.WEEKLY:
        return due_at + dt.timedelta(weeks=interval)
    if recurrence == Recurrence.MONTHLY:
        return _add_months(due_at, interval)
    if recurrence == Recurrence.YEARLY:
        return _add_months(due_at, 12 * interval)
    return None

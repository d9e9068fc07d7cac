"""What My day reads of activities: the scope's overdue and today's open ones, and how many are
ahead this week, in three queries whatever the number of activities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from centric.activities.models import Activity
from centric.core.day import DayScope

AGENDA_SIZE = 20


@dataclass
class Agenda:
    overdue: list[Activity] = field(default_factory=list)
    today: list[Activity] = field(default_factory=list)
    overdue_count: int = 0
    today_count: int = 0
    week_count: int = 0


def open_activities(scope: DayScope) -> QuerySet[Activity]:
    return Activity.objects.visible_to(scope.user).filter(scope.owned(), done_at__isnull=True)


def _overdue_q(scope: DayScope, now: dt.datetime) -> Q:
    """Past its time; an all-day task only once its day is over. (Written with `due_at < now`
    on its own, which the day's start never passes, so the index reads a range.)"""
    return Q(due_at__lt=now) & (Q(due_at__lt=scope.day_start) | Q(all_day=False))


def agenda(scope: DayScope, *, size: int = AGENDA_SIZE) -> Agenda:
    now = timezone.now()
    week_end = scope.day_end + dt.timedelta(days=7)
    base = open_activities(scope)
    overdue = _overdue_q(scope, now)
    # Due today and not overdue, written as a range of the day (the index reads it).
    today = Q(due_at__gte=scope.day_start, due_at__lt=scope.day_end) & (
        Q(due_at__gte=now) | Q(all_day=True)
    )
    counts = base.filter(due_at__lt=week_end).aggregate(
        overdue=Count("id", filter=overdue),
        today=Count("id", filter=today),
        week=Count("id", filter=Q(due_at__gte=scope.day_end)),
    )
    related = ("person", "organisation", "deal", "owner")
    return Agenda(
        # The most recent first: what slipped yesterday matters more than last month's.
        overdue=list(
            base.filter(overdue).select_related(*related).order_by("-due_at", "-id")[:size]
        ),
        today=list(base.filter(today).select_related(*related).order_by("due_at", "id")[:size]),
        overdue_count=counts["overdue"],
        today_count=counts["today"],
        week_count=counts["week"],
    )

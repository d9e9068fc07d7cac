"""Satisfaction results: CSAT (the share of 4s and 5s), the average and the count, per agent,
team, category and month, over the tickets the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from centric.tickets.models import SatisfactionRating, Ticket


@dataclass
class Group:
    key: Any
    label: str
    count: int
    satisfied: int
    average: float

    @property
    def csat(self) -> int | None:
        return round(100 * self.satisfied / self.count) if self.count else None


@dataclass
class SatisfactionReport:
    start: dt.date
    end: dt.date
    total: Group
    by_agent: list[Group] = field(default_factory=list)
    by_team: list[Group] = field(default_factory=list)
    by_category: list[Group] = field(default_factory=list)
    by_month: list[Group] = field(default_factory=list)
    comments: list[SatisfactionRating] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[Group]]]:
        return [
            ("agent", self.by_agent),
            ("team", self.by_team),
            ("category", self.by_category),
            ("month", self.by_month),
        ]


def _grouped(ratings: Any, key: str, label: str) -> list[Group]:
    rows = (
        ratings.values(key, label)
        .annotate(n=Count("id"), good=Count("id", filter=Q(score__gte=4)), avg=Avg("score"))
        .order_by("-n", label)
    )
    return [
        Group(row[key], str(row[label] or "—"), row["n"], row["good"], round(row["avg"], 2))
        for row in rows
    ]


def satisfaction_report(user: Any, start: dt.date, end: dt.date) -> SatisfactionReport:
    visible = Ticket.objects.visible_to(user).values("pk")
    ratings = SatisfactionRating.objects.filter(
        ticket__in=visible, rated_at__date__gte=start, rated_at__date__lte=end
    )
    totals = ratings.aggregate(
        n=Count("id"), good=Count("id", filter=Q(score__gte=4)), avg=Avg("score")
    )
    months = [
        Group(row["month"], f"{row['month']:%b %Y}", row["n"], row["good"], round(row["avg"], 2))
        for row in ratings.annotate(month=TruncMonth("rated_at"))
        .values("month")
        .annotate(n=Count("id"), good=Count("id", filter=Q(score__gte=4)), avg=Avg("score"))
        .order_by("month")
    ]
    return SatisfactionReport(
        start=start,
        end=end,
        total=Group(None, "", totals["n"], totals["good"], round(totals["avg"] or 0, 2)),
        by_agent=_grouped(ratings, "agent_id", "agent__username"),
        by_team=_grouped(ratings, "team_id", "team__name"),
        by_category=_grouped(ratings, "category_id", "category__name"),
        by_month=months,
        comments=list(
            ratings.exclude(comment="").select_related("ticket", "agent").order_by("-rated_at")[:20]
        ),
    )

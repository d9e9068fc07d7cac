"""The service report: volume, first-answer and solution times, SLA compliance, reopen rate and
CSAT of the tickets made in a period, and the backlog (not solved) by age today — by team,
agent, channel or category, over the tickets the user may see.

Times are medians of wall-clock hours (what the customer waited); SLA compliance is the share
of tickets held to a policy that missed none of its targets. Each figure names the list filter
that shows its tickets (`link`)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from centric.tickets.choices import Channel
from centric.tickets.models import SatisfactionRating, Ticket

GROUPINGS = {
    # by: (the ticket's column, the list filter's name, how a key is shown)
    "team": ("team_id", "team", "team__name"),
    "agent": ("owner_id", "owner", "owner__username"),
    "channel": ("channel", "channel", None),
    "category": ("category_id", "category", "category__name"),
}
AGE_BUCKETS = ((1, "< 1 day"), (3, "1–3 days"), (7, "3–7 days"), (None, "> 7 days"))


@dataclass
class Row:
    key: Any
    label: str
    created: int = 0
    solved: int = 0
    answer_hours: list[float] = field(default_factory=list)
    solve_hours: list[float] = field(default_factory=list)
    with_sla: int = 0
    sla_met: int = 0
    reopened: int = 0
    ratings: int = 0
    satisfied: int = 0
    backlog: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(AGE_BUCKETS))

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return round(statistics.median(values), 2) if values else None

    @property
    def median_answer_hours(self) -> float | None:
        return self._median(self.answer_hours)

    @property
    def median_solve_hours(self) -> float | None:
        return self._median(self.solve_hours)

    @property
    def sla_percent(self) -> int | None:
        return round(100 * self.sla_met / self.with_sla) if self.with_sla else None

    @property
    def reopen_percent(self) -> int | None:
        return round(100 * self.reopened / self.solved) if self.solved else None

    @property
    def csat(self) -> int | None:
        return round(100 * self.satisfied / self.ratings) if self.ratings else None


@dataclass
class ServiceReport:
    by: str
    start: dt.date
    end: dt.date
    rows: list[Row]
    total: Row
    filter_name: str

    def link(self, row: Row) -> str:
        """The list filter of a row's tickets (`team=3`); "" for the total."""
        return f"{self.filter_name}={row.key}" if row.key is not None else ""


def _label(by: str, key: Any, names: dict[Any, str]) -> str:
    if by == "channel":
        return str(dict(Channel.choices).get(key, key or "—"))
    return names.get(key, "—")


def service_report(user: Any, by: str, start: dt.date, end: dt.date) -> ServiceReport:
    column, filter_name, name_path = GROUPINGS[by]
    visible = Ticket.objects.visible_to(user)
    now = timezone.now()
    rows: dict[Any, Row] = {}
    total = Row(None, "")
    names: dict[Any, str] = {}
    if name_path:
        names = dict(
            visible.filter(**{f"{column}__isnull": False})
            .values_list(column, name_path)
            .distinct()
            .order_by()
        )

    def row_of(key: Any) -> Row:
        if key not in rows:
            rows[key] = Row(key, _label(by, key, names))
        return rows[key]

    made = visible.filter(created_at__date__gte=start, created_at__date__lte=end).values_list(
        column,
        "created_at",
        "first_response_at",
        "solved_at",
        "sla_policy_id",
        "first_response_breached_at",
        "resolution_breached_at",
        "reopened_count",
    )
    for (
        key,
        created,
        answered,
        solved,
        policy,
        late_answer,
        late_solution,
        reopened,
    ) in made.order_by().iterator(chunk_size=5_000):
        for row in (row_of(key), total):
            row.created += 1
            if answered is not None:
                row.answer_hours.append((answered - created).total_seconds() / 3600)
            if solved is not None:
                row.solved += 1
                row.solve_hours.append((solved - created).total_seconds() / 3600)
                row.reopened += reopened > 0
            if policy is not None:
                row.with_sla += 1
                row.sla_met += late_answer is None and late_solution is None
    backlog = visible.filter(solved_at__isnull=True, closed_at__isnull=True).values_list(
        column, "created_at"
    )
    for key, created in backlog.order_by().iterator(chunk_size=5_000):
        age_days = (now - created).total_seconds() / 86400
        bucket = next(
            i for i, (limit, _name) in enumerate(AGE_BUCKETS) if limit is None or age_days < limit
        )
        for row in (row_of(key), total):
            row.backlog += 1
            row.ages[bucket] += 1
    rated = SatisfactionRating.objects.filter(
        ticket__in=visible.values("pk"), rated_at__date__gte=start, rated_at__date__lte=end
    ).values_list(f"ticket__{column}", "score")
    for key, score in rated.order_by().iterator():
        for row in (row_of(key), total):
            row.ratings += 1
            row.satisfied += score >= 4
    ordered = sorted(rows.values(), key=lambda row: (-row.created, row.label))
    return ServiceReport(by, start, end, ordered, total, filter_name)

"""Forecast and sales reports: what the pipeline is worth by close month (weighted by the stages'
win probabilities), and how selling went over a period (win rate, deal size, cycle length,
stage conversion). Each figure comes with the filters of the deals behind it, so a page can
link every number to those deals.

Amounts are added in the business's currency (`CENTRIC_DEFAULT_CURRENCY`): the forecast converts
other currencies at today's rates, results at the rate of the month each deal closed
(`sales.exchange`); a currency without a rate is counted apart, never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from centric.sales.choices import StageOutcome
from centric.sales.exchange import rates_on
from centric.sales.models import Deal, Pipeline

CENT = Decimal("0.01")
MAX_MONTHS = 24


def business_currency() -> str:
    return str(settings.CENTRIC_DEFAULT_CURRENCY)


def _month(value: Any) -> dt.date:
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else value.replace(day=1)


def month_starts(start: dt.date, months: int) -> list[dt.date]:
    first = start.replace(day=1)
    result = []
    for offset in range(months):
        index = first.month - 1 + offset
        result.append(dt.date(first.year + index // 12, index % 12 + 1, 1))
    return result


def _next_month(month: dt.date) -> dt.date:
    return month_starts(month, 2)[1]


@dataclass
class Cell:
    deals: int = 0
    value: Decimal = Decimal("0.00")
    weighted: Decimal = Decimal("0.00")
    # The deal list's filters for the deals behind this cell.
    filters: dict[str, str] = field(default_factory=dict)


@dataclass
class ForecastRow:
    key: int | None
    label: str
    cells: dict[dt.date, Cell] = field(default_factory=dict)
    total: Cell = field(default_factory=Cell)


@dataclass
class Forecast:
    months: list[dt.date]
    by: str
    currency: str
    rows: list[ForecastRow]
    totals: dict[dt.date, Cell]
    total: Cell
    without_close_date: int
    other_currencies: dict[str, int]


def _people(ids: set[int]) -> dict[int, str]:
    from django.contrib.auth import get_user_model

    User: Any = get_user_model()
    return {
        user.pk: user.get_full_name() or user.get_username()
        for user in User.objects.filter(pk__in=ids)
    }


def _teams(ids: set[int]) -> dict[int, str]:
    from django.apps import apps

    Team: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    return {team.pk: team.name for team in Team.objects.filter(pk__in=ids)}


def forecast(user: Any, *, start: dt.date, months: int = 6, by: str = "owner") -> Forecast:
    """Open deals the user may see by expected close month and owner (or team): how many, what
    they are worth, and weighted by their stage's win probability."""
    months = max(1, min(months, MAX_MONTHS))
    shown = month_starts(start, months)
    end = _next_month(shown[-1])
    group = "team_id" if by == "team" else "owner_id"
    currency = business_currency()
    # `closed_at` null as well: the condition of the open deals' indexes.
    open_deals = Deal.objects.visible_to(user).filter(
        closed_at__isnull=True, stage__outcome=StageOutcome.OPEN
    )
    dated = open_deals.filter(expected_close_on__gte=shown[0], expected_close_on__lt=end)
    weighted = ExpressionWrapper(
        F("amount") * F("stage__probability") / 100,
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    rows_by_key: dict[int | None, ForecastRow] = {}
    totals = {
        month: Cell(filters={"close_month": f"{month:%Y-%m}", "outcome": "open"}) for month in shown
    }
    total = Cell(filters={"outcome": "open"})
    sums = list(
        dated.annotate(month=TruncMonth("expected_close_on"))
        .values("month", group, "currency")
        .annotate(deals=Count("id"), value=Sum("amount"), weighted=Sum(weighted))
        .order_by()
    )
    # Other currencies convert at today's rates (`sales.exchange`); one without a rate is
    # counted apart, never guessed.
    rates = rates_on(timezone.localdate(), {item["currency"] for item in sums})
    others: dict[str, int] = {}
    for item in sums:
        rate = rates.get(item["currency"])
        if rate is None:
            others[item["currency"]] = others.get(item["currency"], 0) + item["deals"]
            continue
        key = item[group]
        month = _month(item["month"])
        row = rows_by_key.setdefault(key, ForecastRow(key, ""))
        filters = {"close_month": f"{month:%Y-%m}", "outcome": "open"}
        filters.update({"team": str(key)} if by == "team" else {"owner": str(key or "none")})
        cell = row.cells.setdefault(month, Cell(filters=filters))
        value = ((item["value"] or Decimal(0)) * rate).quantize(CENT)
        weight = ((item["weighted"] or Decimal(0)) * rate).quantize(CENT)
        for target in (cell, row.total, totals[month], total):
            target.deals += item["deals"]
            target.value += value
            target.weighted += weight
    names = (_teams if by == "team" else _people)({k for k in rows_by_key if k is not None})
    for key, row in rows_by_key.items():
        row.label = names.get(key, "") if key is not None else ""
        row.total.filters = {"outcome": "open"} | (
            {"team": str(key)} if by == "team" else {"owner": str(key or "none")}
        )
    rows = sorted(rows_by_key.values(), key=lambda r: (-r.total.weighted, r.label))
    return Forecast(
        months=shown,
        by=by,
        currency=currency,
        rows=rows,
        totals=totals,
        total=total,
        without_close_date=open_deals.filter(expected_close_on__isnull=True).count(),
        other_currencies=others,
    )


@dataclass
class OwnerResult:
    key: int | None
    label: str
    won: int = 0
    lost: int = 0
    won_value: Decimal = Decimal("0.00")
    average_won: Decimal | None = None
    cycle_days: float | None = None

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return round(100 * self.won / closed, 1) if closed else None


@dataclass
class StageReach:
    name: str
    reached: int
    # Of those that reached the stage before, the share that reached this one.
    conversion: float | None


@dataclass
class Performance:
    start: dt.date
    end: dt.date
    currency: str
    total: OwnerResult
    owners: list[OwnerResult]
    pipeline: Pipeline | None
    stages: list[StageReach]


def _cycle_days(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86_400, 1)
    return round(float(value) / 86_400_000_000, 1)  # microseconds (SQLite)


def performance(
    user: Any, *, start: dt.date, end: dt.date, pipeline: Pipeline | None = None
) -> Performance:
    """Deals the user may see that closed between `start` and `end` (inclusive): won and lost,
    win rate, average won deal and days from creation to a win, overall and by owner; and, for
    the deals of `pipeline` created in the period, how far they got, stage by stage."""
    currency = business_currency()
    closed = Deal.objects.visible_to(user).filter(
        closed_at__date__gte=start, closed_at__date__lte=end
    )
    cycle = ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
    by_owner: dict[int | None, OwnerResult] = {}
    total = OwnerResult(None, "")
    counts = closed.values("owner_id", "stage__outcome").annotate(n=Count("id")).order_by()
    for item in counts:
        row = by_owner.setdefault(item["owner_id"], OwnerResult(item["owner_id"], ""))
        if item["stage__outcome"] == StageOutcome.WON:
            row.won += item["n"]
            total.won += item["n"]
        elif item["stage__outcome"] == StageOutcome.LOST:
            row.lost += item["n"]
            total.lost += item["n"]
    won = closed.filter(stage__outcome=StageOutcome.WON)
    # Won value in the business's currency: each currency at the rate of the month it closed.
    sums = list(
        won.annotate(month=TruncMonth("closed_at"))
        .values("owner_id", "month", "currency")
        .annotate(value=Sum("amount"), deals=Count("id", filter=Q(amount__isnull=False)))
        .order_by()
    )
    rates: dict[tuple[str, dt.date], Decimal | None] = {}
    counted: dict[int | None, int] = {}
    counted_total = 0
    for item in sums:
        month = _month(item["month"])
        key = (item["currency"], month)
        if key not in rates:
            rates[key] = rates_on(
                _next_month(month) - dt.timedelta(days=1), [item["currency"]]
            ).get(item["currency"])
        rate = rates[key]
        if rate is None or item["value"] is None:
            continue
        value = (item["value"] * rate).quantize(CENT)
        row = by_owner.setdefault(item["owner_id"], OwnerResult(item["owner_id"], ""))
        row.won_value += value
        total.won_value += value
        counted[item["owner_id"]] = counted.get(item["owner_id"], 0) + item["deals"]
        counted_total += item["deals"]
    for owner_key, row in by_owner.items():
        if counted.get(owner_key):
            row.average_won = (row.won_value / counted[owner_key]).quantize(CENT)
    if counted_total:
        total.average_won = (total.won_value / counted_total).quantize(CENT)
    for item in won.values("owner_id").annotate(cycle=Avg(cycle)).order_by():
        by_owner.setdefault(
            item["owner_id"], OwnerResult(item["owner_id"], "")
        ).cycle_days = _cycle_days(item["cycle"])
    total.cycle_days = _cycle_days(won.aggregate(cycle=Avg(cycle))["cycle"])
    names = _people({k for k in by_owner if k is not None})
    for owner_key, row in by_owner.items():
        row.label = names.get(owner_key, "") if owner_key is not None else ""
    owners = sorted(by_owner.values(), key=lambda r: (-r.won_value, -r.won, r.label))
    pipeline = pipeline or Pipeline.objects.filter(is_active=True).first()
    return Performance(
        start, end, currency, total, owners, pipeline, _reach(user, pipeline, start, end)
    )


def _reach(user: Any, pipeline: Pipeline | None, start: dt.date, end: dt.date) -> list[StageReach]:
    """Stage conversion: of the deals created in the period, how many reached each open stage
    (or went past it, or were won), and the share of the stage before's that did."""
    from centric.sales.models import DealStageChange

    if pipeline is None:
        return []
    stages = [
        s for s in pipeline.stages.order_by("position", "id") if s.outcome != StageOutcome.LOST
    ]
    cohort = Deal.objects.visible_to(user).filter(
        pipeline=pipeline, created_at__date__gte=start, created_at__date__lte=end
    )
    # The furthest stage each deal of the cohort reached, counted by the database (no deal's
    # rows come back to Python).
    furthest = (
        DealStageChange.objects.filter(deal__in=cohort.values("pk"))
        .exclude(to_stage__outcome=StageOutcome.LOST)
        .values("deal_id")
        .annotate(furthest=Max("to_stage__position"))
        .order_by()
    )
    sql, params = furthest.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT furthest, count(*) FROM ({sql}) reached GROUP BY furthest",  # noqa: S608
            params,
        )
        by_position = dict(cursor.fetchall())
    result: list[StageReach] = []
    previous: int | None = None
    for stage in stages:
        reached = sum(n for position, n in by_position.items() if position >= stage.position)
        conversion = round(100 * reached / previous, 1) if previous else None
        result.append(StageReach(stage.name, reached, conversion))
        previous = reached
    return result

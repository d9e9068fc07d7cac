"""What the deals board shows: one pipeline's stages, each with its visible deals, count and
totals per currency, in a fixed number of queries whatever the number of deals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.sales.models import Deal, Pipeline, Stage

CARDS_PER_STAGE = 50


@dataclass
class BoardColumn:
    stage: Stage
    deals: list[Deal] = field(default_factory=list)
    count: int = 0
    # currency → total of the stage's visible deals (no conversion: see the totals' note).
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def more(self) -> int:
        return max(self.count - len(self.deals), 0)


def board_deals(
    user: Any,
    pipeline: Pipeline,
    *,
    owner: str = "",
    close_month: dt.date | None = None,
) -> QuerySet[Deal]:
    deals = Deal.objects.visible_to(user).filter(pipeline=pipeline)
    if owner == "me":
        deals = deals.filter(owner=user)
    elif owner == "none":
        deals = deals.filter(owner__isnull=True)
    elif owner.isdigit():
        deals = deals.filter(owner_id=int(owner))
    if close_month is not None:
        deals = deals.filter(
            expected_close_on__year=close_month.year, expected_close_on__month=close_month.month
        )
    return deals


def board(user: Any, pipeline: Pipeline, **filters: Any) -> list[BoardColumn]:
    """The board's columns: open stages in order, then the won and lost ones."""
    stages = list(pipeline.stages.filter(is_retired=False).order_by("position", "id"))
    columns = {stage.pk: BoardColumn(stage) for stage in stages}
    deals = board_deals(user, pipeline, **filters)
    sums = deals.values("stage_id", "currency").annotate(n=Count("id"), total=Sum("amount"))
    for row in sums.order_by():
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["n"]
        if row["total"] is not None:
            column.totals[row["currency"]] = row["total"]
    ranked = deals.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("stage_id")],
            order_by=[F("expected_close_on").asc(nulls_last=True), F("id").asc()],
        )
    ).filter(Q(rank__lte=CARDS_PER_STAGE))
    for deal in ranked.select_related("person", "organisation", "owner").order_by("rank"):
        column = columns.get(deal.stage_id)
        if column is not None:
            column.deals.append(deal)
    return list(columns.values())


@dataclass(frozen=True)
class LostRow:
    competitor: str
    month: dt.date
    owner: str
    deals: int
    currency: str
    value: Decimal


def lost_to_competitors(user: Any, *, start: dt.date, end: dt.date) -> list[LostRow]:
    """Deals the user may see that were lost to a competitor between `start` and `end`
    (inclusive), by competitor, month closed and owner, with the value lost per currency."""
    from django.db.models.functions import TruncMonth

    from centric.sales.choices import StageOutcome

    rows = (
        Deal.objects.visible_to(user)
        .filter(
            stage__outcome=StageOutcome.LOST,
            competitor__isnull=False,
            closed_at__date__gte=start,
            closed_at__date__lte=end,
        )
        .annotate(month=TruncMonth("closed_at"))
        .values(
            "competitor__name",
            "month",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "currency",
        )
        .annotate(deals=Count("id"), value=Sum("amount"))
        .order_by("competitor__name", "month", "owner__username", "currency")
    )
    result = []
    for row in rows:
        month = row["month"]
        owner = " ".join(
            part for part in (row["owner__first_name"], row["owner__last_name"]) if part
        ) or (row["owner__username"] or "")
        result.append(
            LostRow(
                competitor=row["competitor__name"],
                month=month.date() if isinstance(month, dt.datetime) else month,
                owner=owner,
                deals=row["deals"],
                currency=row["currency"],
                value=(row["value"] or Decimal("0")).quantize(Decimal("0.01")),
            )
        )
    return result


@dataclass
class CompetitorBar:
    """One competitor's losses in one currency, with its bar's length (% of the largest)."""

    competitor: str
    currency: str
    deals: int = 0
    value: Decimal = Decimal("0.00")
    percent: int = 0


def competitor_bars(rows: list[LostRow]) -> list[CompetitorBar]:
    """The report's chart: value lost per competitor (and currency), largest first."""
    bars: dict[tuple[str, str], CompetitorBar] = {}
    for row in rows:
        bar = bars.setdefault(
            (row.competitor, row.currency), CompetitorBar(row.competitor, row.currency)
        )
        bar.deals += row.deals
        bar.value += row.value
    ordered = sorted(bars.values(), key=lambda bar: (-bar.value, bar.competitor))
    top = max((bar.value for bar in ordered), default=Decimal("0")) or Decimal("1")
    for bar in ordered:
        bar.percent = int(round(100 * bar.value / top))
    return ordered


def report_period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period a report covers: by default the twelve months up to today."""
    end = end or timezone.localdate()
    start = start or (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    if start > end:
        raise ValidationError({"start": _("The period starts after it ends.")})
    return start, end

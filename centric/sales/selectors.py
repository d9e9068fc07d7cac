"""What the deals board shows: one pipeline's stages, each with its visible deals, count and
totals per currency, in a fixed number of queries whatever the number of deals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.day import DayScope
from centric.sales.choices import StageOutcome
from centric.sales.models import Deal, Pipeline, Stage

# Cards per column: a screenful and more (Pipedrive and HubSpot load about as many at first);
# the rest are one link away, in the deals list filtered to the column.
CARDS_PER_STAGE = 25
# What a card shows (and the move form sends), and no more.
CARD_FIELDS = (
    *("title", "amount", "currency", "expected_close_on", "next_step", "version", "stage"),
    *(f"person__{name}" for name in ("first_name", "middle_name", "last_name")),
    *("person__primary_email", "person__primary_phone", "organisation__name"),
)
CENT = Decimal("0.01")


@dataclass
class BoardColumn:
    stage: Stage
    deals: list[Deal] = field(default_factory=list)
    count: int = 0
    # currency → total of the stage's visible deals (no conversion: see the totals' note).
    totals: dict[str, Decimal] = field(default_factory=dict)

    # The totals in the business's currency at today's rates (None: one currency only).
    converted: Decimal | None = None
    # The cards' "move to" options, this stage chosen (the board page renders them once).
    move_options: str = ""
    # The deals list filtered to the column's deals (the board page fills it in).
    list_url: str = ""

    @property
    def more(self) -> int:
        return max(self.count - len(self.deals), 0)


def board_deals(
    user: Any,
    pipeline: Pipeline,
    *,
    owner: str = "",
    team: str = "",
    close_month: dt.date | None = None,
) -> QuerySet[Deal]:
    deals = Deal.objects.visible_to(user).filter(pipeline=pipeline)
    if team.isdigit():
        deals = deals.filter(team_id=int(team))
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


# The won and lost columns show the deals closed in the last this many days (a board is for the
# work in hand; reports read every closed deal).
CLOSED_SHOWN_DAYS = 30


def board(user: Any, pipeline: Pipeline, **filters: Any) -> list[BoardColumn]:
    """The board's columns: open stages in order, then the won and lost ones (closed in the
    last 30 days, the most recent first).

    Two queries add the columns up (the open deals, the recently closed ones) and one per stage
    reads its first cards: each is a range of one of the board's indexes (`deal_open_board`,
    `deal_closed_board`), read from the index alone for the sums."""
    stages = list(pipeline.stages.filter(is_retired=False).order_by("position", "id"))
    columns = {stage.pk: BoardColumn(stage) for stage in stages}
    since = timezone.now() - dt.timedelta(days=CLOSED_SHOWN_DAYS)
    deals = board_deals(user, pipeline, **filters)
    open_deals = deals.filter(closed_at__isnull=True)
    closed_ids = [stage.pk for stage in stages if stage.outcome != StageOutcome.OPEN]
    closed_deals = deals.filter(stage_id__in=closed_ids, closed_at__gte=since)
    for part in (open_deals, closed_deals) if closed_ids else (open_deals,):
        sums = part.values("stage_id", "currency").annotate(n=Count("id"), total=Sum("amount"))
        for row in sums.order_by():
            column = columns.get(row["stage_id"])
            if column is None:
                continue
            column.count += row["n"]
            if row["total"] is not None:
                column.totals[row["currency"]] = row["total"]
    for stage in stages:
        if not columns[stage.pk].count:
            continue
        if stage.outcome == StageOutcome.OPEN:
            cards = open_deals.filter(stage=stage).order_by(
                F("expected_close_on").asc(nulls_last=True), "id"
            )
        else:
            cards = closed_deals.filter(stage=stage).order_by("-closed_at", "-id")
        cards = cards.select_related("person", "organisation").only(*CARD_FIELDS)
        columns[stage.pk].deals = list(cards[:CARDS_PER_STAGE])
    _convert_totals(list(columns.values()))
    return list(columns.values())


def _convert_totals(columns: list[BoardColumn]) -> None:
    """A column with amounts in several currencies also shows them in the business's one."""
    from centric.sales.exchange import base_currency, rates_on

    mixed = [c for c in columns if set(c.totals) - {base_currency()}]
    if not mixed:
        return
    rates = rates_on(timezone.localdate(), {cur for c in mixed for cur in c.totals})
    for column in mixed:
        if all(cur in rates for cur in column.totals):
            total = sum((amount * rates[cur] for cur, amount in column.totals.items()), Decimal(0))
            column.converted = total.quantize(CENT)


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


# --- My day: the scope's deals that need a step, and its pipeline at a glance ---------------

ATTENTION_SIZE = 10


@dataclass
class DealsNeedingAttention:
    no_next_step: list[Deal] = field(default_factory=list)
    past_close: list[Deal] = field(default_factory=list)
    no_next_step_count: int = 0
    past_close_count: int = 0


@dataclass
class GlanceStage:
    stage: Stage
    count: int = 0
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class PipelineGlance:
    pipeline: Pipeline
    stages: list[GlanceStage]

    @property
    def count(self) -> int:
        return sum(stage.count for stage in self.stages)

    @property
    def biggest(self) -> int:
        """The largest stage's count: the scale of the stages' bars."""
        return max((stage.count for stage in self.stages), default=0) or 1


def open_deals(scope: DayScope) -> QuerySet[Deal]:
    return Deal.objects.visible_to(scope.user).filter(scope.owned(), closed_at__isnull=True)


def deals_needing_attention(
    scope: DayScope, *, size: int = ATTENTION_SIZE
) -> DealsNeedingAttention:
    """Open deals without a next step, and open deals past their expected close date, the
    soonest to close first."""
    today = scope.day_start.date()
    deals = open_deals(scope)
    no_step, late = Q(next_step=""), Q(expected_close_on__lt=today)
    counts = deals.aggregate(no_step=Count("id", filter=no_step), late=Count("id", filter=late))
    related = ("person", "organisation", "stage", "owner")
    # Both by close date, the soonest first (the order of `deal_open_by_owner`/`_by_team`).
    soonest = (F("expected_close_on").asc(nulls_last=True), "id")
    return DealsNeedingAttention(
        no_next_step=list(deals.filter(no_step).select_related(*related).order_by(*soonest)[:size]),
        past_close=list(deals.filter(late).select_related(*related).order_by(*soonest)[:size]),
        no_next_step_count=counts["no_step"],
        past_close_count=counts["late"],
    )


def pipeline_glance(scope: DayScope) -> list[PipelineGlance]:
    """Each active pipeline's open stages with the scope's count and totals per currency."""
    pipelines = list(Pipeline.objects.filter(is_active=True).prefetch_related("stages"))
    sums = (
        open_deals(scope)
        .values("stage_id", "currency")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    by_stage: dict[int, GlanceStage] = {}
    result = []
    for pipeline in pipelines:
        stages = [
            GlanceStage(stage)
            for stage in sorted(pipeline.stages.all(), key=lambda s: (s.position, s.pk))
            if stage.outcome == "open" and not stage.is_retired
        ]
        by_stage.update({item.stage.pk: item for item in stages})
        result.append(PipelineGlance(pipeline, stages))
    for row in sums:
        item = by_stage.get(row["stage_id"])
        if item is None:
            continue
        item.count += row["n"]
        if row["total"] is not None:
            total = item.totals.get(row["currency"], Decimal(0)) + row["total"]
            item.totals[row["currency"]] = total.quantize(CENT)  # SQLite's sums drop the places
    return [glance for glance in result if glance.count]

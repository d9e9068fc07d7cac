"""What the deals board shows: one pipeline's stages, each with its visible deals, count and
totals per currency, in a fixed number of queries whatever the number of deals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

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

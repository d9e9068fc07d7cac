"""The goodwill report: what was given and asked for, by agent and by reason, and whether the
customers stayed — still in a customer stage of the lifecycle, or ordering again after it.

Read through the one visibility rule: a manager sees their teams' goodwill, an agent their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max

from centric.goodwill.models import GIVEN, GoodwillAction, Status


@dataclass
class Row:
    key: int | None
    label: str
    given: int = 0
    value: Decimal = Decimal(0)
    waiting: int = 0
    declined: int = 0
    customers: set[int] = field(default_factory=set)
    still: set[int] = field(default_factory=set)
    ordered: set[int] = field(default_factory=set)

    @property
    def retained_percent(self) -> int | None:
        return round(100 * len(self.still) / len(self.customers)) if self.customers else None

    @property
    def ordered_percent(self) -> int | None:
        return round(100 * len(self.ordered) / len(self.customers)) if self.customers else None


@dataclass
class Report:
    start: dt.date
    end: dt.date
    currency: str
    by_agent: list[Row]
    by_reason: list[Row]
    total: Row


def goodwill_report(user: Any, start: dt.date, end: dt.date, currency: str) -> Report:
    actions = list(
        GoodwillAction.objects.visible_to(user)
        .filter(created_at__date__gte=start, created_at__date__lte=end)
        .select_related("owner", "reason", "person__lifecycle_stage")
        .order_by("id")
    )
    last_order = _last_orders({a.person_id for a in actions if a.person_id})
    agents: dict[int | None, Row] = {}
    reasons: dict[int | None, Row] = {}
    total = Row(None, "")
    for action in actions:
        agent = agents.setdefault(action.owner_id, Row(action.owner_id, str(action.owner or "—")))
        reason = reasons.setdefault(action.reason_id, Row(action.reason_id, str(action.reason)))
        for row in (agent, reason, total):
            _add(row, action, last_order)
    order = lambda row: (-row.value, row.label)  # noqa: E731  # the most given first
    return Report(
        start=start,
        end=end,
        currency=currency,
        by_agent=sorted(agents.values(), key=order),
        by_reason=sorted(reasons.values(), key=order),
        total=total,
    )


def _add(row: Row, action: GoodwillAction, last_order: dict[int, dt.datetime]) -> None:
    if action.status == Status.PENDING:
        row.waiting += 1
    elif action.status == Status.DECLINED:
        row.declined += 1
    if action.status not in GIVEN:
        return
    row.given += 1
    row.value += action.amount
    if action.person_id is None:
        return
    row.customers.add(action.person_id)
    stage = action.person.lifecycle_stage if action.person else None
    if stage is not None and stage.counts_as_customer:
        row.still.add(action.person_id)
    ordered = last_order.get(action.person_id)
    if ordered is not None and action.given_at is not None and ordered > action.given_at:
        row.ordered.add(action.person_id)


def _last_orders(person_ids: set[int]) -> dict[int, dt.datetime]:
    from centric.orders.models import Order

    rows = (
        Order.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(last=Max("placed_at"))
        .order_by()
    )
    return {row["person_id"]: row["last"] for row in rows}

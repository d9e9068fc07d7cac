"""How much an agent may give without asking: the most generous limit of their roles for the
kind (a kind's own limit before the role's "any kind" one), less what they gave in the period.

Periods are the business's calendar day, week (from Monday) and month in its time zone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from centric.goodwill.models import GIVEN, GoodwillAction, GoodwillLimit, Period


@dataclass(frozen=True)
class Allowance:
    per_action: Decimal
    per_period: Decimal
    period: str
    given: Decimal  # already given in the period, by this agent, of this kind (or any)
    role: str

    @property
    def left(self) -> Decimal:
        return max(self.per_period - self.given, Decimal(0))

    def covers(self, amount: Decimal) -> bool:
        return amount <= self.per_action and amount <= self.left


CENT = Decimal("0.01")
NONE = Allowance(Decimal(0), Decimal(0), Period.MONTH, Decimal(0), "")


def period_start(period: str, now: dt.datetime | None = None) -> dt.datetime:
    local = timezone.localtime(now or timezone.now())
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == Period.WEEK:
        start -= dt.timedelta(days=start.weekday())
    elif period == Period.MONTH:
        start = start.replace(day=1)
    return start


def allowance(user: Any, kind: str, *, exclude_pk: int | None = None) -> Allowance:
    """The agent's allowance for a kind of goodwill now (nothing for one without a limit)."""
    limits = list(
        GoodwillLimit.objects.filter(role__in=user.groups.all(), kind__in=[kind, ""])
        .select_related("role")
        .order_by("-kind")  # a kind's own limits first
    )
    if not limits:
        return NONE
    own = [limit for limit in limits if limit.kind] or limits
    best = max(own, key=lambda limit: (limit.per_period, limit.per_action))
    given = GoodwillAction.objects.filter(
        owner=user,
        status__in=GIVEN,
        given_at__gte=period_start(best.period),
    )
    if best.kind:
        given = given.filter(kind=kind)
    if exclude_pk:
        given = given.exclude(pk=exclude_pk)
    total = Decimal(given.aggregate(total=Sum("amount"))["total"] or 0).quantize(CENT)
    return Allowance(best.per_action, best.per_period, best.period, total, best.role.name)

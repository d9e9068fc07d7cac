"""The business's goodwill reasons and the limits of each role (pages and API share these)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.goodwill.models import GoodwillLimit, GoodwillReason, Kind, Period

MAX = Decimal("1000000000")


@transaction.atomic
def reason_save(
    *, reason: GoodwillReason | None = None, name: str, is_active: bool = True
) -> GoodwillReason:
    reason = reason or GoodwillReason(position=GoodwillReason.objects.count())
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give it a name (up to 100 characters).")})
    clash = GoodwillReason.objects.filter(name__iexact=name)
    if reason.pk:
        clash = clash.exclude(pk=reason.pk)
    if clash.exists():
        raise ValidationError({"name": _("“%(name)s” is taken.") % {"name": name}})
    reason.name, reason.is_active = name, is_active
    reason.save()
    return reason


@transaction.atomic
def limit_save(
    *, role: Any, kind: str = "", per_action: Decimal, per_period: Decimal, period: str = "month"
) -> GoodwillLimit:
    """A role's limit for a kind (blank: any kind), replacing the one it had."""
    errors: dict[str, str] = {}
    if kind and kind not in Kind.values:
        errors["kind"] = _("Choose a kind of goodwill.")
    if period not in Period.values:
        errors["period"] = _("Choose a day, a week or a month.")
    if not Decimal(0) <= per_action <= MAX:
        errors["per_action"] = _("A limit is 0 or more.")
    if not Decimal(0) <= per_period <= MAX:
        errors["per_period"] = _("A limit is 0 or more.")
    elif per_period < per_action:
        errors["per_period"] = _("The total is at least the limit per action.")
    if errors:
        raise ValidationError(errors)
    limit, _created = GoodwillLimit.objects.update_or_create(
        role=role,
        kind=kind,
        defaults={"per_action": per_action, "per_period": per_period, "period": period},
    )
    return limit

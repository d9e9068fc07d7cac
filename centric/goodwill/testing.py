"""Test factories (the permission matrix calls `make_goodwill`, named in records.py)."""

from __future__ import annotations

from typing import Any

from centric.goodwill.models import GoodwillAction, GoodwillReason
from centric.goodwill.services import goodwill_create


def make_goodwill(*, owner: Any, team: Any = None, **fields: Any) -> GoodwillAction:
    if not (fields.get("person") or fields.get("organisation")):
        from centric.customers.testing import make_person

        fields["person"] = make_person(
            actor=owner, owner=owner, team=team or owner.team, first_name="Goodwill"
        )
    values: dict[str, Any] = {
        "kind": "credit",
        "amount": "5000",
        "reason": fields.pop("reason", None)
        or GoodwillReason.objects.get_or_create(name="Late delivery")[0],
        **fields,
    }
    return goodwill_create(actor=owner, owner=owner, team=team or owner.team, **values)

"""Test factories (the permission matrix calls `make_order`, named in records.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from centric.orders.models import Order
from centric.orders.services import order_from_quote
from centric.quotes.services import quote_line_add, quote_mark_accepted
from centric.quotes.testing import make_quote


def make_order(*, owner: Any, team: Any = None, **fields: Any) -> Order:
    """An order the way they come: a quote with a line, accepted."""
    if not (fields.get("person") or fields.get("organisation")):
        from centric.customers.testing import make_person

        fields["person"] = make_person(
            actor=owner, owner=owner, team=team or owner.team, first_name="Order"
        )
    quote = make_quote(owner=owner, team=team, **fields)
    quote_line_add(quote, actor=owner, description="Goods", unit_price=Decimal("1000"))
    accepted = quote_mark_accepted(quote, actor=owner, name="Customer")
    return order_from_quote(accepted, actor=owner)  # made by the acceptance already: the same

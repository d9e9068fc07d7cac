"""Test factories (the permission matrix calls `make_ticket`, named in records.py)."""

from __future__ import annotations

from itertools import count
from typing import Any

from centric.tickets.models import Ticket
from centric.tickets.services import ticket_create

_numbers = count(1)


def make_ticket(*, owner: Any, team: Any = None, **fields: Any) -> Ticket:
    if not (fields.get("person") or fields.get("organisation")):
        from centric.customers.testing import make_person

        fields["person"] = make_person(
            actor=owner,
            owner=owner,
            team=team or owner.team,
            email=f"caller{next(_numbers)}@example.com",
        )
    values: dict[str, Any] = {"subject": f"Ticket {next(_numbers)}", **fields}
    return ticket_create(actor=owner, owner=owner, team=team or owner.team, **values)

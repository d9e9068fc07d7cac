"""Test factories (the permission matrix calls `make_lead`, named in records.py)."""

from __future__ import annotations

from itertools import count
from typing import Any

from centric.leads.models import Lead
from centric.leads.services import lead_create

_numbers = count(1)


def make_lead(*, owner: Any = None, team: Any = None, actor: Any = None, **fields: Any) -> Lead:
    number = next(_numbers)
    values: dict[str, Any] = {
        "first_name": "Tolu",
        "last_name": f"Lead{number}",
        "phone": f"0803 555 {number:04d}",
        **fields,
    }
    return lead_create(
        actor=actor or owner,
        owner=owner,
        team=team or getattr(owner, "team", None),
        **values,
    )

"""Test factories (the permission matrix calls `make_quote`, named in records.py)."""

from __future__ import annotations

from itertools import count
from typing import Any

from centric.quotes.models import Quote
from centric.quotes.services import quote_create

_numbers = count(1)


def make_quote(*, owner: Any, team: Any = None, **fields: Any) -> Quote:
    values: dict[str, Any] = {"title": f"Quote {next(_numbers)}", **fields}
    return quote_create(actor=owner, owner=owner, team=team or owner.team, **values)

"""Test factories (the permission matrix calls `make_article`, named in records.py)."""

from __future__ import annotations

from itertools import count
from typing import Any

from centric.knowledge.models import Article
from centric.knowledge.services import article_create

_numbers = count(1)


def make_article(*, owner: Any, team: Any = None, **fields: Any) -> Article:
    values: dict[str, Any] = {
        "title": f"How to reset the inverter {next(_numbers)}",
        "body": "Hold the **reset** button for five seconds.",
        **fields,
    }
    return article_create(actor=owner, owner=owner, team=team or owner.team, **values)

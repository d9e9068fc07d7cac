"""Test factories (the permission matrix calls `make_deal`, named in records.py)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

from centric.sales.choices import StageOutcome
from centric.sales.models import Deal, Pipeline
from centric.sales.services import deal_create, pipeline_create

_numbers = count(1)

RETAIL_STAGES: list[dict[str, Any]] = [
    {"name": "New", "probability": 10},
    {"name": "Qualified", "probability": 30},
    {"name": "Proposal", "probability": 60, "required_fields": ["amount"]},
    {"name": "Negotiation", "probability": 80, "required_fields": ["amount", "expected_close_on"]},
    {"name": "Closed won", "probability": 100, "outcome": StageOutcome.WON},
    {"name": "Closed lost", "probability": 0, "outcome": StageOutcome.LOST},
]


def make_pipeline(name: str = "Retail") -> Pipeline:
    existing = Pipeline.objects.filter(name=name).first()
    return existing or pipeline_create(name=name, stages=RETAIL_STAGES)


def make_deal(*, owner: Any, team: Any = None, **fields: Any) -> Deal:
    number = next(_numbers)
    values: dict[str, Any] = {
        "title": f"Deal {number}",
        "pipeline": fields.pop("pipeline", None) or make_pipeline(),
        "amount": Decimal("250000.00"),
        **fields,
    }
    return deal_create(actor=owner, owner=owner, team=team or owner.team, **values)

"""Reads of identity resolution: pairs and merges a user may see, a run's figures.

The customer count ("How many customers do we have?") lives in `counting.py`; it is re-exported
here so that views and the API read everything through `selectors`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from centric.core.visibility import sees_everything
from centric.customers.models import Person
from centric.identity.counting import (
    CountScope,
    CustomerCount,
    count_scope,
    customer_count,
    customers_visible,
)
from centric.identity.models import CandidatePair, Merge, ResolutionRun

__all__ = [
    "CountScope",
    "CustomerCount",
    "count_scope",
    "customer_count",
    "customers_visible",
    "merges_visible",
    "pairs_visible",
    "run_figures",
    "sees_run_figures",
]


RUN_FIGURES = (
    "records",
    "pairs_scored",
    "pairs_for_review",
    "pairs_above_merge",
    "clusters",
    "auto_merged",
)


def sees_run_figures(user: Any) -> bool:
    """A resolution run compares every person, whatever the team: its figures count records
    across all teams, so only those who see every record see them (decision 0026)."""
    return sees_everything(user)


def run_figures(run: ResolutionRun, user: Any) -> dict[str, int | None]:
    """The run's figures for `user`: the numbers, or None each when they may not see them."""
    shown = sees_run_figures(user)
    return {name: getattr(run, name) if shown else None for name in RUN_FIGURES}


def pairs_visible(user: Any) -> QuerySet[CandidatePair]:
    """Candidate pairs whose two records the user may both see (merged ones included)."""
    visible = Person.objects.visible_to(user, include_merged=True).values("pk")
    return CandidatePair.objects.filter(
        Q(person_low__in=visible) & Q(person_high__in=visible)
    ).select_related("person_low", "person_high")


def merges_visible(user: Any) -> QuerySet[Merge]:
    """Merges whose surviving record the user may see."""
    return Merge.objects.filter(
        survivor__in=Person.objects.visible_to(user, include_merged=True).values("pk")
    )

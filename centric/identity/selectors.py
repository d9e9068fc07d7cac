"""Reads of identity resolution: pairs and merges a user may see, a run's figures.

The customer count ("How many customers do we have?") lives in `counting.py`; it is re-exported
here so that views and the API read everything through `selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from centric.core.visibility import sees_everything
from centric.customers.models import Person
from centric.identity.counting import (
    CountScope,
    CustomerCount,
    connected_groups,
    count_scope,
    customer_count,
    customers_visible,
)
from centric.identity.models import BulkMerge, CandidatePair, Merge, ResolutionRun

# The loss stages: after one, a merge keeps the most recent stage, not the most advanced.
LOST_STAGES = ("lost", "churned")

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


@dataclass
class Cluster:
    """A group of records the pending pairs join (directly or through each other): one
    customer, if every pair in it is right."""

    person_ids: list[int]
    pair_ids: list[int]
    max_probability: float
    mean_probability: float
    min_probability: float
    best_pair_id: int

    @property
    def key(self) -> int:
        return self.person_ids[0]


def pending_clusters(user: Any) -> list[Cluster]:
    """The review queue as groups: connected components of the pending pairs whose two records
    the user may see and neither of which is merged, strongest first (best pair, then the mean,
    then the oldest record). One query, whatever the size of the queue."""
    visible = Person.objects.visible_to(user, include_merged=True).filter(merged_into__isnull=True)
    rows = list(
        CandidatePair.objects.filter(
            status=CandidatePair.Status.PENDING,
            person_low__in=visible.values("pk"),
            person_high__in=visible.values("pk"),
        ).values_list("pk", "person_low_id", "person_high_id", "probability")
    )
    membership = connected_groups([(low, high) for _pk, low, high, _p in rows])
    groups: dict[int, list[tuple[int, float]]] = {}
    for pk, low, _high, probability in rows:
        groups.setdefault(membership[low], []).append((pk, probability))
    members: dict[int, list[int]] = {}
    for person_id, root in membership.items():
        members.setdefault(root, []).append(person_id)
    clusters = [
        Cluster(
            person_ids=sorted(members[root]),
            pair_ids=sorted(pk for pk, _p in pairs),
            max_probability=max(p for _pk, p in pairs),
            mean_probability=sum(p for _pk, p in pairs) / len(pairs),
            min_probability=min(p for _pk, p in pairs),
            best_pair_id=min(pairs, key=lambda item: (-item[1], item[0]))[0],
        )
        for root, pairs in groups.items()
    ]
    clusters.sort(key=lambda c: (-c.max_probability, -c.mean_probability, c.key))
    return clusters


LARGEST_BULK_GROUP = 20
"""A bigger group is left for a person to review, however sure its pairs: a shared office or
church landline chains many people together, and the merge form shows at most 20 records."""


@dataclass
class ClusterAcceptance:
    """What accepting every group at or above `threshold` would do for this user."""

    threshold: float
    clusters: list[Cluster]
    not_changeable: int
    too_large: int = 0

    @property
    def records(self) -> int:
        return sum(len(c.person_ids) for c in self.clusters)

    @property
    def records_merged_away(self) -> int:
        """Records that stop being separate customers (each group keeps one survivor)."""
        return self.records - len(self.clusters)


def clusters_to_accept(user: Any, threshold: float) -> ClusterAcceptance:
    """The groups whose every pair scored at least `threshold`, of at most LARGEST_BULK_GROUP
    records, whose every record the user may change (a group with one record they may not
    change is left whole for someone who may)."""
    sure = [c for c in pending_clusters(user) if c.min_probability >= threshold]
    eligible = [c for c in sure if len(c.person_ids) <= LARGEST_BULK_GROUP]
    # A subquery rather than thousands of ids in an IN list.
    strong = CandidatePair.objects.filter(
        status=CandidatePair.Status.PENDING, probability__gte=threshold
    )
    changeable = set(
        Person.objects.visible_to(user, "change")
        .filter(
            Q(pk__in=strong.values("person_low_id")) | Q(pk__in=strong.values("person_high_id"))
        )
        .values_list("pk", flat=True)
    )
    chosen = [c for c in eligible if changeable.issuperset(c.person_ids)]
    return ClusterAcceptance(
        threshold=threshold,
        clusters=chosen,
        not_changeable=len(eligible) - len(chosen),
        too_large=len(sure) - len(eligible),
    )


def bulk_merges_visible(user: Any) -> QuerySet[BulkMerge]:
    """Bulk merges the user started; all of them for those who see every record."""
    if sees_everything(user):
        return BulkMerge.objects.all()
    return BulkMerge.objects.filter(requested_by=user)

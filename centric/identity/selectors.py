"""How many customers do we have? One number, and how it was reached.

records (person rows the user may see, merged ones included)
  − merged (rows already merged into another)
  − clustered (rows the matcher puts above the merge threshold with another: one customer even
    before anyone merges them)
  = identities
  − not customers (identities whose lifecycle stage does not count as a customer)
  = customers, with `pending_pairs` review-queue pairs left: "at most M fewer".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, DateField, Max, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from centric.core.visibility import sees_everything
from centric.customers.models import LifecycleStage, Person
from centric.identity.models import (
    BulkMerge,
    CandidatePair,
    IdentitySettings,
    Merge,
    ResolutionRun,
)
from centric.interactions.models import Interaction

LOST_STAGES = ("lost", "churned")


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
    membership = _clusters([(low, high) for _pk, low, high, _p in rows])
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


@dataclass
class CustomerCount:
    records: int
    merged: int
    clustered: int
    identities: int
    not_customers: int
    customers: int
    pending_pairs: int
    breakdown: dict[str, int] = field(default_factory=dict)
    trend: list[dict[str, Any]] = field(default_factory=list)
    lost_this_month: list[dict[str, Any]] = field(default_factory=list)
    thresholds: dict[str, Any] = field(default_factory=dict)

    @property
    def at_least(self) -> int:
        return max(self.customers - self.pending_pairs, 0)


def _clusters(pairs: list[tuple[int, int]]) -> dict[int, int]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return {x: find(x) for x in parent}


def _status(last: dt.datetime | None, now: dt.datetime, settings: IdentitySettings) -> str:
    if last is None:
        return "lost"
    age = (now - last).days
    if age <= settings.active_days:
        return "active"
    if age <= settings.at_risk_days:
        return "at_risk"
    if age <= settings.lapsed_days:
        return "lapsed"
    return "lost"


STATUS_ORDER = {"active": 0, "at_risk": 1, "lapsed": 2, "lost": 3}


def customer_count(user: Any, *, months: int = 12) -> CustomerCount:
    settings = IdentitySettings.current()
    now = timezone.now()
    everything = Person.objects.visible_to(user, include_merged=True)
    records = everything.count()
    merged = everything.filter(merged_into__isnull=False).count()
    live = everything.filter(merged_into__isnull=True)
    customer_stages = list(
        LifecycleStage.objects.filter(counts_as_customer=True).values_list("key", flat=True)
    )
    customer_ids = set(
        live.filter(lifecycle_stage_id__in=customer_stages).values_list("pk", flat=True)
    )
    live_ids = set(live.values_list("pk", flat=True))

    pending = CandidatePair.objects.filter(status=CandidatePair.Status.PENDING)
    strong = [
        (low, high)
        for low, high in pending.filter(probability__gte=settings.merge_threshold).values_list(
            "person_low_id", "person_high_id"
        )
        if low in live_ids and high in live_ids
    ]
    membership = _clusters(strong)
    clustered = len(membership) - len(set(membership.values()))
    identities = len(live_ids) - clustered

    customer_clusters: dict[int, list[int]] = {}
    for pk in customer_ids:
        customer_clusters.setdefault(membership.get(pk, pk), []).append(pk)
    # Every member of a cluster but its first is the same customer again (for the trend).
    duplicates = sorted(pk for members in customer_clusters.values() for pk in sorted(members)[1:])
    customers = len(customer_clusters)
    review = pending.filter(
        probability__lt=settings.merge_threshold, probability__gte=settings.review_threshold
    )
    pending_pairs = sum(
        1
        for low, high in review.values_list("person_low_id", "person_high_id")
        if low in customer_ids
        and high in customer_ids
        and membership.get(low, low) != membership.get(high, high)
    )

    last_activity = dict(
        Interaction.objects.filter(person_id__in=customer_ids)
        .values("person_id")
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    )
    lost_marked = set(
        live.filter(pk__in=customer_ids, lost_at__isnull=False).values_list("pk", flat=True)
    )
    breakdown = {"active": 0, "at_risk": 0, "lapsed": 0, "lost": 0}
    for members in customer_clusters.values():
        statuses = [
            "lost" if pk in lost_marked else _status(last_activity.get(pk), now, settings)
            for pk in members
        ]
        breakdown[min(statuses, key=STATUS_ORDER.__getitem__)] += 1

    return CustomerCount(
        records=records,
        merged=merged,
        clustered=clustered,
        identities=identities,
        not_customers=identities - customers,
        customers=customers,
        pending_pairs=pending_pairs,
        breakdown=breakdown,
        trend=_trend(live.exclude(pk__in=duplicates), customer_stages, now, months),
        lost_this_month=_lost_this_month(live, now),
        thresholds={
            "merge": settings.merge_threshold,
            "review": settings.review_threshold,
            "active_days": settings.active_days,
            "at_risk_days": settings.at_risk_days,
            "lapsed_days": settings.lapsed_days,
        },
    )


def _month_start(moment: dt.datetime) -> dt.date:
    return moment.date().replace(day=1)


def _trend(
    live: QuerySet[Person], customer_stages: list[str], now: dt.datetime, months: int
) -> list[dict[str, Any]]:
    """Customers at the end of each month: became customers (created) by then, not lost by then."""
    relevant = live.filter(
        Q(lifecycle_stage_id__in=customer_stages) | Q(lifecycle_stage_id__in=LOST_STAGES)
    )
    created = dict(
        relevant.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    # Lost: the day recorded, or for a lost/churned record without one, when it was last changed.
    lost_day = Coalesce("lost_at", TruncDate("updated_at"))
    lost_rows = relevant.filter(Q(lost_at__isnull=False) | Q(lifecycle_stage_id__in=LOST_STAGES))
    lost = dict(
        lost_rows.annotate(month=TruncMonth(lost_day, output_field=DateField()))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    created = {(k.date() if isinstance(k, dt.datetime) else k): v for k, v in created.items()}
    lost = {(k.date() if isinstance(k, dt.datetime) else k): v for k, v in lost.items()}
    first_month = _month_start(now)
    for _ in range(months - 1):
        first_month = (first_month - dt.timedelta(days=1)).replace(day=1)
    running = sum(v for k, v in created.items() if k < first_month) - sum(
        v for k, v in lost.items() if k < first_month
    )
    series = []
    month = first_month
    while month <= _month_start(now):
        running += created.get(month, 0) - lost.get(month, 0)
        series.append(
            {
                "month": month.isoformat()[:7],
                "customers": running,
                "gained": created.get(month, 0),
                "lost": lost.get(month, 0),
            }
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return series


def _lost_this_month(live: QuerySet[Person], now: dt.datetime) -> list[dict[str, Any]]:
    start = _month_start(now)
    rows = (
        live.filter(lost_at__gte=start)
        .order_by("-lost_at", "pk")
        .values("pk", "first_name", "last_name", "lost_at", "lost_to")[:200]
    )
    return [
        {
            "id": row["pk"],
            "name": " ".join(p for p in (row["first_name"], row["last_name"]) if p),
            "lost_at": cast("dt.date", row["lost_at"]).isoformat(),  # lost_at__gte: set
            "lost_to": row["lost_to"],
        }
        for row in rows
    ]

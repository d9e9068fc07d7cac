"""How many customers do we have? One number, whose it is, and how it was reached.

records (person rows the user may see, merged ones included)
  − merged (rows already merged into another)
  − clustered (rows the matcher puts above the merge threshold with another: one customer even
    before anyone merges them)
  = identities (real people)
  = customers + lost + churned + not customers

A record's kind is decided once, in SQL, by `record_kind()`: churned (the churned stage), lost
(the lost stage, or a "lost on" date), customer (a stage that counts as a customer), or other.
An identity of several records takes the kind of its first record in that order of precedence
(customer, lost, churned, other): one living customer record makes the person a customer.

The monthly chart is built from the same records and kinds, one event list: a record that is or
was a customer (customer, lost or churned) is gained the month it became one (its creation, or
the first change its history records from a lead to such a stage) and leaves the month it was
lost or merged into another (never before it was gained). So every month's change
is exactly gained − lost − merged away, the last month ends at the headline figure, and the
"lost this month" list is the chart's lost column for this month (decision 0059).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from centric.core.visibility import visibility_scope
from centric.customers.models import LifecycleStage, Person
from centric.identity.models import CandidatePair, IdentitySettings, Merge, ResolutionRun
from centric.interactions.models import Interaction
from centric.staff.models import Team

CUSTOMER, LOST, CHURNED, OTHER = "customer", "lost", "churned", "other"
# Lifecycle stages that mean the customer left: never counted as a customer whatever the
# business set on the stage.
LOSS_STAGES = {"lost": LOST, "churned": CHURNED}
KIND_PRECEDENCE = {CUSTOMER: 0, LOST: 1, CHURNED: 2, OTHER: 3}
STATUS_ORDER = {"active": 0, "at_risk": 1, "lapsed": 2, "inactive": 3}
LOST_SHOWN = 200


def customer_stage_keys() -> list[str]:
    """Stages that count as a customer (the business's choice), loss stages never among them."""
    return [
        key
        for key in LifecycleStage.objects.filter(counts_as_customer=True).values_list(
            "key", flat=True
        )
        if key not in LOSS_STAGES
    ]


def record_kind(customer_stages: list[str]) -> Case:
    """The one definition of a customer, as an annotation: churned, lost, customer or other."""
    return Case(
        When(lifecycle_stage_id="churned", then=Value(CHURNED)),
        When(Q(lifecycle_stage_id="lost") | Q(lost_at__isnull=False), then=Value(LOST)),
        When(lifecycle_stage_id__in=customer_stages, then=Value(CUSTOMER)),
        default=Value(OTHER),
        output_field=CharField(),
    )


def _customer_like(customer_stages: list[str]) -> Q:
    return Q(lifecycle_stage_id__in=[*customer_stages, *LOSS_STAGES]) | Q(lost_at__isnull=False)


def _created_otherwise(customer_stages: list[str]) -> QuerySet[Any]:
    """Ids of records whose history starts at a stage that is not a customer's (a lead…)."""
    history = Person.history.model.objects.filter(history_type="+")
    return history.exclude(_customer_like(customer_stages)).values("id")


def _first_change_to_customer(customer_stages: list[str]) -> Coalesce:
    first_change = (
        Person.history.model.objects.filter(id=OuterRef("pk"), history_type="~")
        .filter(_customer_like(customer_stages))
        .order_by("history_date")
        .values("history_date")[:1]
    )
    return Coalesce(Subquery(first_change), F("created_at"))


def became_customer_at(customer_stages: list[str]) -> Case:
    """When a record became a customer (or one lost or churned): when it was created, unless
    its history shows it was created as something else (a lead) and changed later; then at
    that first change. Records without history (older imports) count from their creation."""
    return Case(
        When(
            pk__in=_created_otherwise(customer_stages),
            then=_first_change_to_customer(customer_stages),
        ),
        default=F("created_at"),
    )


def customers_visible(user: Any) -> QuerySet[Person]:
    """Live person records that are customers now (duplicates not yet taken out)."""
    return (
        Person.objects.visible_to(user)
        .annotate(kind=record_kind(customer_stage_keys()))
        .filter(kind=CUSTOMER)
    )


@dataclass(frozen=True)
class CountScope:
    """Whose customers the figure counts: the whole business, or the teams the user can see."""

    whole_business: bool
    teams: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"whole_business": self.whole_business, "teams": self.teams}

    @property
    def description(self) -> str:
        if self.whole_business:
            return "across the whole business"
        if self.teams:
            return "in the teams you can see: " + ", ".join(self.teams)
        return "in your own records"


def count_scope(user: Any) -> CountScope:
    scope = visibility_scope(Person, user)
    if scope.everything:
        return CountScope(whole_business=True, teams=[])
    names = list(
        Team.objects.filter(pk__in=scope.team_ids).order_by("name").values_list("name", flat=True)
    )
    return CountScope(whole_business=False, teams=names)


@dataclass
class CustomerCount:
    scope: CountScope
    records: int
    merged: int
    clustered: int
    identities: int
    not_customers: int
    customers: int
    lost: int
    churned: int
    pending_pairs: int
    breakdown: dict[str, int] = field(default_factory=dict)
    trend: list[dict[str, Any]] = field(default_factory=list)
    lost_this_month: list[dict[str, Any]] = field(default_factory=list)
    lost_this_month_total: int = 0
    since_resolution: dict[str, Any] | None = None
    thresholds: dict[str, Any] = field(default_factory=dict)

    @property
    def at_least(self) -> int:
        return max(self.customers - self.pending_pairs, 0)


@dataclass
class _Record:
    pk: int
    kind: str
    gained_on: dt.date
    updated_on: dt.date
    lost_at: dt.date | None
    merged_into: int | None


@dataclass
class _Exit:
    on: dt.date
    reason: str  # "lost" or "merged"
    automatic: bool = False
    at: dt.datetime | None = None


def connected_groups(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Each record of `pairs` -> the smallest id of its connected group (union-find)."""
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
        return "inactive"
    age = (now - last).days
    if age <= settings.active_days:
        return "active"
    if age <= settings.at_risk_days:
        return "at_risk"
    if age <= settings.lapsed_days:
        return "lapsed"
    return "inactive"


def _merge_dates() -> dict[int, tuple[dt.datetime, bool]]:
    """When each merged record was merged (the last merge not undone), and whether automatically."""
    found: dict[int, tuple[dt.datetime, bool]] = {}
    merges = Merge.objects.filter(undone_at__isnull=True).order_by("merged_at", "pk")
    for merged_ids, merged_at, automatic in merges.values_list(
        "merged_ids", "merged_at", "is_automatic"
    ):
        for pk in merged_ids or []:
            found[int(pk)] = (merged_at, automatic)
    return found


def _exit(
    record: _Record, merges: dict[int, tuple[dt.datetime, bool]], today: dt.date
) -> _Exit | None:
    """When a record that is or was a customer stopped counting: lost, or merged into another."""
    exits = []
    if record.kind in (LOST, CHURNED):
        exits.append(_Exit(on=record.lost_at or record.updated_on, reason="lost"))
    if record.merged_into is not None:
        merged = merges.get(record.pk)
        if merged is None:
            exits.append(_Exit(on=record.updated_on, reason="merged"))
        else:
            at, automatic = merged
            exits.append(
                _Exit(on=timezone.localtime(at).date(), reason="merged", automatic=automatic, at=at)
            )
    if not exits:
        return None
    first = min(exits, key=lambda item: (item.on, item.reason != "lost"))
    # Never leaves before it came, nor after today (a "lost on" date typed in the future).
    first.on = min(max(first.on, record.gained_on), today)
    return first


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months(now: dt.datetime, months: int) -> list[dt.date]:
    first = _month(timezone.localtime(now).date())
    series = [first]
    for _ in range(months - 1):
        first = _month(first - dt.timedelta(days=1))
        series.append(first)
    return series[::-1]


def _month_starts(months_shown: list[dt.date]) -> list[dt.datetime]:
    """Local midnight at the start of each shown month, and of the month after the last."""
    after = _month(months_shown[-1] + dt.timedelta(days=32))
    zone = timezone.get_current_timezone()
    return [
        timezone.make_aware(dt.datetime.combine(day, dt.time()), zone)
        for day in [*months_shown, after]
    ]


def customer_count(user: Any, *, months: int = 12, now: dt.datetime | None = None) -> CustomerCount:
    settings = IdentitySettings.current()
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    customer_stages = customer_stage_keys()
    everything = Person.objects.visible_to(user, include_merged=True).annotate(
        kind=record_kind(customer_stages)
    )
    records = everything.count()
    live_kind: dict[int, str] = dict(
        everything.filter(merged_into__isnull=True).values_list("pk", "kind")
    )

    pending = CandidatePair.objects.filter(status=CandidatePair.Status.PENDING)
    strong: list[tuple[int, int, int | None]] = [
        (low, high, run_id)
        for low, high, run_id in pending.filter(
            probability__gte=settings.merge_threshold
        ).values_list("person_low_id", "person_high_id", "run_id")
        if low in live_kind and high in live_kind
    ]
    membership = connected_groups([(low, high) for low, high, _ in strong])
    clusters: dict[int, list[int]] = {}
    for pk, root in membership.items():
        clusters.setdefault(root, []).append(pk)
    # Each identity is represented by one record, a customer one if it has any.
    duplicates: set[int] = set()
    for members in clusters.values():
        kept = min(members, key=lambda pk: (KIND_PRECEDENCE[live_kind[pk]], pk))
        duplicates.update(pk for pk in members if pk != kept)
    kinds = Counter(kind for pk, kind in live_kind.items() if pk not in duplicates)

    customer_ids = {pk for pk, kind in live_kind.items() if kind == CUSTOMER}
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

    # Records that left (lost, churned, merged away): few, so read one by one.
    merges = _merge_dates()
    leavers = {
        record.pk: record
        for record in _records(
            everything.exclude(kind=OTHER)
            .filter(Q(kind__in=(LOST, CHURNED)) | Q(merged_into__isnull=False))
            .annotate(gained_at=became_customer_at(customer_stages))
        )
        if record.pk not in duplicates
    }
    exits = {
        pk: exit_
        for pk, record in leavers.items()
        if (exit_ := _exit(record, merges, today)) is not None
    }
    trend = _trend(everything, customer_stages, duplicates, live_kind, exits, now, months)
    this_month = _month(today)
    lost_now = sorted(
        (
            (exit_.on, pk)
            for pk, exit_ in exits.items()
            if exit_.reason == "lost" and _month(exit_.on) == this_month
        ),
        key=lambda item: (-item[0].toordinal(), item[1]),
    )

    return CustomerCount(
        scope=count_scope(user),
        records=records,
        merged=records - len(live_kind),
        clustered=len(duplicates),
        identities=len(live_kind) - len(duplicates),
        not_customers=kinds[OTHER],
        customers=kinds[CUSTOMER],
        lost=kinds[LOST],
        churned=kinds[CHURNED],
        pending_pairs=pending_pairs,
        breakdown=_breakdown(everything, customer_ids, membership, now, settings),
        trend=trend,
        lost_this_month=_lost_rows(user, lost_now[:LOST_SHOWN], leavers),
        lost_this_month_total=len(lost_now),
        since_resolution=_since_resolution(
            live_kind, leavers, duplicates, exits, strong, kinds[CUSTOMER]
        ),
        thresholds={
            "merge": settings.merge_threshold,
            "review": settings.review_threshold,
            "active_days": settings.active_days,
            "at_risk_days": settings.at_risk_days,
            "lapsed_days": settings.lapsed_days,
        },
    )


def _records(queryset: QuerySet[Any]) -> list[_Record]:
    return [
        _Record(
            pk=pk,
            kind=kind,
            gained_on=timezone.localtime(gained).date(),
            updated_on=timezone.localtime(updated).date(),
            lost_at=lost_at,
            merged_into=merged_into,
        )
        for pk, kind, gained, updated, lost_at, merged_into in queryset.values_list(
            "pk", "kind", "gained_at", "updated_at", "lost_at", "merged_into_id"
        )
    ]


def _breakdown(
    everything: QuerySet[Any],
    customer_ids: set[int],
    membership: dict[int, int],
    now: dt.datetime,
    settings: IdentitySettings,
) -> dict[str, int]:
    """Customers by their last purchase or interaction; an identity takes its best record's."""
    live = everything.filter(merged_into__isnull=True, kind=CUSTOMER)
    last_activity = dict(
        Interaction.objects.filter(person_id__in=live.values("pk"))
        .values("person_id")
        .annotate(last=Max("occurred_at"))
        .values_list("person_id", "last")
    )
    best: dict[int, str] = {}
    for pk in customer_ids:
        status = _status(last_activity.get(pk), now, settings)
        root = membership.get(pk, pk)
        if root not in best or STATUS_ORDER[status] < STATUS_ORDER[best[root]]:
            best[root] = status
    breakdown = dict.fromkeys(STATUS_ORDER, 0)
    for status in best.values():
        breakdown[status] += 1
    return breakdown


def _trend(
    everything: QuerySet[Any],
    customer_stages: list[str],
    duplicates: set[int],
    live_kind: dict[int, str],
    exits: dict[int, _Exit],
    now: dt.datetime,
    months: int,
) -> list[dict[str, Any]]:
    """Customers at the end of each month, with what changed it: gained − lost − merged away.

    Gains are counted in SQL by creation date (one query, a range per month, so it stays fast
    at a million records); then, in Python, the found duplicates (which never count) are taken
    out, and the few records that became customers after their creation are moved to the month
    they did.
    """
    shown = _months(now, months)
    starts = _month_starts(shown)
    were_customers = everything.exclude(kind=OTHER)
    sums = were_customers.aggregate(
        before=Count("pk", filter=Q(created_at__lt=starts[0])),
        **{
            f"m{index}": Count("pk", filter=Q(created_at__gte=begin, created_at__lt=end))
            for index, (begin, end) in enumerate(zip(starts, starts[1:], strict=False))
        },
    )
    gained: Counter[dt.date] = Counter(
        {month: sums[f"m{index}"] for index, month in enumerate(shown)}
    )
    running = sums["before"]

    def move(moment: dt.datetime, step: int) -> None:
        nonlocal running
        came = _month(timezone.localtime(moment).date())
        if came < shown[0]:
            running += step
        elif came in gained:
            gained[came] += step

    counted_duplicates = [pk for pk in duplicates if live_kind.get(pk) != OTHER]
    for created_at in everything.filter(pk__in=counted_duplicates).values_list(
        "created_at", flat=True
    ):
        move(created_at, -1)
    converted = (
        were_customers.filter(pk__in=_created_otherwise(customer_stages))
        .annotate(gained_at=_first_change_to_customer(customer_stages))
        .values_list("pk", "created_at", "gained_at")
    )
    for pk, created_at, gained_at in converted:
        if pk not in duplicates:
            move(created_at, -1)
            move(gained_at, +1)
    lost: Counter[dt.date] = Counter()
    merged: Counter[dt.date] = Counter()
    for exit_ in exits.values():
        left = _month(exit_.on)
        if left < shown[0]:
            running -= 1
        else:
            (lost if exit_.reason == "lost" else merged)[left] += 1
    series = []
    for month in shown:
        change = gained[month] - lost[month] - merged[month]
        running += change
        series.append(
            {
                "month": month.isoformat()[:7],
                "customers": running,
                "gained": gained[month],
                "lost": lost[month],
                "merged": merged[month],
                "change": change,
            }
        )
    return series


def _competitors_won(user: Any, pks: list[int]) -> dict[int, str]:
    """The competitor each person's latest deal lost to went to, from the deals `user` may see:
    the count's "lost to" reads the same data as the lost-to-competitors report."""
    from centric.sales.models import Deal

    won: dict[int, str] = {}
    rows = (
        Deal.objects.visible_to(user)
        .filter(person_id__in=pks, competitor__isnull=False, closed_at__isnull=False)
        .order_by("person_id", "-closed_at", "-id")
        .values_list("person_id", "competitor__name")
    )
    for person_id, name in rows:
        won.setdefault(person_id, name)
    return won


def _lost_rows(
    user: Any, chosen: list[tuple[dt.date, int]], leavers: dict[int, _Record]
) -> list[dict]:
    pks = [pk for _, pk in chosen]
    names = {
        pk: (first, last, lost_to)
        for pk, first, last, lost_to in Person.objects.filter(pk__in=pks).values_list(
            "pk", "first_name", "last_name", "lost_to"
        )
    }
    competitors = _competitors_won(user, pks) if pks else {}
    rows = []
    for on, pk in chosen:
        first, last, lost_to = names.get(pk, ("", "", ""))
        rows.append(
            {
                "id": pk,
                "name": " ".join(part for part in (first, last) if part),
                "lost_at": on.isoformat(),
                # A lost deal's competitor first; the person's own note when no deal names one.
                "lost_to": competitors.get(pk) or lost_to,
                "stage": leavers[pk].kind,
            }
        )
    return rows


def _since_resolution(
    live_kind: dict[int, str],
    leavers: dict[int, _Record],
    duplicates: set[int],
    exits: dict[int, _Exit],
    strong: list[tuple[int, int, int | None]],
    customers: int,
) -> dict[str, Any] | None:
    """How the last finished resolution, and merges by hand since it began, changed the count."""
    run = (
        ResolutionRun.objects.filter(status=ResolutionRun.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if run is None:
        return None
    began = run.started_at or run.created_at
    ended = run.finished_at or began
    by_run = by_hand = 0
    for pk, exit_ in exits.items():
        if exit_.reason != "merged" or exit_.at is None or exit_.at < began:
            continue
        if leavers[pk].kind in (LOST, CHURNED):
            continue  # a merged lost record did not count before either
        if exit_.automatic and exit_.at <= ended:
            by_run += 1
        else:
            by_hand += 1
    found_by_run = {
        pk
        for low, high, run_id in strong
        if run_id == run.pk
        for pk in (low, high)
        if pk in duplicates and live_kind[pk] == CUSTOMER
    }
    change = -(by_run + by_hand + len(found_by_run))
    return {
        "run_id": run.pk,
        "run_started_at": began,
        "run_finished_at": ended,
        "change": change,
        "before": customers - change,
        "merged_by_resolution": by_run,
        "found_by_resolution": len(found_by_run),
        "merged_by_hand": by_hand,
    }

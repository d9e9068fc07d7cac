"""Identity resolution and the customer count over the API.

Thin adapters over `selectors`, `suggestions` and `services`; the same rules as the pages.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from centric.core.api.idempotency import idempotent
from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.permissions import require_model_perm, require_perm
from centric.core.api.render import to_json
from centric.core.api.types import ApiRequest, Id, WorkerNoticeOut, text
from centric.core.workers import worker_missing_notice
from centric.customers.models import Person
from centric.identity import selectors
from centric.identity.models import ResolutionRun
from centric.identity.services.merge import golden_record, merge_undo, people_merge
from centric.identity.services.resolution import resolution_request
from centric.identity.services.review import pair_decide
from centric.identity.suggestions import duplicate_suggestions

count_router = Router()
router = Router()
FORBID = ConfigDict(extra="forbid")


class BreakdownOut(Schema):
    """The customers (lost and churned ones not among them) by their last activity."""

    active: int
    at_risk: int
    lapsed: int
    inactive: int


class TrendOut(Schema):
    month: str
    customers: int = Field(description="Customers at the end of the month.")
    gained: int
    lost: int = Field(description="Lost or churned in the month.")
    merged: int = Field(description="Merged into another record in the month.")
    change: int = Field(description="gained − lost − merged: the change from the month before.")


class LostOut(Schema):
    id: int
    name: str
    lost_at: str = Field(description="The day: the “lost on” date, or when the record changed.")
    lost_to: str
    stage: Literal["lost", "churned"]


class ScopeOut(Schema):
    whole_business: bool = Field(description="True when the figure counts every team's records.")
    teams: list[str] = Field(description="Otherwise: the teams whose records it counts.")
    description: str


class SinceResolutionOut(Schema):
    """How the last finished resolution (and merges by hand since it began) changed the count."""

    run_id: int
    run_started_at: Any
    run_finished_at: Any
    change: int
    before: int
    merged_by_resolution: int
    found_by_resolution: int = Field(
        description="Duplicates the run found above the merge threshold, counted as one."
    )
    merged_by_hand: int


class CountOut(Schema):
    customers: int = Field(
        description="One number: customers, duplicates resolved, non-customers, lost and churned excluded."
    )
    scope: ScopeOut = Field(description="Whose customers: the whole business or your teams.")
    records: int = Field(description="Person records you may see, merged ones included.")
    merged: int = Field(description="Records already merged into another.")
    clustered: int = Field(
        description="Records above the merge threshold with another, counted as one before anyone merges them."
    )
    identities: int = Field(description="records − merged − clustered.")
    not_customers: int = Field(
        description="Identities whose lifecycle stage does not count as a customer (leads…)."
    )
    lost: int = Field(description="Identities lost: the Lost stage or a “lost on” date.")
    churned: int = Field(description="Identities at the Churned stage.")
    pending_pairs: int = Field(
        description="Pairs of customers waiting in the review queue: the count may be at most this many fewer."
    )
    at_least: int
    breakdown: BreakdownOut
    trend: list[TrendOut]
    lost_this_month: list[LostOut] = Field(description="The first 200, most recent first.")
    lost_this_month_total: int
    since_resolution: SinceResolutionOut | None
    thresholds: dict[str, float]
    explanation: str


@count_router.get("/count", response=CountOut, summary="How many customers do we have?")
def customers_count(request: ApiRequest):
    user = request.auth
    require_model_perm(user, Person, "view")
    count = selectors.customer_count(user)
    body = {
        key: getattr(count, key)
        for key in (
            "customers",
            "records",
            "merged",
            "clustered",
            "identities",
            "not_customers",
            "lost",
            "churned",
            "pending_pairs",
            "at_least",
            "breakdown",
            "trend",
            "lost_this_month",
            "lost_this_month_total",
            "since_resolution",
            "thresholds",
        )
    }
    body["scope"] = count.scope.as_dict() | {"description": count.scope.description}
    body["explanation"] = (
        f"{count.records} records − {count.merged} merged − {count.clustered} duplicates found = {count.identities} identities; "
        f"− {count.not_customers} not customers − {count.lost} lost − {count.churned} churned "
        f"= {count.customers} customers {count.scope.description}"
        + (
            f" (at most {count.pending_pairs} fewer: pairs waiting for review)"
            if count.pending_pairs
            else ""
        )
    )
    return body


class MatchedPerson(Schema):
    """A person in a duplicate pair or suggestion (not the search result's shape)."""

    id: int
    first_name: str
    last_name: str
    primary_email: str
    primary_phone: str
    lifecycle_stage: str | None = Field(None, alias="lifecycle_stage_id")


class EvidenceOut(Schema):
    comparison: str
    level: str
    weight: float
    left: str = ""
    right: str = ""


class PairOut(Schema):
    id: int
    probability: float
    weight: float
    status: str
    person_low: MatchedPerson
    person_high: MatchedPerson
    evidence: list[EvidenceOut]


class PairPage(Schema):
    items: list[PairOut]
    next_cursor: str | None
    previous_cursor: str | None


class PairFilters(PageParams):
    status: Literal["pending", "merged", "not_same", "stale"] = "pending"


def _visible_pairs(user: Any):
    return selectors.pairs_visible(user)


@router.get(
    "/pairs", response=PairPage, summary="The review queue: possible duplicates with evidence"
)
def list_pairs(request: ApiRequest, filters: Query[PairFilters]):
    user = request.auth
    require_model_perm(user, Person, "view")
    queryset = _visible_pairs(user).filter(status=filters.status)
    return page_body(
        page_of(
            queryset, ordering=["-probability", "id"], cursor=filters.cursor, limit=filters.limit
        )
    )


class DecisionIn(Schema):
    model_config = FORBID
    decision: Literal["merge", "not_same"]
    survivor_id: Id | None = None
    choices: dict[Annotated[str, Field(max_length=50)], Id] | None = Field(None, max_length=40)


class MergeOut(Schema):
    id: int
    survivor_id: int
    merged_ids: list[int]
    merged_at: Any
    is_automatic: bool
    undone_at: Any | None
    golden_choices: dict[str, int]


class DecisionOut(Schema):
    pair: PairOut
    merge: MergeOut | None = None


@router.post(
    "/pairs/{pair_id}/decision",
    response=DecisionOut,
    summary="Merge a pair, or mark it not the same",
)
def decide_pair(request: ApiRequest, pair_id: Id, payload: DecisionIn):
    user = request.auth
    require_model_perm(user, Person, "change")
    pair = get_object_or_404(_visible_pairs(user), pk=pair_id)
    merge = pair_decide(
        actor=user,
        pair=pair,
        decision=payload.decision,
        survivor_id=payload.survivor_id,
        choices=payload.choices,
    )
    pair.refresh_from_db()
    return {"pair": pair, "merge": merge}


class MergeIn(Schema):
    model_config = FORBID
    survivor_id: Id
    other_ids: list[Id] = Field(min_length=1, max_length=20)
    choices: dict[Annotated[str, Field(max_length=50)], Id] | None = Field(None, max_length=40)


class GoldenFieldOut(Schema):
    field: str
    value: Any
    source_id: int
    rule: str


def _people_for_merge(user: Any, payload: MergeIn) -> tuple[Person, list[Person]]:
    ids = {payload.survivor_id, *payload.other_ids}
    people = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=ids)}
    if len(people) != len(ids):
        from django.http import Http404

        raise Http404("Not found")
    return people[payload.survivor_id], [
        people[i] for i in payload.other_ids if i != payload.survivor_id
    ]


@router.post(
    "/merges/preview", response=list[GoldenFieldOut], summary="Preview the golden record of a merge"
)
def preview_merge(request: ApiRequest, payload: MergeIn):
    user = request.auth
    require_model_perm(user, Person, "view")
    survivor, others = _people_for_merge(user, payload)
    return [
        {
            "field": g.field,
            "value": g.value if not hasattr(g.value, "pk") else g.value.pk,
            "source_id": g.source_id,
            "rule": g.rule,
        }
        for g in golden_record(survivor=survivor, others=others, choices=payload.choices)
    ]


@router.post("/merges", response={201: MergeOut}, summary="Merge people into one (undoable)")
def create_merge(request: ApiRequest, payload: MergeIn):
    user = request.auth
    require_model_perm(user, Person, "change")

    def create() -> tuple[int, str]:
        survivor, others = _people_for_merge(user, payload)
        merge = people_merge(actor=user, survivor=survivor, others=others, choices=payload.choices)
        return 201, to_json(MergeOut, merge)

    return idempotent(request, create)


def _visible_merges(user: Any):
    return selectors.merges_visible(user)


@router.get("/merges/{merge_id}", response=MergeOut, summary="A merge")
def get_merge(request: ApiRequest, merge_id: Id):
    user = request.auth
    require_model_perm(user, Person, "view")
    return get_object_or_404(_visible_merges(user), pk=merge_id)


@router.post("/merges/{merge_id}/undo", response=MergeOut, summary="Undo a merge exactly")
def undo_merge(request: ApiRequest, merge_id: Id):
    user = request.auth
    require_model_perm(user, Person, "change")
    merge = get_object_or_404(_visible_merges(user), pk=merge_id)
    merge_undo(actor=user, merge=merge)
    merge.refresh_from_db()
    return merge


RUN_FIGURE = (
    "Counted across all teams, so null unless you see every record "
    "(superuser or `core.see_all_records`)."
)


class RunOut(Schema):
    id: int
    status: str
    stage: str
    progress: int
    records: int | None = Field(description=RUN_FIGURE)
    pairs_scored: int | None = Field(description=RUN_FIGURE)
    pairs_for_review: int | None = Field(description=RUN_FIGURE)
    pairs_above_merge: int | None = Field(description=RUN_FIGURE)
    clusters: int | None = Field(description=RUN_FIGURE)
    auto_merged: int | None = Field(description=RUN_FIGURE)
    created_at: Any
    finished_at: Any | None
    error: str
    no_worker: WorkerNoticeOut | None = Field(
        None,
        description="Set while the run is queued and no background worker runs to pick it up.",
    )


def _run_body(run: ResolutionRun, user: Any) -> dict[str, Any]:
    body = {
        name: getattr(run, name)
        for name in ("id", "status", "stage", "progress", "created_at", "finished_at", "error")
    }
    notice = worker_missing_notice() if run.status == ResolutionRun.Status.QUEUED else None
    body["no_worker"] = notice.as_dict() if notice else None
    return body | selectors.run_figures(run, user)


@router.post("/runs", response={202: RunOut}, summary="Start a full resolution in the background")
def start_run(request: ApiRequest):
    user = request.auth
    require_perm(user, "identity.add_resolutionrun")
    return Status(202, _run_body(resolution_request(actor=user), user))


@router.get("/runs/{run_id}", response=RunOut, summary="Progress of a resolution run")
def get_run(request: ApiRequest, run_id: Id):
    user = request.auth
    require_perm(user, "identity.view_resolutionrun")
    return _run_body(get_object_or_404(ResolutionRun, pk=run_id), user)


class CandidateIn(Schema):
    model_config = FORBID
    first_name: text(100) = ""
    last_name: text(100) = ""
    date_of_birth: text(10) = ""
    phones: list[text(40)] = Field(default_factory=list, max_length=10)
    emails: list[text(254)] = Field(default_factory=list, max_length=10)
    exclude_id: Id | None = None


class SuggestionOut(Schema):
    person: MatchedPerson
    probability: float
    evidence: list[EvidenceOut]


@router.post(
    "/duplicates",
    response=list[SuggestionOut],
    summary="Who a person about to be saved may duplicate",
)
def check_duplicates(request: ApiRequest, payload: CandidateIn):
    user = request.auth
    require_model_perm(user, Person, "view")
    record = payload.model_dump()
    return duplicate_suggestions(user, record, exclude_id=record.pop("exclude_id"))


# ---------------------------------------------------------------- groups and bulk acceptance


class ClusterOut(Schema):
    person_ids: list[int] = Field(description="The records of the group, oldest id first.")
    pair_ids: list[int] = Field(description="The pending pairs that join them.")
    max_probability: float
    mean_probability: float
    min_probability: float = Field(
        description="The weakest pair: the group is accepted at a confidence up to this."
    )
    best_pair_id: int


class ClusterPage(Schema):
    items: list[ClusterOut]
    total: int = Field(description="Groups waiting for review that you may see.")
    next_cursor: str | None
    previous_cursor: str | None


class ClusterFilters(Schema):
    cursor: str | None = Field(
        None, max_length=20, pattern=r"^\d+$", description="`next_cursor` or `previous_cursor`."
    )
    limit: int = Field(50, ge=1, le=200, description="Groups per page.")


@router.get(
    "/clusters",
    response=ClusterPage,
    summary="The review queue as groups of possible duplicates, strongest first",
    description=(
        "Connected groups of pending pairs whose records you may see, by their strongest pair, "
        "then the mean of their pairs."
    ),
)
def list_clusters(request: ApiRequest, filters: Query[ClusterFilters]):
    user = request.auth
    require_model_perm(user, Person, "view")
    clusters = selectors.pending_clusters(user)
    start = min(int(filters.cursor or 0), len(clusters))
    end = start + filters.limit
    return {
        "items": clusters[start:end],
        "total": len(clusters),
        "next_cursor": str(end) if end < len(clusters) else None,
        "previous_cursor": str(max(start - filters.limit, 0)) if start else None,
    }


Threshold = Annotated[
    float,
    Field(
        ge=0.5,
        le=1,
        description="Accept the groups whose every pair scored at least this (0.95: 95% sure).",
    ),
]


class AcceptanceOut(Schema):
    threshold: float
    clusters: int = Field(description="Groups that would be merged (at most 5,000 per action).")
    records: int = Field(description="Records in those groups.")
    records_merged_away: int = Field(description="Records merged into their group's oldest record.")
    not_changeable: int = Field(
        description="Groups above the threshold left alone: one of their records you may not change."
    )
    too_large: int = Field(
        description="Groups above the threshold left for review by hand: over 20 records."
    )
    in_background: bool = Field(description="Whether the worker would do the merging.")


class AcceptanceQuery(Schema):
    threshold: Threshold


@router.get(
    "/clusters/acceptance",
    response=AcceptanceOut,
    summary="What accepting every group above a confidence would merge",
)
def preview_acceptance(request: ApiRequest, query: Query[AcceptanceQuery]):
    from centric.identity.services import review

    user = request.auth
    require_model_perm(user, Person, "view")
    acceptance = selectors.clusters_to_accept(user, query.threshold)
    chosen = acceptance.clusters[: review.BULK_LIMIT]
    return {
        "threshold": query.threshold,
        "clusters": len(chosen),
        "records": sum(len(c.person_ids) for c in chosen),
        "records_merged_away": sum(len(c.person_ids) - 1 for c in chosen),
        "not_changeable": acceptance.not_changeable,
        "too_large": acceptance.too_large,
        "in_background": len(chosen) > review.INLINE_LIMIT,
    }


class AcceptanceIn(Schema):
    model_config = FORBID
    threshold: Threshold


class SkippedOut(Schema):
    people: list[int]
    reason: str
    merge: int | None = None


class BulkMergeOut(Schema):
    id: int
    threshold: float
    status: Literal["queued", "running", "done", "failed", "undo_queued", "undoing", "undone"]
    progress: int = Field(description="Percent of the groups handled (or of the merges undone).")
    clusters_planned: int
    records_planned: int
    clusters_done: int
    clusters_merged: int
    records_merged: int
    merges_undone: int
    merge_ids: list[int] = Field(description="The merges it made, each undoable on its own too.")
    skipped: list[SkippedOut]
    error: str
    created_at: Any
    finished_at: Any | None
    undone_at: Any | None

    @staticmethod
    def resolve_merge_ids(obj: Any) -> list[int]:
        return sorted(obj.merges.values_list("pk", flat=True))


@router.post(
    "/clusters/acceptance",
    response={202: BulkMergeOut},
    summary="Merge every group whose every pair is at or above a confidence (undoable)",
    description=(
        "Each group is merged into its oldest record in its own transaction. Up to 20 groups are "
        "merged before the answer; more are merged by the worker: follow "
        "`GET /identity/bulk-merges/{id}`. Only groups whose every record you may change are taken."
    ),
)
def accept_clusters(request: ApiRequest, payload: AcceptanceIn):
    from centric.identity.services.review import clusters_accept

    user = request.auth
    require_model_perm(user, Person, "change")

    def create() -> tuple[int, str]:
        return 202, to_json(BulkMergeOut, clusters_accept(actor=user, threshold=payload.threshold))

    return idempotent(request, create)


@router.get(
    "/bulk-merges/{bulk_merge_id}", response=BulkMergeOut, summary="A bulk merge's progress"
)
def get_bulk_merge(request: ApiRequest, bulk_merge_id: Id):
    user = request.auth
    require_model_perm(user, Person, "view")
    return get_object_or_404(selectors.bulk_merges_visible(user), pk=bulk_merge_id)


@router.post(
    "/bulk-merges/{bulk_merge_id}/undo",
    response={202: BulkMergeOut},
    summary="Undo every merge of a bulk merge",
    description="Newest first, each in its own transaction; one that cannot be undone is listed in `skipped`.",
)
def undo_bulk_merge(request: ApiRequest, bulk_merge_id: Id):
    from centric.identity.services.review import bulk_merge_undo

    user = request.auth
    require_model_perm(user, Person, "change")
    batch = get_object_or_404(selectors.bulk_merges_visible(user), pk=bulk_merge_id)

    def create() -> tuple[int, str]:
        return 202, to_json(BulkMergeOut, bulk_merge_undo(actor=user, batch=batch))

    return idempotent(request, create)

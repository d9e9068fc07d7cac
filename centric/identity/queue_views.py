"""The review queue's pages: the groups of possible duplicates (or every pair), accepting every
group above a confidence, and the progress and undo of such an action. Thin adapters over
`selectors` and `services.review`, with the rules of `views`: records the user may not see are a
404, a missing permission a 403."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.htmx import render_page
from centric.core.pagination import keyset_page_or_errors
from centric.core.visibility import has_model_permission
from centric.customers.models import Person
from centric.identity import selectors
from centric.identity.forms import ClusterAcceptForm
from centric.identity.models import BulkMerge, CandidatePair, IdentitySettings
from centric.identity.services import review as review_service
from centric.identity.services.merge import MergeError
from centric.identity.services.review import BULK_LIMIT, bulk_merge_undo, clusters_accept
from centric.identity.views import (
    MAX_MERGE_RECORDS,
    QUEUE_PAGE_SIZE,
    _evidence,
    _require_person_perm,
    percent,
)


@dataclass
class ClusterPage:
    """A page of groups, with the same cursor fields as a keyset page (an offset here: the
    groups are computed, not a table)."""

    items: list[selectors.Cluster]
    total: int
    next_cursor: str | None
    previous_cursor: str | None


def _cluster_page(
    clusters: list[selectors.Cluster], cursor: str | None
) -> tuple[ClusterPage, list[str]]:
    start = 0
    errors: list[str] = []
    if cursor:
        if cursor.isdigit() and int(cursor) < max(len(clusters), 1):
            start = int(cursor)
        else:
            errors.append(_("That page link is not valid any more; showing the first page."))
    end = start + QUEUE_PAGE_SIZE
    return (
        ClusterPage(
            items=clusters[start:end],
            total=len(clusters),
            next_cursor=str(end) if end < len(clusters) else None,
            previous_cursor=str(max(start - QUEUE_PAGE_SIZE, 0)) if start else None,
        ),
        errors,
    )


def _describe_clusters(clusters: list[selectors.Cluster], settings: IdentitySettings) -> None:
    """Names, the best pair's evidence and the percentages of a page of groups: two queries."""
    ids = {pk for cluster in clusters for pk in cluster.person_ids}
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=ids).only(
            "pk", "first_name", "middle_name", "last_name", "created_at"
        )
    }
    evidence = dict(
        CandidatePair.objects.filter(pk__in=[c.best_pair_id for c in clusters]).values_list(
            "pk", "evidence"
        )
    )
    for cluster in clusters:
        cluster.people = [people[pk] for pk in cluster.person_ids if pk in people]  # type: ignore[attr-defined]  # for the template
        cluster.strongest = sorted(  # type: ignore[attr-defined]  # for the template
            (e for e in _evidence(evidence.get(cluster.best_pair_id, [])) if e["colour"] != "grey"),
            key=lambda e: -abs(float(e["weight"])),
        )[:3]
        cluster.percent = percent(cluster.max_probability)  # type: ignore[attr-defined]  # for the template
        cluster.min_percent = percent(cluster.min_probability)  # type: ignore[attr-defined]  # for the template
        cluster.above_merge = cluster.min_probability >= settings.merge_threshold  # type: ignore[attr-defined]  # for the template
        cluster.ids = ",".join(str(pk) for pk in cluster.person_ids)  # type: ignore[attr-defined]  # for the template
        cluster.can_open_merge = len(cluster.person_ids) <= MAX_MERGE_RECORDS  # type: ignore[attr-defined]  # for the template


@login_required
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """The review queue: groups of possible duplicates strongest first (or, with ?view=pairs,
    every pair one by one), and the form that accepts every group above a confidence."""
    _require_person_perm(request.user)
    settings = IdentitySettings.current()
    view = "pairs" if request.GET.get("view") == "pairs" else "groups"
    context: dict[str, Any] = {
        "settings": settings,
        "view": view,
        "can_decide": has_model_permission(request.user, Person, "change"),
        "accept_form": ClusterAcceptForm(initial={"threshold": settings.merge_threshold}),
        "recent_bulk": list(
            selectors.bulk_merges_visible(request.user).filter(requested_by_id=request.user.pk)[:3]
        ),
    }
    if view == "pairs":
        queryset = selectors.pairs_visible(request.user).filter(status=CandidatePair.Status.PENDING)
        page, errors = keyset_page_or_errors(
            queryset,
            ordering=["-probability", "id"],
            cursor=request.GET.get("cursor"),
            size=QUEUE_PAGE_SIZE,
        )
        for pair in page.items:
            pair.strongest = sorted(
                (e for e in _evidence(pair.evidence) if e["colour"] != "grey"),
                key=lambda e: -abs(float(e["weight"])),
            )[:3]
            pair.above_merge = pair.probability >= settings.merge_threshold
            pair.percent = percent(pair.probability)
        context.update(page=page, errors=errors)
        return render_page(request, "identity/queue.html", context, partial="table")
    clusters = selectors.pending_clusters(request.user)
    cluster_page, errors = _cluster_page(clusters, request.GET.get("cursor"))
    _describe_clusters(cluster_page.items, settings)
    context.update(page=cluster_page, errors=errors)
    return render_page(request, "identity/queue.html", context, partial="table")


def _acceptance_context(user: Any, threshold: float) -> dict[str, Any]:
    acceptance = selectors.clusters_to_accept(user, threshold)
    shown = acceptance.clusters[:10]
    _describe_clusters(shown, IdentitySettings.current())
    return {
        "acceptance": acceptance,
        "shown": shown,
        "capped": len(acceptance.clusters) > BULK_LIMIT,
        "bulk_limit": BULK_LIMIT,
        "largest_group": selectors.LARGEST_BULK_GROUP,
        # Read from the module each time, as the service does (tests lower it).
        "in_background": min(len(acceptance.clusters), BULK_LIMIT) > review_service.INLINE_LIMIT,
    }


@login_required
def clusters_accept_view(request: HttpRequest) -> HttpResponse:
    """GET: what accepting every group at the chosen confidence would merge (a partial for htmx,
    a page without it). POST: do it, and show the action's progress and its undo."""
    _require_person_perm(request.user)
    source = request.POST if request.method == "POST" else request.GET
    form = ClusterAcceptForm(source)
    context: dict[str, Any] = {"form": form, "can_decide": False}
    if not form.is_valid():
        return render_page(request, "identity/accept.html", context, partial="preview", status=422)
    threshold = form.cleaned_data["threshold"]
    can_decide = has_model_permission(request.user, Person, "change")
    context.update(_acceptance_context(request.user, threshold), can_decide=can_decide)
    if request.method != "POST":
        return render_page(request, "identity/accept.html", context, partial="preview")
    _require_person_perm(request.user, "change")
    try:
        batch = clusters_accept(actor=request.user, threshold=threshold)
    except ValidationError as error:
        for message in error.messages:
            form.add_error("threshold", message)
        return render(request, "identity/accept.html", context, status=422)
    if batch.status == BulkMerge.Status.DONE:
        messages.success(
            request,
            _("%(groups)d group(s) merged: %(records)d record(s) merged into their oldest record.")
            % {"groups": batch.clusters_merged, "records": batch.records_merged},
        )
    else:
        messages.success(
            request, _("The merges run in the background; this page shows their progress.")
        )
    return redirect("identity:bulk_merge", pk=batch.pk)


def _bulk_context(request: HttpRequest, batch: BulkMerge) -> dict[str, Any]:
    merges = list(batch.merges.select_related("survivor").order_by("pk")[:50])
    return {
        "batch": batch,
        "merges": merges,
        "more_merges": max(batch.clusters_merged - len(merges), 0),
        "can_undo": has_model_permission(request.user, Person, "change")
        and batch.status in (BulkMerge.Status.DONE, BulkMerge.Status.FAILED)
        and batch.clusters_merged > 0,
    }


@login_required
def bulk_merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One bulk action: its progress (polled while it works), what it merged and skipped."""
    _require_person_perm(request.user)
    batch = get_object_or_404(selectors.bulk_merges_visible(request.user), pk=pk)
    return render_page(
        request, "identity/bulk_merge.html", _bulk_context(request, batch), partial="status"
    )


@login_required
@require_POST
def bulk_merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person_perm(request.user, "change")
    batch = get_object_or_404(selectors.bulk_merges_visible(request.user), pk=pk)
    try:
        batch = bulk_merge_undo(actor=request.user, batch=batch)
    except MergeError as error:
        messages.error(request, error.message)
    else:
        if batch.status == BulkMerge.Status.UNDONE:
            messages.success(
                request,
                _("%(count)d merge(s) undone: the original records are back.")
                % {"count": batch.merges_undone - len(batch.skipped)},
            )
        else:
            messages.success(request, _("The merges are being undone in the background."))
    return redirect("identity:bulk_merge", pk=batch.pk)

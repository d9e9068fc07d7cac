"""Pages of identity resolution: the customer count, the review queue, merges, settings and
duplicate suggestions. Thin adapters over `selectors`, `suggestions` and `services`, with the
same rules as the API: records the user may not see are a 404, a missing permission a 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from centric.core.errors import ApplicationError
from centric.core.htmx import render_page
from centric.core.pagination import keyset_page_or_errors
from centric.core.visibility import has_model_permission
from centric.customers.models import Person
from centric.customers.selectors import memberships_visible
from centric.identity import selectors
from centric.identity.forms import (
    DuplicateCheckForm,
    IdentitySettingsForm,
    field_label,
)
from centric.identity.models import (
    CandidatePair,
    IdentitySettings,
    Merge,
    ResolutionRun,
)
from centric.identity.services.merge import (
    MergeError,
    golden_record,
    merge_undo,
    people_merge,
    rule_label,
)
from centric.identity.services.resolution import resolution_request
from centric.identity.services.review import (
    PairGoneError,
    pair_decide,
)
from centric.identity.services.settings import identity_settings_update
from centric.identity.suggestions import duplicate_suggestions

QUEUE_PAGE_SIZE = 25
MERGES_PAGE_SIZE = 25
MAX_MERGE_RECORDS = 20

BREAKDOWN = (
    ("active", gettext_lazy("Active"), "#15803d"),
    ("at_risk", gettext_lazy("At risk"), "#d97706"),
    ("lapsed", gettext_lazy("Lapsed"), "#6b7280"),
    ("inactive", gettext_lazy("Inactive"), "#b91c1c"),
)
# Which evidence row belongs to which field of the side-by-side page.
EVIDENCE_FOR = {
    "first_name": "first name",
    "last_name": "last name",
    "date_of_birth": "date of birth",
    "phones": "phone",
    "emails": "email",
    "addresses": "city",
    "organisations": "organisation",
}


def _require_person_perm(user: Any, action: str = "view") -> None:
    if not has_model_permission(user, Person, action):
        raise PermissionDenied


def _require_perm(user: Any, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def percent(probability: float) -> str:
    """A match probability as people read it: 87, 99.4, never a rounded-up 100."""
    value = probability * 100
    if value >= 99.95:
        return "99.9+"
    if value >= 99:
        return f"{value:.1f}"
    return f"{value:.0f}"


def _evidence_class(item: dict) -> str:
    weight = float(item.get("weight") or 0)
    if item.get("level") == "missing" or weight == 0:
        return "grey"
    if weight > 0:
        return "green" if weight >= 2 else "teal"
    return "red" if weight <= -2 else "amber"


def _evidence(items: list[dict]) -> list[dict]:
    return [dict(item, colour=_evidence_class(item)) for item in items or []]


# ---------------------------------------------------------------- the count


def _breakdown_chart(breakdown: dict[str, int]) -> dict[str, Any]:
    total = sum(breakdown.values())
    segments, x = [], 0.0
    for key, label, colour in BREAKDOWN:
        value = breakdown.get(key, 0)
        width = (value / total * 100) if total else 0
        segments.append(
            {
                "key": key,
                "label": label,
                "colour": colour,
                "value": value,
                "percent": round(width),
                "x": round(x, 3),
                "width": round(width, 3),
            }
        )
        x += width
    return {"total": total, "segments": segments}


def _trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    """Bar geometry for the monthly trend, computed here so the template stays declarative."""
    width, height, top, bottom, left = 720, 220, 24, 28, 8
    plot = height - top - bottom
    peak = max((row["customers"] for row in trend), default=0) or 1
    slot = (width - left) / max(len(trend), 1)
    bars = []
    for index, row in enumerate(trend):
        value = max(row["customers"], 0)
        bar_height = round(value / peak * plot, 2)
        month = dt.date.fromisoformat(row["month"] + "-01")
        x = left + index * slot
        bars.append(
            {
                **row,
                "label": month,
                "x": round(x + slot * 0.15, 2),
                "y": round(top + plot - bar_height, 2),
                "value_y": round(top + plot - bar_height - 6, 2),
                "width": round(slot * 0.7, 2),
                "height": bar_height,
                "centre": round(x + slot / 2, 2),
            }
        )
    return {
        "width": width,
        "height": height,
        "baseline": top + plot,
        "label_y": height - 8,
        "bars": bars,
    }


def _latest_run() -> ResolutionRun | None:
    return ResolutionRun.objects.select_related("requested_by").first()


@login_required
def customer_count(request: HttpRequest) -> HttpResponse:
    _require_person_perm(request.user)
    count = selectors.customer_count(request.user)
    lost = [
        dict(row, lost_on=dt.date.fromisoformat(str(row["lost_at"])[:10]))
        for row in count.lost_this_month
    ]
    context = {
        "count": count,
        "lost": lost,
        "breakdown_chart": _breakdown_chart(count.breakdown),
        "trend_chart": _trend_chart(count.trend),
        "run": _latest_run(),
        "show_figures": selectors.sees_run_figures(request.user),
        "can_run": request.user.has_perm("identity.add_resolutionrun"),
        "can_change_settings": request.user.has_perm("identity.change_identitysettings"),
    }
    return render(request, "identity/count.html", context)


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    _require_perm(request.user, "identity.add_resolutionrun")
    run = resolution_request(actor=request.user)
    if getattr(request, "htmx", False):
        return render(
            request,
            "identity/partials/run_status.html",
            {"run": run, "show_figures": selectors.sees_run_figures(request.user)},
        )
    messages.success(request, _("Resolution queued. This page shows its progress."))
    return redirect("identity:count")


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    if not (
        request.user.has_perm("identity.view_resolutionrun")
        or request.user.has_perm("identity.add_resolutionrun")
    ):
        raise PermissionDenied
    run = get_object_or_404(ResolutionRun, pk=pk)
    return render(
        request,
        "identity/partials/run_status.html",
        {
            "run": run,
            "just_finished": True,
            "show_figures": selectors.sees_run_figures(request.user),
        },
    )


# ---------------------------------------------------------------- the review queue


class PairMissing(Exception):
    """The pair was deleted (with one of its records) since the page was shown."""


def _pair_or_404(user: Any, pk: int) -> CandidatePair:
    pair = selectors.pairs_visible(user).filter(pk=pk).first()
    if pair is None:
        if not CandidatePair.objects.filter(pk=pk).exists():
            raise PairMissing
        raise Http404(_("No such pair."))
    return pair


def _pair_missing(request: HttpRequest) -> HttpResponse:
    messages.warning(
        request,
        _(
            "This suggestion no longer exists: one of its records was deleted. The queue is up to date."
        ),
    )
    return redirect("identity:queue")


def _record_rows(pair: CandidatePair, user: Any) -> tuple[list[dict], list[Person]]:
    # Only organisations the user may see are named (a hidden one is not named through its
    # members, as on the person page).
    memberships = memberships_visible(user).select_related("organisation")
    people = list(
        Person.objects.filter(pk__in=[pair.person_low_id, pair.person_high_id])
        .select_related("owner", "team", "lifecycle_stage", "merged_into")
        .prefetch_related("contact_points", Prefetch("memberships", queryset=memberships))
        .order_by("pk")
    )
    evidence = {item["comparison"]: item for item in _evidence(pair.evidence)}

    def points(person: Person, kinds: tuple[str, ...]) -> list[str]:
        return [p for p in person.contact_points.all() if p.kind in kinds]

    rows: list[dict] = []

    def add(key: str, label: str, values: list[Any], kind: str = "text") -> None:
        rows.append(
            {
                "key": key,
                "label": label,
                "values": values,
                "kind": kind,
                "evidence": evidence.get(EVIDENCE_FOR.get(key, "")),
            }
        )

    add("first_name", _("First name"), [p.first_name for p in people])
    add("middle_name", _("Middle name"), [p.middle_name for p in people])
    add("last_name", _("Last name"), [p.last_name for p in people])
    add("date_of_birth", _("Date of birth"), [p.date_of_birth for p in people], "date")
    add("phones", _("Phones"), [points(p, ("phone", "whatsapp")) for p in people], "points")
    add("emails", _("Emails"), [points(p, ("email",)) for p in people], "points")
    add("addresses", _("Addresses"), [points(p, ("address",)) for p in people], "addresses")
    add(
        "organisations",
        _("Organisations"),
        [[m.organisation.name for m in p.memberships.all()] for p in people],
        "list",
    )
    add("lifecycle_stage", _("Stage"), [p.lifecycle_stage for p in people], "stage")
    add("owner", _("Owner"), [p.owner for p in people])
    add("team", _("Team"), [p.team for p in people])
    add("source", _("Source"), [p.source for p in people])
    add("external_id", _("External id"), [p.external_id for p in people])
    add("created_at", _("Created"), [p.created_at for p in people], "datetime")
    add("updated_at", _("Updated"), [p.updated_at for p in people], "datetime")
    return rows, people


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person_perm(request.user)
    try:
        pair = _pair_or_404(request.user, pk)
    except PairMissing:
        return _pair_missing(request)
    rows, people = _record_rows(pair, request.user)
    pair.percent = percent(pair.probability)  # type: ignore[attr-defined]  # for the template
    shown = {EVIDENCE_FOR[row["key"]] for row in rows if row["key"] in EVIDENCE_FOR}
    context = {
        "pair": pair,
        "rows": rows,
        "people": people,
        "evidence": _evidence(pair.evidence),
        "other_evidence": [e for e in _evidence(pair.evidence) if e["comparison"] not in shown],
        "is_pending": pair.status == CandidatePair.Status.PENDING,
        "can_decide": has_model_permission(request.user, Person, "change"),
        "settings": IdentitySettings.current(),
    }
    return render(request, "identity/pair_detail.html", context)


@login_required
@require_POST
def pair_not_same(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person_perm(request.user, "change")
    try:
        pair = _pair_or_404(request.user, pk)
    except PairMissing:
        return _pair_missing(request)
    try:
        pair_decide(actor=request.user, pair=pair, decision="not_same")
    except PairGoneError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            _("Marked as not the same person. This pair will not be suggested again."),
        )
        following = (
            selectors.pairs_visible(request.user)
            .filter(status=CandidatePair.Status.PENDING)
            .order_by("-probability", "id")
            .values_list("pk", flat=True)
            .first()
        )
        if following is not None and request.POST.get("then") == "next":
            return redirect("identity:pair_detail", pk=following)
    return redirect("identity:queue")


# ---------------------------------------------------------------- merging


def _merge_ids(raw: str) -> list[int]:
    ids: list[int] = []
    for part in (raw or "").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise Http404(_("No such records."))
        if int(part) not in ids:
            ids.append(int(part))
    if len(ids) < 2 or len(ids) > MAX_MERGE_RECORDS:
        raise Http404(_("Choose two or more records to merge."))
    return ids


def _people_for_merge(user: Any, ids: list[int]) -> dict[int, Person]:
    people = {
        p.pk: p
        for p in Person.objects.visible_to(user, include_merged=True)
        .filter(pk__in=ids)
        .select_related("owner", "team", "lifecycle_stage")
    }
    if len(people) != len(ids):
        raise Http404(_("No such records."))
    return people


def _display(person: Person, field: str) -> Any:
    value = getattr(person, field)
    return "" if value is None else value


def _preview_rows(
    survivor: Person, others: list[Person], picks: dict[str, int] | None
) -> tuple[list[dict], dict[str, int]]:
    """One row per field: each record's value, the rule's pick, and the pick to show."""
    defaults = golden_record(survivor=survivor, others=others)
    people = {p.pk: p for p in [survivor, *others]}
    ordered = sorted(people.values(), key=lambda p: p.pk)
    rows = []
    rule_picks = {}
    for item in defaults:
        rule_picks[item.field] = item.source_id
        selected = (picks or {}).get(item.field, item.source_id)
        values = [_display(p, item.field) for p in ordered]
        distinct = {str(v) for v in values}
        rows.append(
            {
                "field": item.field,
                "label": field_label(item.field),
                "rule": rule_label(item.rule),
                "differs": len(distinct) > 1,
                "options": [
                    {"person": p, "value": v, "checked": p.pk == selected}
                    for p, v in zip(ordered, values, strict=True)
                ],
            }
        )
    return rows, rule_picks


def _undo_message(request: HttpRequest, merge: Merge, survivor: Person) -> str:
    return format_html(
        '{} <form method="post" action="{}" class="inline-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="btn btn-sm">{}</button></form>',
        _("%(count)d record(s) merged into %(name)s.")
        % {"count": len(merge.merged_ids), "name": survivor.full_name},
        reverse("identity:merge_undo", args=[merge.pk]),
        get_token(request),
        reverse("customers:person_detail", args=[survivor.pk]),
        _("Undo"),
    )


@login_required
def merge_preview(request: HttpRequest) -> HttpResponse:
    _require_person_perm(request.user)
    source = request.POST if request.method == "POST" else request.GET
    ids = _merge_ids(source.get("ids", ""))
    people = _people_for_merge(request.user, ids)
    pair = None
    if source.get("pair"):
        pair_id = source.get("pair", "")
        if not pair_id.isdigit():
            raise Http404
        try:
            pair = _pair_or_404(request.user, int(pair_id))
        except PairMissing:
            return _pair_missing(request)
        if {pair.person_low_id, pair.person_high_id} != set(ids):
            raise Http404
    try:
        survivor_id = int(source.get("survivor") or min(ids))
    except ValueError:
        survivor_id = min(ids)
    if survivor_id not in people:
        survivor_id = min(ids)
    survivor = people[survivor_id]
    others = [people[pk] for pk in ids if pk != survivor_id]
    errors: list[str] = []
    merged_already = [p for p in people.values() if p.merged_into_id]
    if merged_already:
        errors.append(
            _("A record in this merge was already merged into another; it cannot be merged again.")
        )

    picks: dict[str, int] = {}
    if request.method == "POST":
        for key, value in request.POST.dict().items():  # each key's last value, as items()
            if key.startswith("pick_") and value.isdigit():
                picks[key[len("pick_") :]] = int(value)
    rows, rule_picks = _preview_rows(survivor, others, picks)
    status = 200
    if request.method == "POST" and not errors:
        _require_person_perm(request.user, "change")
        choices = {
            field: pick
            for field, pick in picks.items()
            if field in rule_picks and pick != rule_picks[field]
        }
        try:
            if pair is not None:
                merge = pair_decide(
                    actor=request.user,
                    pair=pair,
                    decision="merge",
                    survivor_id=survivor_id,
                    choices=choices or None,
                )
            else:
                merge = people_merge(
                    actor=request.user,
                    survivor=survivor,
                    others=others,
                    choices=choices or None,
                )
        except PairGoneError as error:
            messages.warning(request, error.message)
            return redirect("identity:queue")
        except MergeError as error:
            errors.append(error.message)
            status = 409
        except ValidationError as error:
            errors.extend(error.messages)
            status = 422
        else:
            assert merge is not None  # a "merge" decision gives its merge
            survivor.refresh_from_db()
            messages.success(request, _undo_message(request, merge, survivor))
            return redirect("customers:person_detail", pk=survivor.pk)
    elif errors:
        status = 409 if request.method == "POST" else 200
    context = {
        "ids": ",".join(str(pk) for pk in ids),
        "people": sorted(people.values(), key=lambda p: p.pk),
        "survivor": survivor,
        "rows": rows,
        "pair": pair,
        "errors": errors,
        "can_merge": has_model_permission(request.user, Person, "change") and not merged_already,
    }
    return render(request, "identity/merge_preview.html", context, status=status)


@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    _require_person_perm(request.user)
    queryset = selectors.merges_visible(request.user).select_related("survivor", "merged_by")
    page, errors = keyset_page_or_errors(
        queryset,
        ordering=["-merged_at", "-id"],
        cursor=request.GET.get("cursor"),
        size=MERGES_PAGE_SIZE,
    )
    merged_ids = {pk for merge in page.items for pk in merge.merged_ids}
    names = {
        p.pk: p.full_name
        for p in Person.objects.visible_to(request.user, include_merged=True)
        .filter(pk__in=merged_ids)
        .only("pk", "first_name", "middle_name", "last_name")
    }
    for merge in page.items:
        merge.merged_people = [(pk, names.get(pk)) for pk in merge.merged_ids]
    context = {
        "page": page,
        "errors": errors,
        "can_undo": has_model_permission(request.user, Person, "change"),
    }
    return render_page(request, "identity/merge_list.html", context, partial="table")


@login_required
@require_POST
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_person_perm(request.user, "change")
    merge = get_object_or_404(selectors.merges_visible(request.user), pk=pk)
    next_url = request.POST.get("next", "")
    try:
        survivor = merge_undo(actor=request.user, merge=merge)
    except MergeError as error:
        messages.error(request, error.message)
        return redirect("identity:merges")
    messages.success(
        request,
        _("Merge undone: %(count)d record(s) restored beside %(name)s.")
        % {"count": len(merge.merged_ids), "name": survivor.full_name},
    )
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("customers:person_detail", pk=survivor.pk)


# ---------------------------------------------------------------- settings


@login_required
def identity_settings(request: HttpRequest) -> HttpResponse:
    _require_perm(request.user, "identity.change_identitysettings")
    settings = IdentitySettings.current()
    if request.method == "POST":
        form = IdentitySettingsForm(request.POST)
        if form.is_valid():
            try:
                identity_settings_update(actor=request.user, **form.service_values())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Identity settings saved."))
                return redirect("identity:settings")
    else:
        form = IdentitySettingsForm(initial=IdentitySettingsForm.initial_from(settings))
    return render(
        request,
        "identity/settings.html",
        {"form": form, "settings": settings},
        status=422 if form.errors else 200,
    )


# ---------------------------------------------------------------- duplicate suggestions


@login_required
def duplicate_check(request: HttpRequest) -> HttpResponse:
    _require_person_perm(request.user)
    form = DuplicateCheckForm(request.GET)
    record = form.record()
    suggestions = []
    if record is not None:
        try:
            suggestions = duplicate_suggestions(
                request.user, record, exclude_id=form.cleaned_data.get("exclude_id")
            )
        except ApplicationError:
            suggestions = []
    for suggestion in suggestions:
        suggestion.shown_evidence = _evidence(suggestion.evidence)  # type: ignore[attr-defined]  # for the template
        suggestion.percent = percent(suggestion.probability)  # type: ignore[attr-defined]  # for the template
        suggestion.strong = suggestion.probability >= 0.9  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "identity/partials/duplicate_suggestions.html",
        {"suggestions": suggestions, "checked": record is not None, "now": timezone.now()},
    )

"""Setting up the sales process: the pipelines' pages where an administrator renames, adds,
re-orders and retires stages and says what each needs (history and reports keep every name)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.visibility import has_model_permission
from centric.sales.choices import StageOutcome
from centric.sales.models import Pipeline, Stage
from centric.sales.requirements import requirable
from centric.sales.services import (
    pipeline_create,
    pipeline_update,
    stage_add,
    stage_move,
    stage_update,
)


def _may_edit(request: HttpRequest) -> bool:
    return has_model_permission(request.user, Pipeline, "change")


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _probability(text: str) -> int:
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise ValidationError(
            {"probability": _("Give the win probability as a whole number from 0 to 100.")}
        ) from None
    if not 0 <= value <= 100:
        raise ValidationError(
            {"probability": _("Give the win probability as a whole number from 0 to 100.")}
        )
    return value


@login_required
def pipelines(request: HttpRequest) -> HttpResponse:
    if not _may_edit(request):
        return render(request, "403.html", status=403)
    if request.method == "POST":
        try:
            pipeline = pipeline_create(
                name=request.POST.get("name", ""),
                position=Pipeline.objects.count(),
                stages=[
                    {"name": _("New"), "probability": 10},
                    {"name": _("Closed won"), "probability": 100, "outcome": StageOutcome.WON},
                    {"name": _("Closed lost"), "probability": 0, "outcome": StageOutcome.LOST},
                ],
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("“%(name)s” is ready: add its stages.") % {"name": pipeline.name}
            )
            return redirect("sales:pipeline_edit", pk=pipeline.pk)
    rows = Pipeline.objects.prefetch_related("stages").order_by("position", "id")
    return render(request, "sales/pipelines.html", {"pipelines": rows})


@login_required
def pipeline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_edit(request):
        return render(request, "403.html", status=403)
    pipeline = get_object_or_404(Pipeline, pk=pk)
    if request.method == "POST":
        try:
            pipeline_update(
                pipeline,
                name=request.POST.get("name", pipeline.name),
                is_active=request.POST.get("is_active") == "on",
            )
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Pipeline saved."))
        return redirect("sales:pipeline_edit", pk=pipeline.pk)
    stages = list(pipeline.stages.order_by("position", "id"))
    counts = dict(
        pipeline.deals.filter(closed_at__isnull=True)
        .values_list("stage_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for stage in stages:
        stage.open_deals = counts.get(stage.pk, 0)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "pipeline": pipeline,
        "stages": stages,
        "requirable": list(requirable().items()),
        "outcomes": StageOutcome.choices,
    }
    return render(request, "sales/pipeline_edit.html", context)


@login_required
@require_POST
def stage_save(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    if not _may_edit(request):
        return render(request, "403.html", status=403)
    stage = get_object_or_404(Stage, pk=stage_pk, pipeline_id=pk)
    action = request.POST.get("action", "save")
    try:
        if action in ("up", "down"):
            stage_move(stage, by=-1 if action == "up" else 1)
        elif action in ("retire", "restore"):
            stage_update(stage, is_retired=action == "retire")
            messages.success(
                request,
                (
                    _("“%(name)s” is retired; its history stays.")
                    if action == "retire"
                    else _("“%(name)s” is back.")
                )
                % {"name": stage.name},
            )
        else:
            stage_update(
                stage,
                name=request.POST.get("name", stage.name),
                probability=_probability(request.POST.get("probability", "")),
                required_fields=request.POST.getlist("required_fields"),
                checklist=_lines(request.POST.get("checklist", "")),
            )
            messages.success(request, _("Stage saved."))
    except ValidationError as error:
        _refused(request, error)
    return redirect("sales:pipeline_edit", pk=pk)


@login_required
@require_POST
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_edit(request):
        return render(request, "403.html", status=403)
    pipeline = get_object_or_404(Pipeline, pk=pk)
    try:
        stage = stage_add(
            pipeline=pipeline,
            name=request.POST.get("name", ""),
            probability=_probability(request.POST.get("probability", "0") or "0"),
            outcome=request.POST.get("outcome", StageOutcome.OPEN),
            required_fields=request.POST.getlist("required_fields"),
            checklist=_lines(request.POST.get("checklist", "")),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("“%(name)s” added at the end; move it where it belongs.") % {"name": stage.name},
        )
    return redirect("sales:pipeline_edit", pk=pk)

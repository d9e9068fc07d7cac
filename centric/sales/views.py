"""The deals board: one pipeline's stages as columns; a deal moves by its card's form (the
keyboard's way and the one without JavaScript) or by dragging it, which submits that form."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.errors import ConcurrentEditError
from centric.core.visibility import has_model_permission
from centric.sales.models import Deal, Pipeline, Stage
from centric.sales.selectors import board
from centric.sales.services import deal_move


def _month(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


@login_required
def deal_board(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Deal, "view"):
        return render(request, "403.html", status=403)
    pipelines = list(Pipeline.objects.filter(is_active=True))
    chosen = request.GET.get("pipeline", "")
    pipeline = next(
        (p for p in pipelines if str(p.pk) == chosen), pipelines[0] if pipelines else None
    )
    owner = request.GET.get("owner", "")
    month_text = request.GET.get("month", "")
    columns = (
        board(request.user, pipeline, owner=owner, close_month=_month(month_text))
        if pipeline
        else []
    )
    return render(
        request,
        "sales/board.html",
        {
            "title": _("Deals"),
            "pipelines": pipelines,
            "pipeline": pipeline,
            "columns": columns,
            "owner_filter": owner,
            "month_filter": month_text,
            "can_add": has_model_permission(request.user, Deal, "add"),
            "can_change": has_model_permission(request.user, Deal, "change"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_POST
def deal_board_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a card to another stage; a deal one may not change is a 404, like one not seen."""
    deal = get_object_or_404(Deal.objects.visible_to(request.user, "change"), pk=pk)
    stage = Stage.objects.filter(pk=request.POST.get("stage") or 0, pipeline=deal.pipeline).first()
    back = reverse("sales:board") + "?" + urlencode({"pipeline": deal.pipeline_id})
    if request.POST.get("query"):
        back = reverse("sales:board") + "?" + request.POST["query"]
    if stage is None:
        messages.error(request, _("Choose a stage of this deal's pipeline."))
        return redirect(back)
    version = request.POST.get("version", "")
    try:
        deal_move(
            deal,
            actor=request.user,
            stage=stage,
            expected_version=int(version) if version.isdigit() else None,
        )
    except ConcurrentEditError:
        messages.error(
            request,
            _("“%(deal)s” was changed by someone else meanwhile; the board now shows it as it is.")
            % {"deal": deal.title},
        )
    except ValidationError as error:
        messages.error(
            request,
            _("“%(deal)s” stays where it is: %(why)s")
            % {"deal": deal.title, "why": " ".join(error.messages)},
        )
    else:
        messages.success(
            request, _("“%(deal)s” moved to %(stage)s.") % {"deal": deal.title, "stage": stage.name}
        )
    return redirect(back)

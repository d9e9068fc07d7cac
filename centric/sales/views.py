"""The deals board: one pipeline's stages as columns; a deal moves by its card's form (the
keyboard's way and the one without JavaScript) or by dragging it, which submits that form."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.errors import ConcurrentEditError
from centric.core.visibility import has_model_permission
from centric.sales.choices import StageOutcome
from centric.sales.models import Deal, Pipeline, Stage
from centric.sales.selectors import CLOSED_SHOWN_DAYS, BoardColumn, board
from centric.sales.services import deal_move, deal_update


def _teams() -> list[tuple[int, str]]:
    from django.apps import apps

    team_model = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    return list(team_model._default_manager.order_by("name").values_list("pk", "name"))


def _month(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{text}-01") if text else None
    except ValueError:
        return None


def _deals_path() -> str:
    """The path a deal's page and move form hang under (`/sales/deals/`): the board writes its
    cards' links as this plus the id, instead of reversing two URLs per card."""
    detail = reverse("sales:deal_detail", args=[0])
    move = reverse("sales:deal_move", args=[0])
    path = detail.removesuffix("0/")
    assert detail == f"{path}0/" and move == f"{path}0/move/", (detail, move)  # noqa: S101 - the URLs' shape, checked in every request
    return path


def _add_move_options(columns: list[BoardColumn]) -> None:
    """Each card's "move to" picker lists the stages with its own chosen: rendered once per
    column, not once per card (300 cards would render 1,800 options)."""
    for column in columns:
        column.move_options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (other.stage.pk, " selected" if other is column else "", other.stage.name)
                for other in columns
            ),
        )


def _add_list_urls(
    columns: list[BoardColumn], *, pipeline: Pipeline | None, owner: str, team: str, month: str
) -> None:
    """Each column's "and N more" links to the deals list filtered the same way."""
    since = timezone.localdate() - dt.timedelta(days=CLOSED_SHOWN_DAYS)
    for column in columns:
        filters = {"pipeline": str(getattr(pipeline, "pk", "")), "stage": str(column.stage.pk)}
        if team.isdigit():
            filters["team"] = team
        if owner:
            filters["owner"] = owner
        if month:
            filters["close_month"] = month
        if column.stage.outcome != StageOutcome.OPEN:
            filters["closed_from"] = since.isoformat()
        column.list_url = f"{reverse('sales:deal_list')}?{urlencode(filters)}"


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
    team = request.GET.get("team", "")
    month_text = request.GET.get("month", "")
    columns = (
        board(request.user, pipeline, owner=owner, team=team, close_month=_month(month_text))
        if pipeline
        else []
    )
    _add_move_options(columns)
    _add_list_urls(columns, pipeline=pipeline, owner=owner, team=team, month=month_text)
    return render(
        request,
        "sales/board.html",
        {
            "title": _("Deals"),
            "pipelines": pipelines,
            "pipeline": pipeline,
            "columns": columns,
            "owner_filter": owner,
            "team_filter": team,
            "teams": _teams(),
            "month_filter": month_text,
            "can_add": has_model_permission(request.user, Deal, "add"),
            "can_change": has_model_permission(request.user, Deal, "change"),
            "can_edit_pipelines": has_model_permission(request.user, Pipeline, "change"),
            "base_currency": settings.CENTRIC_DEFAULT_CURRENCY,
            "query": request.GET.urlencode(),
            "deals_path": _deals_path(),
        },
    )


@login_required
@require_POST
def deal_contacts_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person to the deal with their role, or take one off."""
    from centric.sales.contacts import DealContactForm, deal_contact_add, deal_contact_remove

    deal = get_object_or_404(Deal.objects.visible_to(request.user, "change"), pk=pk)
    if request.POST.get("remove"):
        remove = request.POST["remove"]
        deal_contact_remove(deal=deal, contact_id=int(remove) if remove.isdigit() else 0)
        messages.success(request, _("Taken off the deal."))
        return redirect("sales:deal_detail", pk=deal.pk)
    form = DealContactForm(request.POST, user=request.user, prefix="contact")
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("sales:deal_detail", pk=deal.pk)
    try:
        deal_contact_add(deal=deal, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Added to the deal."))
    return redirect("sales:deal_detail", pk=deal.pk)


@login_required
@require_POST
def deal_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """Tick or untick the deal's checklist items (the deal page's Checklist panel)."""
    deal = get_object_or_404(Deal.objects.visible_to(request.user, "change"), pk=pk)
    version = request.POST.get("version", "")
    try:
        deal_update(
            deal,
            actor=request.user,
            checklist=request.POST.getlist("ticked"),
            expected_version=int(version) if version.isdigit() else None,
        )
    except ConcurrentEditError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Checklist saved."))
    return redirect("sales:deal_detail", pk=deal.pk)


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
        if stage.outcome == StageOutcome.LOST and {"lost_reason", "competitor"} & set(
            error.message_dict
        ):
            # Why it was lost is asked on the deal's form, with the lost stage chosen.
            messages.info(
                request,
                _("Say why “%(deal)s” was lost, then save.") % {"deal": deal.title},
            )
            return redirect(
                reverse("sales:deal_update", args=[deal.pk]) + "?" + urlencode({"stage": stage.pk})
            )
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


@login_required
def lost_to_competitors_page(request: HttpRequest) -> HttpResponse:
    """Deals lost to competitors: by competitor (a bar each, the value lost), then the table by
    competitor, month and owner; `?format=csv` downloads the table."""
    import csv

    from centric.sales.selectors import competitor_bars, lost_to_competitors, report_period

    if not has_model_permission(request.user, Deal, "view"):
        return render(request, "403.html", status=403)
    try:
        start, end = report_period(
            _day(request.GET.get("start", "")), _day(request.GET.get("end", ""))
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        start, end = report_period(None, None)
    rows = lost_to_competitors(request.user, start=start, end=end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="lost-to-competitors.csv"'
        writer = csv.writer(response)
        writer.writerow(["Competitor", "Month", "Owner", "Deals", "Currency", "Value lost"])
        for row in rows:
            writer.writerow(
                [
                    row.competitor,
                    row.month.strftime("%Y-%m"),
                    row.owner,
                    row.deals,
                    row.currency,
                    row.value,
                ]
            )
        return response
    bars = competitor_bars(rows)
    return render(
        request,
        "sales/lost_to_competitors.html",
        {
            "title": _("Deals lost to competitors"),
            "rows": rows,
            "bars": bars,
            "start": start,
            "end": end,
            "query": request.GET.urlencode(),
        },
    )


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None

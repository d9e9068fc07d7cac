"""Goodwill's own pages: the approver's answer, the limits and reasons, and the report."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.visibility import has_model_permission
from centric.goodwill.models import GoodwillAction, GoodwillLimit, GoodwillReason, Kind, Period
from centric.goodwill.report import goodwill_report
from centric.goodwill.services import goodwill_answer
from centric.goodwill.settings_services import limit_save, reason_save


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    action = GoodwillAction.objects.visible_to(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    try:
        goodwill_answer(
            action,
            actor=request.user,
            approve=request.POST.get("answer") == "approve",
            note=request.POST.get("note", ""),
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Answered; the agent is told."))
    return redirect("goodwill:goodwillaction_detail", pk=pk)


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value.replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(_("Give amounts as numbers, e.g. 20000.")) from None


@login_required
def goodwill_settings(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, GoodwillLimit, "change"):
        return render(request, "403.html", status=403)
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("form") == "reason":
                found = post.get("pk", "")
                reason_save(
                    reason=get_object_or_404(GoodwillReason, pk=found) if found.isdigit() else None,
                    name=post.get("name", ""),
                    is_active=post.get("is_active", "on") == "on",
                )
            elif post.get("form") == "limit_off":
                GoodwillLimit.objects.filter(pk=post.get("pk", "0") or 0).delete()
            else:
                role = get_object_or_404(Group, pk=post.get("role", "0") or 0)
                limit_save(
                    role=role,
                    kind=post.get("kind", ""),
                    per_action=_decimal(post.get("per_action", "")),
                    per_period=_decimal(post.get("per_period", "")),
                    period=post.get("period", "month"),
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("goodwill:settings")
    return render(
        request,
        "goodwill/settings.html",
        {
            "title": _("Goodwill limits and reasons"),
            "limits": GoodwillLimit.objects.select_related("role"),
            "reasons": GoodwillReason.objects.all(),
            "roles": Group.objects.order_by("name"),
            "kinds": Kind.choices,
            "periods": Period.choices,
            "currency": settings.CENTRIC_DEFAULT_CURRENCY,
        },
    )


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def report(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, GoodwillAction, "view"):
        return render(request, "403.html", status=403)
    today = timezone.localdate()
    start = _date(request.GET.get("start", ""), today - dt.timedelta(days=89))
    end = _date(request.GET.get("end", ""), today)
    found = goodwill_report(request.user, start, end, settings.CENTRIC_DEFAULT_CURRENCY)
    if request.GET.get("format") == "csv":
        return _csv(found)
    top = max((row.value for row in found.by_reason), default=Decimal(0)) or Decimal(1)
    return render(
        request,
        "goodwill/report.html",
        {
            "title": _("Goodwill report"),
            "report": found,
            "bars": [
                {"row": row, "percent": int(100 * row.value / top)} for row in found.by_reason
            ],
            "query": request.GET.urlencode(),
        },
    )


def _csv(found: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="goodwill-{found.start:%Y%m%d}-{found.end:%Y%m%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        ["by", "name", "given", f"value ({found.currency})", "waiting", "declined", "customers",
         "still customers", "ordered again"]
    )  # fmt: skip
    for by, rows in (("agent", found.by_agent), ("reason", found.by_reason)):
        for row in rows:
            writer.writerow(
                [by, row.label, row.given, f"{row.value:.2f}", row.waiting, row.declined,
                 len(row.customers), len(row.still), len(row.ordered)]
            )  # fmt: skip
    return response

"""The customer's rating page and the service desk's satisfaction results."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from centric.core.visibility import has_model_permission
from centric.tickets.models import Ticket
from centric.tickets.satisfaction import SCORES, BadLink, rating_save, ticket_of
from centric.tickets.satisfaction_report import satisfaction_report


@never_cache
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """GET: the page with the score from the email chosen; POST: the customer's rating."""
    context: dict[str, Any] = {"business": settings.CENTRIC_BUSINESS_NAME, "scores": SCORES}
    try:
        ticket = ticket_of(token)
    except BadLink as error:
        context["error"] = str(error)
        return render(request, "tickets/rate.html", context, status=404)
    context["ticket"] = ticket
    chosen = request.GET.get("score", "")
    context["chosen"] = int(chosen) if chosen.isdigit() and int(chosen) in SCORES else None
    if request.method == "POST":
        try:
            context["rating"] = rating_save(
                ticket, score=request.POST.get("score"), comment=request.POST.get("comment", "")
            )
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            return render(request, "tickets/rate.html", context, status=400)
    elif hasattr(ticket, "rating"):
        context["previous"] = ticket.rating
    return render(request, "tickets/rate.html", context)


def _date(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@login_required
def satisfaction(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Ticket, "view"):
        return render(request, "403.html", status=403)
    today = timezone.localdate()
    start = _date(request.GET.get("start", ""), today - dt.timedelta(days=364))
    end = _date(request.GET.get("end", ""), today)
    report = satisfaction_report(request.user, start, end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="satisfaction.csv"'
        writer = csv.writer(response)
        writer.writerow(["by", "name", "ratings", "satisfied (4-5)", "CSAT %", "average"])
        for by, rows in report.groups():
            for row in rows:
                writer.writerow([by, row.label, row.count, row.satisfied, row.csat, row.average])
        return response
    return render(
        request,
        "tickets/satisfaction.html",
        {"title": _("Customer satisfaction"), "report": report, "query": request.GET.urlencode()},
    )

"""The service report page (`/tickets/reports/`): the table by team, agent, channel or
category, bars of volume and of the backlog's age, each number linking to its tickets; CSV."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission
from centric.tickets.models import Ticket
from centric.tickets.service_report import AGE_BUCKETS, GROUPINGS, ServiceReport, service_report

BY_LABELS = {"team": "Team", "agent": "Agent", "channel": "Channel", "category": "Category"}
CSV_HEADER = [
    "group", "created", "solved", "median first answer (h)", "median solution (h)",
    "SLA met %", "reopened %", "CSAT %", "backlog", *[name for _limit, name in AGE_BUCKETS],
]  # fmt: skip


def period(params: Any) -> tuple[str, dt.date, dt.date]:
    today = timezone.localdate()

    def day(key: str, default: dt.date) -> dt.date:
        try:
            return dt.date.fromisoformat(params.get(key, "")) if params.get(key) else default
        except ValueError:
            return default

    by = params.get("by", "team")
    return (
        (by if by in GROUPINGS else "team"),
        day("start", today - dt.timedelta(days=29)),
        day("end", today),
    )


def csv_rows(report: ServiceReport) -> list[list[Any]]:
    lines = []
    for row in [*report.rows, report.total]:
        lines.append(
            [
                row.label or "All",
                row.created,
                row.solved,
                row.median_answer_hours,
                row.median_solve_hours,
                row.sla_percent,
                row.reopen_percent,
                row.csat,
                row.backlog,
                *row.ages,
            ]
        )
    return lines


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Ticket, "view"):
        return render(request, "403.html", status=403)
    by, start, end = period(request.GET)
    report = service_report(request.user, by, start, end)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="service-by-{by}.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(report))
        return response
    top = max((row.created for row in report.rows), default=0) or 1
    oldest = max(report.total.ages, default=0) or 1
    period_filter = f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
    return render(
        request,
        "tickets/reports.html",
        {
            "title": _("Service report"),
            "report": report,
            "by_choices": [(key, _(label)) for key, label in BY_LABELS.items()],
            "rows": [
                {
                    "row": row,
                    "percent": int(100 * row.created / top),
                    "link": report.link(row),
                }
                for row in report.rows
            ],
            "ages": [
                {"label": name, "count": count, "percent": int(100 * count / oldest)}
                for (_limit, name), count in zip(AGE_BUCKETS, report.total.ages, strict=True)
            ],
            "period_filter": period_filter,
            "query": request.GET.urlencode(),
        },
    )

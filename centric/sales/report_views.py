"""The sales reports page: the forecast by close month and owner or team, and the period's
results (win rate, deal size, cycle, stage conversion), each a chart with the table behind it,
every number a link to its deals, and each table as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission
from centric.sales.models import Deal, Pipeline
from centric.sales.reports import Forecast, Performance, forecast, performance
from centric.sales.selectors import report_period

Table = tuple[list[str], list[list[Any]]]


def forecast_table(report: Forecast) -> Table:
    who = _("Team") if report.by == "team" else _("Owner")
    headers = [who]
    for month in report.months:
        label = month.strftime("%Y-%m")
        headers += [f"{label} deals", f"{label} value", f"{label} weighted"]
    headers += [_("Deals"), _("Value"), _("Weighted")]
    rows = []
    for row in report.rows:
        line: list[Any] = [row.label or _("Nobody")]
        for month in report.months:
            cell = row.cells.get(month)
            line += [cell.deals, cell.value, cell.weighted] if cell else [0, 0, 0]
        line += [row.total.deals, row.total.value, row.total.weighted]
        rows.append(line)
    return headers, rows


def performance_table(report: Performance) -> Table:
    headers = [
        _("Owner"),
        _("Won"),
        _("Lost"),
        _("Win rate (%)"),
        _("Won value"),
        _("Average won deal"),
        _("Days to win"),
    ]
    rows = [
        [
            row.label or _("Nobody"),
            row.won,
            row.lost,
            row.win_rate,
            row.won_value,
            row.average_won,
            row.cycle_days,
        ]
        for row in [*report.owners, report.total]
    ]
    rows[-1][0] = _("Everyone")
    return headers, rows


def _download(table: Table, name: str, kind: str) -> HttpResponse:
    headers, rows = table
    if kind == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(name[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append([float(v) if hasattr(v, "quantize") else v for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _day(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Give dates as YYYY-MM-DD.")) from None


def _months(text: str) -> int:
    return int(text) if text.isdigit() and 1 <= int(text) <= 24 else 6


def deals_link(filters: dict[str, str]) -> str:
    return f"{reverse('sales:deal_list')}?{urlencode(filters)}"


@login_required
def sales_reports(request: HttpRequest, section: str = "forecast") -> HttpResponse:
    """The forecast (`/sales/reports/`) or the period's results (`/sales/reports/results/`):
    two pages, so the forecast never waits for a year of closed deals."""
    if not has_model_permission(request.user, Deal, "view"):
        return render(request, "403.html", status=403)
    params = request.GET
    try:
        start, end = report_period(_day(params.get("start", "")), _day(params.get("end", "")))
        forecast_from = _day(params.get("from", "")) or timezone.localdate()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        start, end = report_period(None, None)
        forecast_from = timezone.localdate()
    by = "team" if params.get("by") == "team" else "owner"
    months = _months(params.get("months", ""))
    pipelines = list(Pipeline.objects.filter(is_active=True))
    context: dict[str, Any] = {
        "title": _("Sales reports"),
        "section": section,
        "pipelines": pipelines,
        "start": start,
        "end": end,
        "forecast_from": forecast_from,
        "by": by,
        "months": months,
        "query": request.GET.urlencode(),
    }
    download = params.get("download", "")
    if section == "results":
        pipeline = next((p for p in pipelines if str(p.pk) == params.get("pipeline")), None)
        results = performance(request.user, start=start, end=end, pipeline=pipeline)
        if download in ("results.csv", "results.xlsx"):
            return _download(performance_table(results), "sales-results", download.split(".")[1])
        context.update(_results_context(results, start, end))
    else:
        ahead = forecast(request.user, start=forecast_from, months=months, by=by)
        if download in ("forecast.csv", "forecast.xlsx"):
            return _download(forecast_table(ahead), "forecast", download.split(".")[1])
        context.update(_forecast_context(ahead))
    return render(request, "sales/reports.html", context)


def _forecast_context(ahead: Forecast) -> dict[str, Any]:
    top = max((ahead.totals[m].weighted for m in ahead.months), default=0) or 1
    bars = [
        {
            "month": month,
            "cell": ahead.totals[month],
            "link": deals_link(ahead.totals[month].filters),
            "percent": round(100 * ahead.totals[month].weighted / top),
        }
        for month in ahead.months
    ]
    forecast_rows = [
        {
            "row": row,
            "cells": [
                (
                    row.cells.get(month),
                    deals_link(row.cells[month].filters) if month in row.cells else "",
                )
                for month in ahead.months
            ],
            "total_link": deals_link(row.total.filters),
        }
        for row in ahead.rows
    ]
    return {"forecast": ahead, "bars": bars, "forecast_rows": forecast_rows}


def _results_context(results: Performance, start: dt.date, end: dt.date) -> dict[str, Any]:
    closed = {
        "closed_from": f"{start:%Y-%m-%d}",
        "closed_before": f"{end + dt.timedelta(days=1):%Y-%m-%d}",
    }
    owner_rows = [
        {
            "row": row,
            "won_link": deals_link({**closed, "outcome": "won", "owner": str(row.key or "none")}),
            "lost_link": deals_link({**closed, "outcome": "lost", "owner": str(row.key or "none")}),
        }
        for row in results.owners
    ]
    widest = max((stage.reached for stage in results.stages), default=0) or 1
    return {
        "results": results,
        "owner_rows": owner_rows,
        "won_link": deals_link({**closed, "outcome": "won"}),
        "lost_link": deals_link({**closed, "outcome": "lost"}),
        "stages": [
            {"stage": stage, "percent": round(100 * stage.reached / widest)}
            for stage in results.stages
        ],
    }

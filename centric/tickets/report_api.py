"""The service report in the API: `GET /api/v1/service-reports?by=team&start=…&end=…`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Router, Schema

from centric.core.api.types import ApiRequest
from centric.tickets.models import Ticket
from centric.tickets.service_report import AGE_BUCKETS, Row, service_report

router = Router()


class ServiceReportRowOut(Schema):
    key: str | None
    name: str
    created: int
    solved: int
    median_first_answer_hours: float | None
    median_solution_hours: float | None
    sla_met_percent: int | None
    reopened_percent: int | None
    csat_percent: int | None
    backlog: int
    backlog_by_age: dict[str, int]


class ServiceReportOut(Schema):
    by: str
    start: dt.date
    end: dt.date
    rows: list[ServiceReportRowOut]
    total: ServiceReportRowOut


def _row(row: Row) -> dict[str, Any]:
    return {
        "key": None if row.key is None else str(row.key),
        "name": row.label,
        "created": row.created,
        "solved": row.solved,
        "median_first_answer_hours": row.median_answer_hours,
        "median_solution_hours": row.median_solve_hours,
        "sla_met_percent": row.sla_percent,
        "reopened_percent": row.reopen_percent,
        "csat_percent": row.csat,
        "backlog": row.backlog,
        "backlog_by_age": {
            name: count for (_limit, name), count in zip(AGE_BUCKETS, row.ages, strict=True)
        },
    }


@router.get("", response=ServiceReportOut, summary="Service figures by team, agent, channel…")
def service_report_get(
    request: ApiRequest,
    by: Literal["team", "agent", "channel", "category"] = "team",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    from django.utils import timezone

    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, Ticket, "view")
    today = timezone.localdate()
    found = service_report(request.auth, by, start or today - dt.timedelta(days=29), end or today)
    return {
        "by": by,
        "start": found.start,
        "end": found.end,
        "rows": [_row(row) for row in found.rows],
        "total": _row(found.total),
    }

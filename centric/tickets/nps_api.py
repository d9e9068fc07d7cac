"""NPS surveys in the API: `GET|POST /api/v1/nps-surveys`, `GET /api/v1/nps-surveys/{id}` (the
same services as the page: sending goes to the group the caller may see)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.types import ApiRequest, Id
from centric.tickets.models import NpsSurvey
from centric.tickets.nps import survey_create, survey_result

router = Router()


class NpsSurveyIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    question: str = Field("", max_length=300, description="Blank: the standard question.")
    tag: str = Field("", max_length=60, description="People with this tag…")
    lifecycle_stage: str = Field("", max_length=40, description="…and/or in this stage (its key).")


class NpsSurveyOut(Schema):
    id: int
    name: str
    question: str
    tag: str
    lifecycle_stage: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    invited: int
    answered: int
    promoters: int
    passives: int
    detractors: int
    nps: int | None = Field(description="Promoters' share less detractors' (−100 to 100).")
    by_score: list[int] = Field(description="Answers for each score, 0 to 10.")


def _out(survey: NpsSurvey) -> dict[str, Any]:
    result = survey_result(survey)
    return {
        "id": survey.pk,
        "name": survey.name,
        "question": survey.question,
        "tag": survey.tag,
        "lifecycle_stage": survey.lifecycle_stage,
        "created_at": survey.created_at,
        "sent_at": survey.sent_at,
        "invited": result.invited,
        "answered": result.answered,
        "promoters": result.promoters,
        "passives": result.passives,
        "detractors": result.detractors,
        "nps": result.score,
        "by_score": result.by_score,
    }


def _may(request: ApiRequest, action: str) -> None:
    from centric.core.api.permissions import require_model_perm

    require_model_perm(request.auth, NpsSurvey, action)


@router.get("", response=list[NpsSurveyOut], summary="NPS surveys and their results")
def nps_survey_list(request: ApiRequest) -> list[dict[str, Any]]:
    _may(request, "view")
    return [_out(survey) for survey in NpsSurvey.objects.all()[:100]]


@router.post("", response={201: NpsSurveyOut}, summary="Send an NPS survey to a group")
def nps_survey_add(request: ApiRequest, payload: NpsSurveyIn) -> Status:
    _may(request, "add")
    return Status(201, _out(survey_create(actor=request.auth, **payload.dict())))


@router.get("/{survey_id}", response=NpsSurveyOut, summary="One survey's result")
def nps_survey_get(request: ApiRequest, survey_id: Id) -> dict[str, Any]:
    _may(request, "view")
    return _out(NpsSurvey.objects.get(pk=survey_id))


satisfaction_router = Router()


class SatisfactionGroupOut(Schema):
    key: str | None
    name: str
    ratings: int
    satisfied: int = Field(description="Rated 4 or 5.")
    csat: int | None = Field(description="The share rated 4 or 5, in percent.")
    average: float


class SatisfactionOut(Schema):
    start: dt.date
    end: dt.date
    total: SatisfactionGroupOut
    by_agent: list[SatisfactionGroupOut]
    by_team: list[SatisfactionGroupOut]
    by_category: list[SatisfactionGroupOut]
    by_month: list[SatisfactionGroupOut]


def _group(group: Any) -> dict[str, Any]:
    return {
        "key": None if group.key is None else str(group.key),
        "name": group.label,
        "ratings": group.count,
        "satisfied": group.satisfied,
        "csat": group.csat,
        "average": group.average,
    }


@satisfaction_router.get("", response=SatisfactionOut, summary="CSAT by agent, team, category…")
def satisfaction_get(
    request: ApiRequest, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    from django.utils import timezone

    from centric.core.api.permissions import require_model_perm
    from centric.tickets.models import Ticket
    from centric.tickets.satisfaction_report import satisfaction_report

    require_model_perm(request.auth, Ticket, "view")
    today = timezone.localdate()
    found = satisfaction_report(request.auth, start or today - dt.timedelta(days=364), end or today)
    return {
        "start": found.start,
        "end": found.end,
        "total": _group(found.total),
        **{f"by_{by}": [_group(g) for g in groups] for by, groups in found.groups()},
    }

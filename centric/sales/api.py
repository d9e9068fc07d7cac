"""The pipelines and their stages in the REST API (deals are the record kit's `/deals`; a
PATCH of a deal's `stage_id` is the board's move, with the same requirements)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.types import ApiRequest
from centric.sales.models import Competitor, Deal, LostReason, Pipeline
from centric.sales.selectors import lost_to_competitors, report_period
from centric.sales.services import pipeline_create

router = Router()


class PipelineStageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    outcome: str
    required_fields: list[str]
    is_retired: bool


class PipelineOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    stages: list[PipelineStageOut]

    @staticmethod
    def resolve_stages(obj: Pipeline) -> list[Any]:
        return list(obj.stages.all())


class PipelineStageIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    probability: int = Field(0, ge=0, le=100)
    outcome: Literal["open", "won", "lost"] = "open"
    required_fields: list[str] = Field(default_factory=list)


class PipelineIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    position: int = Field(0, ge=0)
    stages: list[PipelineStageIn] = Field(..., min_length=1)


@router.get("", response=list[PipelineOut], summary="List pipelines and their stages")
def list_pipelines(request: ApiRequest) -> list[Pipeline]:
    require_model_perm(request.auth, Deal, "view")
    return list(Pipeline.objects.prefetch_related("stages"))


@router.post("", response={201: PipelineOut}, summary="Create a pipeline with its stages")
def create_pipeline(request: ApiRequest, payload: PipelineIn) -> Status:
    require_model_perm(request.auth, Pipeline, "add")
    if Pipeline.objects.filter(name__iexact=payload.name.strip()).exists():
        raise ValidationError({"name": "A pipeline with this name exists already."})
    pipeline = pipeline_create(
        name=payload.name,
        position=payload.position,
        stages=[stage.dict() for stage in payload.stages],
    )
    return Status(201, pipeline)


# --- Lost reasons and competitors ----------------------------------------------------------

lost_reasons_router = Router()
competitors_router = Router()
reports_router = Router()


class LostReasonOut(Schema):
    id: int
    name: str
    names_competitor: bool
    is_active: bool


class LostReasonIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    names_competitor: bool = False


class CompetitorOut(Schema):
    id: int
    name: str
    is_active: bool


class CompetitorIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


def _unique_name(model: Any, name: str) -> str:
    name = name.strip()
    if not name or model.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "This name is empty or used already."})
    return name


@lost_reasons_router.get("", response=list[LostReasonOut], summary="List lost reasons")
def list_lost_reasons(request: ApiRequest) -> list[LostReason]:
    require_model_perm(request.auth, Deal, "view")
    return list(LostReason.objects.all())


@lost_reasons_router.post("", response={201: LostReasonOut}, summary="Add a lost reason")
def create_lost_reason(request: ApiRequest, payload: LostReasonIn) -> Status:
    require_model_perm(request.auth, LostReason, "add")
    reason = LostReason.objects.create(
        name=_unique_name(LostReason, payload.name),
        names_competitor=payload.names_competitor,
        position=LostReason.objects.count(),
    )
    return Status(201, reason)


@competitors_router.get("", response=list[CompetitorOut], summary="List competitors")
def list_competitors(request: ApiRequest) -> list[Competitor]:
    require_model_perm(request.auth, Deal, "view")
    return list(Competitor.objects.all())


@competitors_router.post("", response={201: CompetitorOut}, summary="Add a competitor")
def create_competitor(request: ApiRequest, payload: CompetitorIn) -> Status:
    require_model_perm(request.auth, Competitor, "add")
    competitor = Competitor.objects.create(name=_unique_name(Competitor, payload.name))
    return Status(201, competitor)


class LostRowOut(Schema):
    competitor: str
    month: dt.date
    owner: str
    deals: int
    currency: str
    value: Decimal


@reports_router.get(
    "/lost-to-competitors",
    response=list[LostRowOut],
    summary="Deals lost to competitors, by competitor, month and owner",
)
def lost_to_competitors_report(
    request: ApiRequest, start: dt.date | None = None, end: dt.date | None = None
) -> list[Any]:
    require_model_perm(request.auth, Deal, "view")
    start, end = report_period(start, end)
    return lost_to_competitors(request.auth, start=start, end=end)

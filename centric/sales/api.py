"""The pipelines and their stages in the REST API (deals are the record kit's `/deals`; a
PATCH of a deal's `stage_id` is the board's move, with the same requirements)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.types import ApiRequest
from centric.sales.models import Deal, Pipeline
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

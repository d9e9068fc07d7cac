"""The pipelines and their stages in the REST API (deals are the record kit's `/deals`; a
PATCH of a deal's `stage_id` is the board's move, with the same requirements)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.types import ApiRequest, Id
from centric.sales.models import Competitor, Deal, LostReason, Pipeline, Stage
from centric.sales.selectors import lost_to_competitors, report_period
from centric.sales.services import (
    pipeline_create,
    pipeline_update,
    stage_add,
    stage_update,
    stages_reorder,
)

router = Router()


class PipelineStageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    outcome: str
    required_fields: list[str]
    checklist: list[str]
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
    required_fields: list[str] = Field(default_factory=list, max_length=10)
    checklist: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=20, description="Items a deal must tick to enter."
    )


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


class PipelinePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    position: int | None = Field(None, ge=0, le=10_000)
    is_active: bool | None = None


class StagePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    probability: int | None = Field(None, ge=0, le=100)
    required_fields: list[str] | None = Field(None, max_length=10)
    checklist: list[Annotated[str, Field(max_length=100)]] | None = Field(None, max_length=20)
    is_retired: bool | None = Field(None, description="Retired stages keep their history.")


class StageOrderIn(Schema):
    stage_ids: list[Id] = Field(..., min_length=1, max_length=100)


def _pipeline(pk: int) -> Pipeline:
    return Pipeline.objects.get(pk=pk)


def _given(payload: Schema) -> dict[str, Any]:
    return {
        key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None
    }


@router.patch(
    "/{pipeline_id}", response=PipelineOut, summary="Rename, reorder or retire a pipeline"
)
def update_pipeline(request: ApiRequest, pipeline_id: Id, payload: PipelinePatch) -> Pipeline:
    require_model_perm(request.auth, Pipeline, "change")
    return pipeline_update(_pipeline(pipeline_id), **_given(payload))


@router.post(
    "/{pipeline_id}/stages", response={201: PipelineStageOut}, summary="Add a stage at the end"
)
def add_stage(request: ApiRequest, pipeline_id: Id, payload: PipelineStageIn) -> Status:
    require_model_perm(request.auth, Pipeline, "change")
    return Status(201, stage_add(pipeline=_pipeline(pipeline_id), **payload.dict()))


@router.patch(
    "/{pipeline_id}/stages/{stage_id}",
    response=PipelineStageOut,
    summary="Rename a stage, change what it needs, or retire it",
    description="A stage with open deals is retired only once they have moved on (422).",
)
def update_stage(request: ApiRequest, pipeline_id: Id, stage_id: Id, payload: StagePatch) -> Stage:
    require_model_perm(request.auth, Pipeline, "change")
    stage = Stage.objects.get(pk=stage_id, pipeline_id=pipeline_id)
    return stage_update(stage, **_given(payload))


@router.put(
    "/{pipeline_id}/stage-order", response=PipelineOut, summary="Put the stages in this order"
)
def reorder_stages(request: ApiRequest, pipeline_id: Id, payload: StageOrderIn) -> Pipeline:
    require_model_perm(request.auth, Pipeline, "change")
    pipeline = _pipeline(pipeline_id)
    stages_reorder(pipeline, stage_ids=payload.stage_ids)
    return Pipeline.objects.prefetch_related("stages").get(pk=pipeline.pk)


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


class ForecastCellOut(Schema):
    month: dt.date
    deals: int
    value: Decimal
    weighted: Decimal


class ForecastRowOut(Schema):
    id: int | None = Field(..., description="The owner's (or team's) id; null: nobody.")
    name: str
    cells: list[ForecastCellOut]
    deals: int
    value: Decimal
    weighted: Decimal


class ForecastOut(Schema):
    by: Literal["owner", "team"]
    currency: str
    months: list[dt.date]
    rows: list[ForecastRowOut]
    totals: list[ForecastCellOut]
    without_close_date: int
    other_currencies: dict[str, int] = Field(
        ..., description="Deals in other currencies, not converted."
    )


@reports_router.get(
    "/forecast",
    response=ForecastOut,
    summary="Weighted pipeline by expected close month and owner or team",
)
def forecast_report(
    request: ApiRequest,
    start: dt.date | None = None,
    months: int = Query(6, ge=1, le=24),
    by: Literal["owner", "team"] = "owner",
) -> dict[str, Any]:
    from centric.sales.reports import forecast

    require_model_perm(request.auth, Deal, "view")
    report = forecast(request.auth, start=start or timezone.localdate(), months=months, by=by)

    def cells(source: dict[dt.date, Any]) -> list[dict[str, Any]]:
        return [
            {"month": month, "deals": cell.deals, "value": cell.value, "weighted": cell.weighted}
            for month, cell in sorted(source.items())
        ]

    return {
        "by": report.by,
        "currency": report.currency,
        "months": report.months,
        "rows": [
            {
                "id": row.key,
                "name": row.label,
                "cells": cells(row.cells),
                "deals": row.total.deals,
                "value": row.total.value,
                "weighted": row.total.weighted,
            }
            for row in report.rows
        ],
        "totals": cells(report.totals),
        "without_close_date": report.without_close_date,
        "other_currencies": report.other_currencies,
    }


class ResultOut(Schema):
    owner_id: Id | None
    name: str
    won: int
    lost: int
    win_rate: float | None = Field(..., description="Won of won and lost, in %.")
    won_value: Decimal
    average_won: Decimal | None
    days_to_win: float | None


class StageReachOut(Schema):
    stage: str
    reached: int
    conversion: float | None = Field(..., description="% of the stage before's deals.")


class ResultsOut(Schema):
    start: dt.date
    end: dt.date
    currency: str
    total: ResultOut
    owners: list[ResultOut]
    pipeline_id: Id | None
    stages: list[StageReachOut]


def _result(row: Any) -> dict[str, Any]:
    return {
        "owner_id": row.key,
        "name": row.label,
        "won": row.won,
        "lost": row.lost,
        "win_rate": row.win_rate,
        "won_value": row.won_value,
        "average_won": row.average_won,
        "days_to_win": row.cycle_days,
    }


@reports_router.get(
    "/results",
    response=ResultsOut,
    summary="Win rate, deal size, sales cycle and stage conversion over a period",
)
def results_report(
    request: ApiRequest,
    start: dt.date | None = None,
    end: dt.date | None = None,
    pipeline_id: Id | None = None,
) -> dict[str, Any]:
    from centric.sales.reports import performance

    require_model_perm(request.auth, Deal, "view")
    start, end = report_period(start, end)
    pipeline = None
    if pipeline_id is not None:
        pipeline = Pipeline.objects.filter(pk=pipeline_id).first()
        if pipeline is None:
            raise ValidationError({"pipeline_id": "There is no such pipeline."})
    report = performance(request.auth, start=start, end=end, pipeline=pipeline)
    return {
        "start": report.start,
        "end": report.end,
        "currency": report.currency,
        "total": _result(report.total),
        "owners": [_result(row) for row in report.owners],
        "pipeline_id": report.pipeline.pk if report.pipeline else None,
        "stages": [
            {"stage": s.name, "reached": s.reached, "conversion": s.conversion}
            for s in report.stages
        ],
    }


# --- Exchange rates --------------------------------------------------------------------------

exchange_rates_router = Router()


class ExchangeRateIn(Schema):
    currency: str = Field(..., pattern=r"^[A-Z]{3}$")
    rate: Decimal = Field(
        ..., gt=0, max_digits=20, decimal_places=8, description="Business currency per unit."
    )
    valid_on: dt.date


class ExchangeRateOut(ExchangeRateIn):
    id: int


@exchange_rates_router.get("", response=list[ExchangeRateOut], summary="List exchange rates")
def list_exchange_rates(request: ApiRequest, currency: str = "") -> list[Any]:
    from centric.sales.models import ExchangeRate

    require_model_perm(request.auth, Deal, "view")
    rates = ExchangeRate.objects.all()
    if currency:
        rates = rates.filter(currency=currency.upper()[:3])
    return list(rates[:1000])


@exchange_rates_router.put(
    "", response=ExchangeRateOut, summary="Set a currency's rate from a day (replaces that day's)"
)
def set_exchange_rate(request: ApiRequest, payload: ExchangeRateIn) -> Any:
    from centric.sales.exchange import exchange_rate_set
    from centric.sales.models import ExchangeRate

    require_model_perm(request.auth, ExchangeRate, "add")
    return exchange_rate_set(**payload.dict())


# --- A deal's people -------------------------------------------------------------------------

deal_actions_router = Router()


class DealContactIn(Schema):
    person_id: Id
    role: Literal["decision_maker", "buyer", "influencer", "user", "technical", "finance", "other"]
    note: str = Field("", max_length=200)


class DealContactOut(Schema):
    id: int
    person_id: int
    name: str
    role: str
    note: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person)


def _deal(request: ApiRequest, deal_id: int, action: str) -> Deal:
    from centric.core.api.records import record_for, record_get
    from centric.core.records import registry

    if action == "view":
        deal: Deal = record_get(registry.get(Deal), request.auth, deal_id)
    else:
        require_model_perm(request.auth, Deal, "change")
        deal = record_for(registry.get(Deal), request.auth, deal_id, "change")
    return deal


@deal_actions_router.get(
    "/{deal_id}/contacts", response=list[DealContactOut], summary="The people on a deal"
)
def list_deal_contacts(request: ApiRequest, deal_id: Id) -> list[Any]:
    from centric.sales.contacts import visible_contacts

    require_model_perm(request.auth, Deal, "view")
    return visible_contacts(request.auth, _deal(request, deal_id, "view"))


@deal_actions_router.post(
    "/{deal_id}/contacts",
    response={201: DealContactOut},
    summary="Put a person on a deal with their role (again: change the role)",
)
def add_deal_contact(request: ApiRequest, deal_id: Id, payload: DealContactIn) -> Status:
    from centric.customers.models import Person
    from centric.sales.contacts import deal_contact_add

    deal = _deal(request, deal_id, "change")
    person = Person.objects.visible_to(request.auth).filter(pk=payload.person_id).first()
    if person is None:
        raise ValidationError({"person_id": "There is no such person."})
    return Status(
        201, deal_contact_add(deal=deal, person=person, role=payload.role, note=payload.note)
    )


@deal_actions_router.delete(
    "/{deal_id}/contacts/{contact_id}", response={204: None}, summary="Take a person off a deal"
)
def remove_deal_contact(request: ApiRequest, deal_id: Id, contact_id: Id) -> Status:
    from centric.sales.contacts import deal_contact_remove
    from centric.sales.models import DealContact

    deal = _deal(request, deal_id, "change")
    if not deal_contact_remove(deal=deal, contact_id=contact_id):
        raise DealContact.DoesNotExist
    return Status(204, None)

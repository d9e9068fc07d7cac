"""Leads' own operations in the REST API (their CRUD is the record kit's `/leads`): converting
one, recording what it did, and the scoring and assignment rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.records import record_for
from centric.core.api.types import ApiRequest, Id
from centric.core.records import registry
from centric.customers.models import Person
from centric.leads.conversion import lead_convert, matching_people
from centric.leads.importing import FIELDS, import_leads
from centric.leads.models import AssignmentRule, Lead, ScoringRule
from centric.leads.services import lead_event_record, scoring_rule_save
from centric.sales.models import Pipeline

actions_router = Router()
scoring_router = Router()
assignment_router = Router()
import_router = Router()


def _lead(request: ApiRequest, lead_id: Id) -> Lead:
    require_model_perm(request.auth, Lead, "change")
    lead: Lead = record_for(registry.get(Lead), request.auth, lead_id, "change")
    return lead


class ConvertIn(Schema):
    person_id: Id | None = Field(
        None, description="Link to this customer; none: the one the matcher is sure of, or new."
    )
    force_new: bool = Field(False, description="Make a new customer whatever the matcher finds.")
    create_deal: bool = True
    pipeline_id: Id | None = None
    deal_title: str = Field("", max_length=200)
    amount: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=2)
    version: int | None = Field(None, ge=1)


class ConvertOut(Schema):
    lead_id: Id
    person_id: Id
    person_is_new: bool
    organisation_id: Id | None
    deal_id: Id | None


class LeadMatchOut(Schema):
    person_id: Id
    name: str
    probability: float


@actions_router.get(
    "/{lead_id}/matches",
    response=list[LeadMatchOut],
    summary="Customers on file this lead may be (before converting it)",
)
def lead_matches(request: ApiRequest, lead_id: Id) -> list[dict[str, Any]]:
    lead = _lead(request, lead_id)
    return [
        {"person_id": m.person.pk, "name": str(m.person), "probability": round(m.probability, 4)}
        for m in matching_people(request.auth, lead)
    ]


@actions_router.post(
    "/{lead_id}/convert",
    response={201: ConvertOut},
    summary="Convert a lead into a customer, their organisation and a deal",
    description=(
        "Links to the existing customer when the identity matcher is sure (no duplicate made); "
        "a converted lead is refused (422)."
    ),
)
def convert_lead(request: ApiRequest, lead_id: Id, payload: ConvertIn) -> Status:
    lead = _lead(request, lead_id)
    person = None
    if payload.person_id is not None:
        person = Person.objects.visible_to(request.auth).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": "There is no such person."})
    pipeline = None
    if payload.pipeline_id is not None:
        pipeline = Pipeline.objects.filter(pk=payload.pipeline_id, is_active=True).first()
        if pipeline is None:
            raise ValidationError({"pipeline_id": "There is no such pipeline."})
    result = lead_convert(
        lead,
        actor=request.auth,
        person=person,
        force_new=payload.force_new,
        create_deal=payload.create_deal,
        pipeline=pipeline,
        deal_title=payload.deal_title,
        amount=payload.amount,
        expected_version=payload.version,
    )
    return Status(
        201,
        {
            "lead_id": result.lead.pk,
            "person_id": result.person.pk,
            "person_is_new": result.person_is_new,
            "organisation_id": result.organisation.pk if result.organisation else None,
            "deal_id": result.deal.pk if result.deal else None,
        },
    )


class EventIn(Schema):
    key: str = Field(..., min_length=1, max_length=50, pattern=r"^[a-z0-9_-]+$")
    occurred_at: dt.datetime | None = None
    detail: str = Field("", max_length=200)
    external_id: str | None = Field(
        None, max_length=100, description="The sender's id: a retried delivery records once."
    )


class EventOut(Schema):
    id: int
    key: str
    occurred_at: dt.datetime
    detail: str
    score: int = Field(..., description="The lead's score after it.")


@actions_router.post(
    "/{lead_id}/events",
    response={201: EventOut, 200: EventOut},
    summary="Record what a lead did (scored by the behaviour rules)",
)
def record_event(request: ApiRequest, lead_id: Id, payload: EventIn) -> Status:
    lead = _lead(request, lead_id)
    event, created = lead_event_record(
        lead=lead,
        key=payload.key,
        occurred_at=payload.occurred_at,
        detail=payload.detail,
        external_id=payload.external_id,
    )
    lead.refresh_from_db(fields=["score"])
    body = {
        "id": event.pk,
        "key": event.key,
        "occurred_at": event.occurred_at,
        "detail": event.detail,
        "score": lead.score,
    }
    return Status(201 if created else 200, body)


# --- import ----------------------------------------------------------------------------------


class ImportedRowOut(Schema):
    line: int = Field(description="The row's line in the file (the header is line 1).")
    message: str


class ImportedLeadsOut(Schema):
    created: int
    skipped: list[ImportedRowOut] = Field(description="Rows naming a lead already held.")
    rejected: list[ImportedRowOut] = Field(description="Rows that could not make a lead.")
    kept_aside: list[ImportedRowOut] = Field(
        description="Values a lead was made without (kept as typed in its notes)."
    )


@import_router.post(
    "",
    response={200: ImportedLeadsOut},
    summary="Import leads from a CSV or Excel file",
    description=(
        "multipart/form-data: `file` (CSV or .xlsx, up to 5,000 rows), optionally `mapping` "
        '(JSON: column header → lead field, e.g. {"Full Name": "full_name"}; default: '
        "the suggested fields) and `owner` (a username; default: the assignment rules). "
        "Rows naming a lead already held (email, phone or external id) are skipped, so a retry "
        "adds nothing. Fields: " + ", ".join(FIELDS) + "."
    ),
)
def import_file(
    request: ApiRequest,
    file: File[UploadedFile],
    mapping: Form[str] = "",
    owner: Form[str] = "",
) -> dict[str, Any]:
    import json
    import tempfile
    from pathlib import Path

    from centric.core.kit.forms import staff_named
    from centric.imports.parsing import check_size, format_of

    require_model_perm(request.auth, Lead, "add")
    try:
        chosen = json.loads(mapping) if mapping else None
    except json.JSONDecodeError:
        raise ValidationError({"mapping": _("Give the mapping as a JSON object.")}) from None
    if chosen is not None and not (
        isinstance(chosen, dict) and all(isinstance(v, str) for v in chosen.values())
    ):
        raise ValidationError({"mapping": _('Give the mapping as {"column": "field"}.')})
    person = staff_named(owner) if owner else None
    if owner and person is None:
        raise ValidationError(
            {"owner": _("No staff member is called “%(name)s”.") % {"name": owner}}
        )
    file_format = format_of(file.name or "")
    check_size(file.size or 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"leads.{file_format}"
        with path.open("wb") as target:
            for chunk in file.chunks():
                target.write(chunk)
        result = import_leads(
            actor=request.auth, path=path, file_format=file_format, mapping=chosen, owner=person
        )
    return result.as_dict()


# --- rules -----------------------------------------------------------------------------------


class ScoringRuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: Literal["attribute", "behaviour"]
    attribute: str = Field("", max_length=30)
    value: str = Field("", max_length=100)
    behaviour: str = Field("", max_length=50, pattern=r"^[a-z0-9_-]*$")
    points: int = Field(..., ge=-100, le=100)
    half_life_days: int | None = Field(None, ge=1, le=3650)


class ScoringRuleOut(ScoringRuleIn):
    id: int
    is_active: bool


@scoring_router.get("", response=list[ScoringRuleOut], summary="List the lead scoring rules")
def list_scoring_rules(request: ApiRequest) -> list[ScoringRule]:
    require_model_perm(request.auth, Lead, "view")
    return list(ScoringRule.objects.filter(is_active=True))


@scoring_router.post("", response={201: ScoringRuleOut}, summary="Add a lead scoring rule")
def create_scoring_rule(request: ApiRequest, payload: ScoringRuleIn) -> Status:
    require_model_perm(request.auth, ScoringRule, "add")
    rule = ScoringRule(**payload.dict(), position=ScoringRule.objects.count())
    return Status(201, scoring_rule_save(rule))


@scoring_router.delete("/{rule_id}", response={204: None}, summary="Switch a scoring rule off")
def delete_scoring_rule(request: ApiRequest, rule_id: Id) -> Status:
    from centric.leads.tasks import rescore_leads

    require_model_perm(request.auth, ScoringRule, "change")
    ScoringRule.objects.get(pk=rule_id, is_active=True)
    ScoringRule.objects.filter(pk=rule_id).update(is_active=False)
    rescore_leads.enqueue()
    return Status(204, None)


class AssignmentRuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    source: str = Field("", max_length=20)
    territory: str = Field("", max_length=100)
    team_id: Id


class AssignmentRuleOut(AssignmentRuleIn):
    id: int
    is_active: bool
    last_assignee_id: Id | None


@assignment_router.get(
    "", response=list[AssignmentRuleOut], summary="List the lead assignment rules"
)
def list_assignment_rules(request: ApiRequest) -> list[AssignmentRule]:
    require_model_perm(request.auth, Lead, "view")
    return list(AssignmentRule.objects.filter(is_active=True))


@assignment_router.post(
    "", response={201: AssignmentRuleOut}, summary="Add a lead assignment rule (round-robin)"
)
def create_assignment_rule(request: ApiRequest, payload: AssignmentRuleIn) -> Status:
    require_model_perm(request.auth, AssignmentRule, "add")
    team_model: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    if not team_model.objects.filter(pk=payload.team_id).exists():
        raise ValidationError({"team_id": "There is no such team."})
    rule = AssignmentRule(**payload.dict(), position=AssignmentRule.objects.count())
    rule.full_clean()
    rule.save()
    return Status(201, rule)


@assignment_router.delete(
    "/{rule_id}", response={204: None}, summary="Switch an assignment rule off"
)
def delete_assignment_rule(request: ApiRequest, rule_id: Id) -> Status:
    require_model_perm(request.auth, AssignmentRule, "change")
    AssignmentRule.objects.get(pk=rule_id, is_active=True)
    AssignmentRule.objects.filter(pk=rule_id).update(is_active=False)
    return Status(204, None)

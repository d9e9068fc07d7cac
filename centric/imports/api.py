"""Imports over the API: upload a file, map its columns (owner and team of new records, what each
column does to existing records, when the file was made, its stage values), preview, start, and
the saved templates. Thin adapters over the import services; the same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import ConfigDict

from centric.core.api.idempotency import idempotent
from centric.core.api.permissions import require_perm
from centric.core.api.render import to_json
from centric.core.api.types import ApiRequest, Id, Moment, WorkerNoticeOut, text
from centric.core.kit.forms import staff_named
from centric.core.workers import worker_missing_notice
from centric.imports.models import (
    ImportJob,
    ImportTemplate,
    JobStatus,
)
from centric.imports.services import job_configure, job_create, job_preview, job_start
from centric.imports.services.jobs import job_stage_values
from centric.imports.services.templates import (
    job_apply_template,
    template_create,
    template_delete,
    templates_for,
)

router = Router()
FORBID = ConfigDict(extra="forbid")
IMPORT = "imports.add_importjob"


class TemplateOut(Schema):
    id: int
    name: str
    record_type: str
    headers: list[str]
    mapping: dict[str, str]
    match_by: str
    column_policies: dict[str, str]
    overwrite_later_edits: bool
    stage_mapping: dict[str, str]
    default_owner: str | None = Field(description="Username of the owner of new records.")
    default_team_id: int | None
    created_at: dt.datetime


class JobOut(Schema):
    id: int
    record_type: str
    original_filename: str
    file_format: str = Field(description="What the file was read as (its content, not its name).")
    notes: list[str] = Field(description="What the reading of the file noticed.")
    estimated_rows: int | None = Field(
        None, description="About how many rows (estimated at upload without reading them all)."
    )
    status: str
    headers: list[str]
    mapping: dict[str, str] = Field(description="Column → field ('' for a column not imported).")
    match_by: str
    default_owner: str | None = Field(description="Username of the owner of new records.")
    default_team_id: int | None = Field(description="Team of new records; null: the owner's.")
    column_policies: dict[str, str] = Field(
        description="Column → fill_blanks or overwrite, for columns that set one value; the "
        "others add contact points, tags and memberships beside the record's."
    )
    rows_made_at: dt.datetime | None = Field(
        description="When the file's rows were made; staff edits after it are kept."
    )
    overwrite_later_edits: bool
    stage_mapping: dict[str, str]
    dry_run: bool
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    error: str
    suggested_template_id: int | None = Field(
        description="A saved template whose columns are exactly this file's."
    )
    no_worker: WorkerNoticeOut | None = None


def _template_body(template: ImportTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "record_type": template.record_type,
        "headers": template.headers,
        "mapping": template.mapping,
        "match_by": template.match_by,
        "column_policies": template.column_policies,
        "overwrite_later_edits": template.overwrite_later_edits,
        "stage_mapping": template.stage_mapping,
        "default_owner": template.default_owner.get_username() if template.default_owner else None,
        "default_team_id": template.default_team_id,
        "created_at": template.created_at,
    }


def _job_body(job: ImportJob, user: Any) -> dict[str, Any]:
    _offered, exact = templates_for(user=user, job=job)
    notice = worker_missing_notice() if job.status == JobStatus.QUEUED else None
    return {
        **{
            name: getattr(job, name)
            for name in (
                "id",
                "record_type",
                "original_filename",
                "status",
                "match_by",
                "rows_made_at",
                "overwrite_later_edits",
                "dry_run",
                "total",
                "processed",
                "created",
                "updated",
                "unchanged",
                "rejected",
                "flagged",
                "error",
                "default_team_id",
            )
        },
        "file_format": job.file_format,
        "notes": [note for note in job.notes.splitlines() if note],
        "estimated_rows": job.estimated_rows,
        "headers": job.headers or [],
        "mapping": job.mapping or {},
        "column_policies": job.column_policies or {},
        "stage_mapping": job.stage_mapping or {},
        "default_owner": job.default_owner.get_username() if job.default_owner else None,
        "suggested_template_id": exact.pk if exact else None,
        "no_worker": notice.as_dict() if notice else None,
    }


def _job(request: ApiRequest, job_id: int) -> ImportJob:
    require_perm(request.auth, IMPORT)
    return get_object_or_404(
        ImportJob.objects.visible_to(request.auth).select_related("default_owner"), pk=job_id
    )


@router.post(
    "",
    response={201: JobOut},
    summary="Upload a file to import",
    description=(
        "A CSV, Excel (.xlsx) or vCard (.vcf) file as multipart/form-data. The columns get "
        "suggested fields; map them (PUT /imports/{id}/mapping), preview, then start. "
        "Send an `Idempotency-Key` header to make a retry safe: the same key with the same "
        "file and fields answers with the first upload's import, storing nothing again."
    ),
)
def import_create(
    request: ApiRequest,
    file: File[UploadedFile],
    record_type: Form[Literal["people", "organisations"]] = "people",
    match_by: Form[Literal["external_id", "email"]] = "external_id",
    file_made_at: Form[Moment | None] = None,
):
    stored: list[ImportJob] = []

    def create() -> tuple[int, str]:
        # A file that cannot be imported raises ImportFileError: a 422 problem, nothing stored.
        job = job_create(
            actor=request.auth,
            uploaded_file=file,
            record_type=record_type,
            match_by=match_by,
            rows_made_at=file_made_at,
        )
        stored.append(job)
        return 201, to_json(JobOut, _job_body(job, request.auth))

    try:
        return idempotent(request, create)
    finally:
        # A concurrent retry with the same key won: our job rolled back, its stored copy goes.
        for job in stored:
            if not ImportJob.objects.filter(file=job.file.name).exists():
                job.file.delete(save=False)


@router.get("/templates", response=list[TemplateOut], summary="Saved import templates")
def template_list(request: ApiRequest):
    require_perm(request.auth, IMPORT)
    templates = ImportTemplate.objects.visible_to(request.auth).select_related("default_owner")
    return [_template_body(t) for t in templates]


class TemplateIn(Schema):
    model_config = FORBID

    job: Id = Field(description="The import whose mapping and choices to save.")
    name: text(100, min_length=1)


@router.post("/templates", response={201: TemplateOut}, summary="Save an import's mapping")
def template_save(request: ApiRequest, payload: TemplateIn):
    job = _job(request, payload.job)
    template = template_create(actor=request.auth, job=job, name=payload.name)
    return Status(201, _template_body(template))


@router.delete("/templates/{template_id}", response={204: None}, summary="Delete a template")
def template_remove(request: ApiRequest, template_id: Id):
    require_perm(request.auth, IMPORT)
    template = get_object_or_404(ImportTemplate.objects.visible_to(request.auth), pk=template_id)
    template_delete(actor=request.auth, template=template)
    return Status(204, None)


@router.get("/{job_id}", response=JobOut, summary="An import: its mapping, choices and progress")
def import_get(request: ApiRequest, job_id: Id):
    return _job_body(_job(request, job_id), request.auth)


Column = Annotated[str, Field(max_length=255)]


class MappingIn(Schema):
    model_config = FORBID

    mapping: dict[Column, text(60)] = Field(
        description="Column → field key; columns not named keep their current field.",
        max_length=500,
    )
    match_by: Literal["external_id", "email"] | None = None
    default_owner: text(150) | None = Field(
        None, description="Username of the owner of new records (an Owner column wins per row)."
    )
    default_team: Id | None = Field(
        None, description="Id of the team of new records; leave out to keep the current one."
    )
    team_follows_owner: bool = Field(
        False, description="True: new records take their owner's team (clears default_team)."
    )
    column_policies: dict[Column, Literal["fill_blanks", "overwrite"]] | None = Field(
        None,
        description="Column → what it does to existing records; a column not named fills "
        "blanks only.",
        max_length=500,
    )
    rows_made_at: Moment | None = Field(
        None, description="When the file's rows were made; staff edits after it are kept."
    )
    overwrite_later_edits: bool | None = None
    stage_mapping: Annotated[dict[text(200), text(40)], Field(max_length=500)] | None = Field(
        None, description="Value in the file → stage key ('' for no stage)."
    )


def _lookup_owner(username: str | None, current: Any) -> Any:
    if username is None:
        return current
    user = staff_named(username.strip())
    if user is None or not user.is_active:
        raise ValidationError(
            {
                "default_owner": _("No active staff member has the username “%(value)s”.")
                % {"value": username}
            }
        )
    return user


@router.put("/{job_id}/mapping", response=JobOut, summary="Map the columns and choose what happens")
def import_configure(request: ApiRequest, job_id: Id, payload: MappingIn):
    job = _job(request, job_id)
    mapping = dict(job.mapping or {})
    for column, target in payload.mapping.items():
        header = next((h for h in job.headers or [] if h.lower() == column.strip().lower()), None)
        if header is None:
            raise ValidationError(
                {"mapping": _("The file has no column “%(column)s”.") % {"column": column}}
            )
        mapping[header] = target
    team: Any = job.default_team
    if payload.team_follows_owner:
        team = None
    elif payload.default_team is not None:
        team_model = apps.get_model(settings.CENTRIC_TEAM_MODEL)
        team = team_model._default_manager.filter(pk=payload.default_team).first()
        if team is None:
            raise ValidationError({"default_team": _("There is no such team.")})
    fields = payload.model_fields_set
    job_configure(
        job=job,
        mapping=mapping,
        match_by=payload.match_by or job.match_by,
        default_owner=_lookup_owner(payload.default_owner, job.default_owner),
        default_team=team,
        column_policies=dict(payload.column_policies)
        if payload.column_policies is not None
        else None,
        **({"rows_made_at": payload.rows_made_at} if "rows_made_at" in fields else {}),
        overwrite_later_edits=payload.overwrite_later_edits,
        stage_mapping=payload.stage_mapping,
    )
    return _job_body(job, request.auth)


class ApplyTemplateIn(Schema):
    model_config = FORBID

    template: Id


@router.post("/{job_id}/template", response=JobOut, summary="Apply a saved template")
def import_apply_template(request: ApiRequest, job_id: Id, payload: ApplyTemplateIn):
    job = _job(request, job_id)
    template = get_object_or_404(
        ImportTemplate.objects.visible_to(request.auth), pk=payload.template
    )
    job_apply_template(job=job, template=template)
    return _job_body(job, request.auth)


class ChangeOut(Schema):
    field: str
    label: str
    column: str
    current: str
    incoming: str
    action: Literal["write", "same", "kept_not_blank", "kept_edited"]
    edited_by: str
    edited_at: dt.datetime | None


class MatchOut(Schema):
    id: int
    name: str


class PreviewRowOut(Schema):
    line: int
    values: list[str] = Field(description="In the order of `labels`.")
    error: str = Field(description="Why the import would reject the row ('' when it would not).")
    notes: list[str] = []
    notices: list[dict[str, str]] = []
    match: MatchOut | None = Field(None, description="The existing record the row updates.")
    changes: list[ChangeOut] = Field(
        [], description="For an update: each value, now and in the file, and what happens."
    )
    adds: list[str] = Field([], description="Contact points the update adds.")
    already_there: list[str] = Field([], description="Contact points the record already has.")


class PreviewOut(Schema):
    labels: list[str]
    rows: list[PreviewRowOut]


@router.get(
    "/{job_id}/preview", response=PreviewOut, summary="The first rows as they would be saved"
)
def import_preview(request: ApiRequest, job_id: Id):
    job = _job(request, job_id)
    labels, rows = job_preview(job=job)
    for row in rows:
        row["error"] = row.get("error") or ""
    return {"labels": labels, "rows": rows}


class StageValueOut(Schema):
    value: str
    key: str = Field(description="The stage it becomes ('' for none): confirmed, else suggested.")
    suggested: str
    is_confirmed: bool
    rows: int


@router.get("/{job_id}/stages", response=list[StageValueOut], summary="The file's stage values")
def import_stages(request: ApiRequest, job_id: Id):
    return job_stage_values(job=_job(request, job_id))


class StartIn(Schema):
    model_config = FORBID

    dry_run: bool = Field(False, description="True: validate and count, save nothing.")


@router.post(
    "/{job_id}/start",
    response={202: JobOut},
    summary="Start the import (or a dry run)",
    description=(
        "Queues the import for the worker. Send an `Idempotency-Key` header to make a retry "
        "safe: the same key answers with the first start, queueing nothing again."
    ),
)
def import_start(request: ApiRequest, job_id: Id, payload: StartIn):
    job = _job(request, job_id)

    def create() -> tuple[int, str]:
        job_start(job=job, dry_run=payload.dry_run, actor=request.auth)
        return 202, to_json(JobOut, _job_body(job, request.auth))

    return idempotent(request, create)

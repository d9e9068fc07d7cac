"""Imports over the API: upload a file, read what it holds, preview its first rows, follow a job.

Thin adapters over `services.jobs`, with the same rules as the pages: the upload reads only the
header and the first rows (a hostile or mislabelled file is refused with a 422 problem and
nothing stored, decision 0061); the whole file is read by the worker.
"""

from __future__ import annotations

from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from centric.core.api.permissions import require_perm
from centric.core.api.types import ApiRequest, Id
from centric.imports.models import ImportJob
from centric.imports.services import job_create, job_preview

router = Router()


class ImportOut(Schema):
    id: int
    status: str
    record_type: str
    file_format: str = Field(description="What the file was read as (its content, not its name).")
    original_filename: str
    match_by: str
    headers: list[str]
    mapping: dict[str, str] = Field(description="Column → field (empty: not imported).")
    notes: list[str] = Field(description="What the reading of the file noticed.")
    estimated_rows: int | None = Field(
        None, description="About how many rows (estimated at upload without reading them all)."
    )
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    flagged: int
    error: str


class PreviewRowOut(Schema):
    line: int
    values: list[str]
    error: str = ""
    notes: list[str] = []


class PreviewOut(Schema):
    labels: list[str] = Field(description="The fields the mapped columns fill, in order.")
    rows: list[PreviewRowOut]


def _out(job: ImportJob, estimated_rows: int | None = None) -> dict[str, Any]:
    return {
        "id": job.pk,
        "status": job.status,
        "record_type": job.record_type,
        "file_format": job.file_format,
        "original_filename": job.original_filename,
        "match_by": job.match_by,
        "headers": job.headers or [],
        "mapping": job.mapping or {},
        "notes": [note for note in job.notes.splitlines() if note],
        "estimated_rows": estimated_rows,
        "total": job.total,
        "processed": job.processed,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "rejected": job.rejected,
        "flagged": job.flagged,
        "error": job.error,
    }


def _job(request: ApiRequest, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.visible_to(request.auth), pk=job_id)


@router.post(
    "",
    response={201: ImportOut},
    summary="Upload a file to import (CSV, Excel .xlsx or vCard)",
    description=(
        "Stores the file and reads its header and first rows; the suggested mapping comes "
        "back. A file that cannot be imported (too big, a zip bomb, not what its name says, "
        "damaged) is a 422 problem and nothing is stored. An upload only makes a draft: "
        "nothing is imported until the job is started."
    ),
)
def upload_import(
    request: ApiRequest,
    file: File[UploadedFile],
    record_type: Form[Literal["people", "organisations"]] = "people",
    match_by: Form[Literal["external_id", "email"]] = "external_id",
):
    job = job_create(
        actor=request.auth, uploaded_file=file, record_type=record_type, match_by=match_by
    )
    return Status(201, _out(job, job.estimated_rows))


@router.get("/{job_id}", response=ImportOut, summary="An import job and its progress")
def get_import(request: ApiRequest, job_id: Id):
    return _out(_job(request, job_id))


@router.get(
    "/{job_id}/preview",
    response=PreviewOut,
    summary="The first rows as they would be saved with the job's mapping",
)
def preview_import(request: ApiRequest, job_id: Id):
    require_perm(request.auth, "imports.add_importjob")
    job = _job(request, job_id)
    labels, rows = job_preview(job=job)
    return {
        "labels": labels,
        "rows": [
            {
                "line": row["line"],
                "values": row["values"],
                "error": row["error"],
                "notes": [str(note) for note in row.get("notes", [])],
            }
            for row in rows
        ],
    }

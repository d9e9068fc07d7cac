"""Import jobs: create from an upload, configure the mapping, preview, start, and run.

`job_run` is the one code path — the background task, the command line and the benchmark all
call it. It is idempotent: a finished job is left alone, and a job interrupted mid-way resumes
after the last committed batch (its `processed` counter is written in the batch's transaction).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.audit import audit
from centric.core.kit.services import UNSET
from centric.imports.fields import clean_mapping, suggest_mapping
from centric.imports.models import (
    ColumnPolicy,
    ImportJob,
    ImportNotice,
    ImportRejection,
    JobStatus,
    MatchBy,
    NoticeKind,
    RecordType,
)
from centric.imports.parsing import ImportFileError, Table, check_size, format_of, open_table
from centric.imports.services.full_table import worker_mapping
from centric.imports.services.outcome import Outcome
from centric.imports.services.preparing import prepared_rows
from centric.imports.services.preview import preview_updates
from centric.imports.services.repeats import RepeatedRows
from centric.imports.services.rows import PreparedRow, RowPreparer, RowRejected
from centric.imports.services.sinks import BackgroundWriter, InlineWriter, write_in_background
from centric.imports.services.updates import UpdateRules, clean_policies
from centric.imports.services.writer import BatchWriter, write_batch

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000
PREVIEW_ROWS = 10


def _check_choices(record_type: str, match_by: str) -> None:
    if record_type not in RecordType.values:
        raise ValidationError({"record_type": _("Import people or organisations.")})
    if match_by not in MatchBy.values:
        raise ValidationError({"match_by": _("Match by external id or by email.")})


def job_table(job: ImportJob, *, preview: bool = False) -> Table:
    """The job's file as a table; a `preview` table reads only the first rows (web requests)."""
    if not job.source_path and not job.file:
        raise ImportFileError(_("The file of this import is no longer stored; upload it again."))
    return open_table(job.path, job.file_format, preview=preview)


@transaction.atomic
def job_create(
    *,
    actor: Any,
    uploaded_file: Any,
    record_type: str,
    match_by: str = MatchBy.EXTERNAL_ID,
    rows_made_at: dt.datetime | None = None,
) -> ImportJob:
    """Store an upload and read its header row; a file that cannot be read is refused here."""
    _check_choices(record_type, match_by)
    model_permission = (
        "customers.add_person" if record_type == RecordType.PEOPLE else "customers.add_organisation"
    )
    if not (actor.has_perm("imports.add_importjob") and actor.has_perm(model_permission)):
        raise PermissionDenied(_("You may not import these records."))
    file_format = format_of(uploaded_file.name)
    check_size(uploaded_file.size)
    job = ImportJob(
        record_type=record_type,
        original_filename=Path(uploaded_file.name).name[:255],
        file_format=file_format,
        match_by=match_by,
        created_by=actor,
        default_owner=actor,
        rows_made_at=rows_made_at,
    )
    job.file.save(Path(uploaded_file.name).name[-100:], uploaded_file, save=False)
    # Whatever refuses the file from here on (a hostile zip, a file that lies about its type,
    # an error nobody foresaw) takes the stored copy with it.
    try:
        # Only the header and the first rows are read here: a web request never reads more.
        table = job_table(job, preview=True)
        job.file_format = table.file_format
        job.encoding = table.encoding
        job.notes = "\n".join(table.notes)
        job.headers = table.headers
        job.mapping = suggest_mapping(table.headers, record_type)
        job.estimated_rows = table.estimated_rows
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return job


def check_assignable(*, owner: Any, team: Any) -> None:
    """An owner and a team of new records must be ones the people form would accept: an
    active member of staff (`OwnerField`) and an existing team (decision 0064)."""
    if owner is not None and not (
        getattr(owner, "is_active", False) and getattr(owner, "pk", None) is not None
    ):
        raise ValidationError(
            {"default_owner": _("The owner of new records must be an active member of staff.")}
        )
    if team is not None and getattr(team, "pk", None) is None:
        raise ValidationError({"default_team": _("Choose an existing team.")})


def clean_stage_mapping(stage_mapping: dict[str, str]) -> dict[str, str]:
    """{value in the file: stage key or ""}: every key must be one of the business's stages."""
    from centric.customers.models import LifecycleStage

    if len(stage_mapping) > 500:
        raise ValidationError({"stage_mapping": _("Name at most 500 stage values.")})
    keys = set(LifecycleStage.objects.values_list("key", flat=True))
    cleaned: dict[str, str] = {}
    errors: list[str] = []
    for value, key in stage_mapping.items():
        value = str(value).strip()[:200]
        key = (key or "").strip()
        if not value:
            continue
        if key and key not in keys:
            errors.append(
                _("“%(key)s” is not one of your lifecycle stages (%(keys)s).")
                % {"key": key, "keys": ", ".join(sorted(keys))}
            )
            continue
        cleaned[value] = key
    if errors:
        raise ValidationError({"stage_mapping": errors})
    return cleaned


@transaction.atomic
def job_configure(
    *,
    job: ImportJob,
    mapping: dict[str, str],
    match_by: str,
    default_owner: Any = UNSET,
    default_team: Any = UNSET,
    column_policies: dict[str, str] | None = None,
    rows_made_at: dt.datetime | None = UNSET,
    overwrite_later_edits: bool | None = None,
    stage_mapping: dict[str, str] | None = None,
) -> ImportJob:
    """Save the user's mapping (validated against the file's headers) and what the import does:
    who owns new records, what each column does to existing ones, when the file was made, how
    its stage values read. A parameter not given keeps its saved value."""
    if job.status not in (JobStatus.UPLOADED, JobStatus.MAPPED, JobStatus.DONE, JobStatus.FAILED):
        raise ValidationError(_("This import is running; wait until it has finished."))
    _check_choices(job.record_type, match_by)
    # The preview's columns: those the user saw (the worker adds what only the whole file has).
    table = job_table(job, preview=True)
    cleaned = clean_mapping(mapping, table.headers, job.record_type, match_by)
    owner = job.default_owner if default_owner is UNSET else default_owner
    team = job.default_team if default_team is UNSET else default_team
    check_assignable(owner=owner, team=team)
    if column_policies is not None:
        job.column_policies = clean_policies(column_policies, cleaned, table.headers)
    else:
        job.column_policies = clean_policies(job.column_policies or {}, cleaned, table.headers)
    if rows_made_at is not UNSET:
        if rows_made_at is not None and rows_made_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(
                {"rows_made_at": _("The file cannot have been made in the future.")}
            )
        job.rows_made_at = rows_made_at
    if overwrite_later_edits is not None:
        job.overwrite_later_edits = overwrite_later_edits
    if stage_mapping is not None:
        job.stage_mapping = clean_stage_mapping(stage_mapping)
    job.headers, job.mapping = table.headers, {h: cleaned.get(h, "") for h in table.headers}
    job.match_by = match_by
    job.default_owner = owner
    job.default_team = team
    job.status = JobStatus.MAPPED
    job.save(
        update_fields=[
            "headers",
            "mapping",
            "match_by",
            "default_owner",
            "default_team",
            "column_policies",
            "rows_made_at",
            "overwrite_later_edits",
            "stage_mapping",
            "status",
        ]
    )
    return job


def job_preview(
    *, job: ImportJob, limit: int = PREVIEW_ROWS
) -> tuple[list[str], list[dict[str, Any]]]:
    """The first rows as they would be saved (normalised), each with its problems: the rows
    that repeat an earlier one and, for a row that updates an existing record, what it changes
    field by field (`changes`) — the same decisions the import makes."""
    table = job_table(job, preview=True)
    saved: dict[str, str] = job.mapping or {}
    mapping = {h: saved[h] for h in table.headers if saved.get(h)}
    preparer = _preparer(job, table, mapping)
    repeats = RepeatedRows(by_email=job.match_by == MatchBy.EMAIL)
    targets = list(dict.fromkeys(mapping.values()))
    result: list[dict[str, Any]] = []
    ready: list[tuple[PreparedRow, dict[str, Any]]] = []
    for number, row in enumerate(table.rows()):
        if number >= limit:
            break
        item: dict[str, Any] = {"line": row.line, "values": [], "error": row.error}
        if not row.error:
            prepared: PreparedRow | None
            try:
                prepared = preparer.resolve(preparer.prepare(row.line, row.values, row.notices))
            except RowRejected as rejection:
                item["error"] = rejection.reason
                prepared = None
            else:
                item["notes"] = prepared.notes
                item["error"] = repeats.reason(prepared)
            item["values"] = _preview_values(prepared, targets, row.values, table.headers, mapping)
            item["notices"] = prepared.notices if prepared is not None else []
            if prepared is not None and not item["error"]:
                ready.append((prepared, item))
                if job.record_type == "people":
                    item["looks_like"] = _looks_like(job, prepared)
        result.append(item)
    if ready and mapping:
        preview_updates(_writer(job, table, mapping), preparer, ready)
    labels = [preparer.label(t) for t in targets]
    return labels, result


def job_stage_values(*, job: ImportJob, rows: int = 1000) -> list[dict[str, Any]]:
    """The lifecycle stages the file's stage column holds (in its first rows) and the business's
    stage each one becomes (`key`: the user's confirmed choice, else the suggestion), so that
    the user can check and change them before importing. A value that matches no stage is
    imported as no stage, and reported."""
    from centric.customers.models import LifecycleStage
    from centric.imports.values import stage_key

    headers = [h for h, target in (job.mapping or {}).items() if target == "lifecycle_stage"]
    if not headers:
        return []
    table = job_table(job, preview=True)
    index = table.headers.index(headers[0]) if headers[0] in table.headers else None
    if index is None:
        return []
    labels: dict[str, str] = {}
    stages: dict[str, str] = {}
    for stage in LifecycleStage.objects.all():
        labels[stage.key] = str(stage.label)
        stages[stage.key.lower()] = stage.key
        stages[str(stage.label).lower()] = stage.key
    counts: dict[str, int] = {}
    for number, row in enumerate(table.rows()):
        if number >= rows:
            break
        value = row.values[index].strip() if index < len(row.values) else ""
        if value:
            counts[value] = counts.get(value, 0) + 1
    result = []
    confirmed = {v.lower(): k for v, k in (job.stage_mapping or {}).items()}
    for value, count in counts.items():
        suggested = stage_key(value, stages) or ""
        key = confirmed.get(value.lower())
        if key is None or (key and key not in labels):
            key = suggested
        result.append(
            {
                "value": value,
                "key": key,
                "stage": labels.get(key, ""),
                "suggested": suggested,
                "is_confirmed": value.lower() in confirmed,
                "rows": count,
            }
        )
    return result


def _preparer(job: ImportJob, table: Table, mapping: dict[str, str]) -> RowPreparer:
    # Excel in a European locale writes ";" between cells because the comma is its decimal mark.
    return RowPreparer(
        record_type=job.record_type,
        headers=table.headers,
        mapping=mapping,
        decimal_comma=table.delimiter == ";",
        stage_mapping=job.stage_mapping or None,
    )


def _writer(job: ImportJob, table: Table, mapping: dict[str, str]) -> BatchWriter:
    """The job's writer: its owner and team of new records, and what its columns do to
    existing ones (decision 0064)."""
    return BatchWriter(
        record_type=job.record_type,
        match_by=job.match_by,
        actor=job.created_by,
        default_owner=job.default_owner,
        default_team=job.default_team,
        rules=UpdateRules(
            record_type=job.record_type,
            headers=table.headers,
            mapping=mapping,
            policies=job.column_policies or {},
            rows_made_at=job.rows_made_at or job.created_at,
            overwrite_later_edits=job.overwrite_later_edits,
        ),
        reason=_("Import #%(id)s") % {"id": job.pk},
    )


def _looks_like(job: ImportJob, prepared: PreparedRow) -> list[dict[str, Any]]:
    """Existing people this row may duplicate (issue 3), other than the record it will update."""
    from centric.customers.models import Person
    from centric.identity.suggestions import duplicate_suggestions

    user = job.created_by
    if user is None:
        return []
    same_record = None
    if prepared.external_id:
        same_record = (
            Person.objects.filter(external_id=prepared.external_id)
            .values_list("pk", flat=True)
            .first()
        )
    record = {
        "first_name": prepared.fields.get("first_name", ""),
        "last_name": prepared.fields.get("last_name", ""),
        "date_of_birth": prepared.fields.get("date_of_birth"),
        "phones": [
            c["value_normalized"] for c in prepared.contacts if c["kind"] in ("phone", "whatsapp")
        ],
        "emails": prepared.emails,
    }
    return [
        {
            "id": s.person.pk,
            "name": s.person.full_name,
            "percent": min(int(s.probability * 100), 99),
        }
        for s in duplicate_suggestions(user, record, exclude_id=same_record)[:3]
    ]


def _preview_values(
    prepared: PreparedRow | None,
    targets: list[str],
    raw: list[str],
    headers: list[str],
    mapping: dict[str, str],
) -> list[str]:
    if prepared is None:
        by_target: dict[str, list[str]] = {}
        for header, value in zip(headers, raw, strict=False):
            if mapping.get(header):
                by_target.setdefault(mapping[header], []).append(value)
        return [", ".join(by_target.get(t, [])) for t in targets]
    values: list[str] = []
    for target in targets:
        if target in ("email", "phone", "whatsapp", "website", "social"):
            text = ", ".join(
                c["value_normalized"] for c in prepared.contacts if c["kind"] == target
            )
        elif target in ("street", "city", "state", "postal_code", "country"):
            address: dict[str, Any] = next(
                (c for c in prepared.contacts if c["kind"] == "address"), {}
            )
            text = address.get(target, "")
        elif target == "full_name":
            text = " ".join(
                p
                for p in (
                    prepared.fields.get("first_name"),
                    prepared.fields.get("middle_name"),
                    prepared.fields.get("last_name"),
                )
                if p
            )
        elif target == "external_id":
            text = prepared.external_id or ""
        elif target == "tags":
            text = ", ".join(prepared.tags)
        elif target == "organisation":
            text = prepared.organisation
        elif target == "role":
            text = prepared.role
        elif target == "owner":
            text = next(
                (v for h, v in zip(headers, raw, strict=False) if mapping.get(h) == "owner"), ""
            )
        elif target == "lifecycle_stage":
            text = prepared.fields.get("lifecycle_stage_id") or ""
        elif target.startswith("cf."):
            value = prepared.custom_fields.get(target[3:], "")
            text = "" if value is None else str(value)
        elif target.startswith(("consent.", "optout.")):
            text = dict(prepared.consents).get(target.split(".", 1)[1], "")
        else:
            value = prepared.fields.get(target, "")
            text = "" if value is None else str(value)
        values.append(text)
    return values


@transaction.atomic
def job_start(*, job: ImportJob, dry_run: bool, actor: Any = None) -> ImportJob:
    """Queue a configured job (a dry run or the real import) for the background worker."""
    from centric.imports.tasks import import_run

    if job.status not in (JobStatus.MAPPED, JobStatus.DONE, JobStatus.FAILED):
        raise ValidationError(_("Map the columns first, or wait for the running import."))
    if job.status == JobStatus.DONE and not job.dry_run:
        raise ValidationError(_("This file has been imported; upload it again to re-import."))
    job.dry_run = dry_run
    _reset(job, JobStatus.QUEUED)
    job_id = job.pk
    transaction.on_commit(lambda: import_run.enqueue(job_id))
    return job


def _reset(job: ImportJob, status: str) -> None:
    ImportRejection.objects.filter(job=job).delete()
    ImportNotice.objects.filter(job=job).delete()
    job.status = status
    job.total = job.processed = job.created = job.updated = job.unchanged = job.rejected = 0
    job.flagged = 0
    job.error = ""
    job.started_at = job.finished_at = None
    job.save()


def _fail(job: ImportJob, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def _refuse(job: ImportJob, message: str) -> ImportJob:
    """The worker found the file unreadable (a part the upload's preview did not reach): the
    job fails with the reason, and an uploaded copy is deleted, as at upload."""
    if job.file and not job.source_path:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
    return _fail(job, message)


def job_run(*, job_id: int, batch_size: int = BATCH_SIZE) -> ImportJob | None:
    """Run (or resume) an import job. Safe to call again: finished jobs are left as they are."""
    job: ImportJob | None = (
        ImportJob.objects.select_related("created_by", "default_owner", "default_team")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return job
    try:
        table = job_table(job)
        mapping = worker_mapping(job, table)
    except ImportFileError as error:
        return _refuse(job, error.message)
    except ValidationError as error:
        return _fail(job, " ".join(error.messages))
    resume = job.processed if job.status == JobStatus.RUNNING and not job.dry_run else 0
    if not resume:
        _reset(job, JobStatus.RUNNING)
        try:
            job.total = table.count()
        except ImportFileError as error:
            return _refuse(job, error.message)
        job.started_at = timezone.now()
        job.save(update_fields=["total", "started_at"])
    try:
        _run(job, table, mapping, resume=resume, batch_size=batch_size)
    except ImportFileError as error:
        return _refuse(job, error.message)
    except Exception as error:
        logger.exception("Import %s failed", job.pk)
        _fail(
            job,
            _("The import stopped because of an unexpected error: %(error)s") % {"error": error},
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    if not job.dry_run:
        audit(
            "import",
            actor=job.created_by,
            username="" if job.created_by else "command line",
            detail={
                "job": job.pk,
                "record_type": job.record_type,
                "file": job.original_filename,
                "created": job.created,
                "updated": job.updated,
                "unchanged": job.unchanged,
                "rejected": job.rejected,
                "flagged": job.flagged,
            },
        )
    return job


def _run(
    job: ImportJob, table: Table, mapping: dict[str, str], *, resume: int, batch_size: int
) -> None:
    preparer = _preparer(job, table, mapping)
    writer = _writer(job, table, mapping)
    duplicate_reason = RepeatedRows(by_email=job.match_by == MatchBy.EMAIL).reason

    def record(outcome: Outcome, consumed: int, notes: list[tuple[int, str]]) -> None:
        rejected = {line for line, _reason, _raw in outcome.rejections}
        with transaction.atomic():
            ImportRejection.objects.bulk_create(
                [
                    ImportRejection(job=job, line=line, reason=reason[:2000], raw=raw)
                    for line, reason, raw in outcome.rejections
                ]
            )
            ImportNotice.objects.bulk_create(
                [
                    ImportNotice(
                        job=job,
                        line=notice["line"],
                        column=notice["column"][:255],
                        value=notice["value"],
                        message=notice["reason"][:2000],
                        kind=notice["kind"],
                    )
                    for notice in outcome.notices
                ]
                + [
                    ImportNotice(
                        job=job,
                        line=line,
                        column="",
                        value="",
                        message=message[:2000],
                        kind=NoticeKind.NOT_SAVED,
                    )
                    for line, message in notes
                    if line not in rejected
                ]
            )
            ImportJob.objects.filter(pk=job.pk).update(
                processed=F("processed") + consumed,
                created=F("created") + outcome.created,
                updated=F("updated") + outcome.updated,
                unchanged=F("unchanged") + outcome.unchanged,
                rejected=F("rejected") + len(outcome.rejections),
                flagged=F("flagged") + outcome.flagged,
            )

    batch: list[PreparedRow] = []
    early = Outcome()
    consumed = 0
    workers = 1
    if job.total >= getattr(settings, "CENTRIC_IMPORT_PARALLEL_MIN_ROWS", 20_000):
        workers = getattr(settings, "CENTRIC_IMPORT_WORKERS", None) or os.cpu_count() or 1
    sink = BackgroundWriter() if write_in_background(workers) else InlineWriter()

    def flush() -> None:
        nonlocal batch, early, consumed
        if not consumed:
            return
        rows, count, pre = batch, consumed, early
        notes = [(row.line, note) for row in rows for note in row.notes]
        sink.submit(
            lambda: writer.stage(rows, required_custom=preparer.required_custom),
            lambda staged: write_batch(
                writer,
                rows,
                required_custom=preparer.required_custom,
                dry_run=job.dry_run,
                record=lambda outcome: record(_merged(pre, outcome), count, notes),
                staged=staged,
            ),
        )
        batch, early, consumed = [], Outcome(), 0

    # The stream is closed at once when the import fails: its preparing processes stop then,
    # not whenever the generator is collected. (It is made inside _fewer_collections.)
    with (
        _fewer_collections(),
        closing(prepared_rows(preparer, table.rows(), workers=workers)) as stream,
    ):
        try:
            for index, (line, values, prepared, reason) in enumerate(stream):
                if prepared is not None:
                    try:
                        preparer.resolve(prepared)
                        reason = duplicate_reason(prepared)
                    except RowRejected as rejection:
                        reason = rejection.reason
                if index < resume:
                    continue
                consumed += 1
                if reason:
                    early.rejections.append((line, reason, values))
                else:
                    assert prepared is not None  # a row with no rejection reason was prepared
                    batch.append(prepared)
                if consumed >= batch_size:
                    flush()
            flush()
        finally:
            sink.close()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """An import allocates millions of short-lived objects that form no reference cycles; with
    the default thresholds the cyclic collector walks the live batches over and over (~20% of
    the importing process's CPU on the benchmark file). Objects that exist before the import
    are frozen out of its sight, and it runs a fiftieth as often until the import ends (worker
    processes forked meanwhile inherit this)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _merged(first: Outcome, second: Outcome) -> Outcome:
    result = Outcome()
    result.merge(first)
    result.merge(second)
    result.rejections.sort(key=lambda item: item[0])
    return result


def import_file(
    *,
    path: str | Path,
    record_type: str,
    mapping: dict[str, str] | None = None,
    match_by: str = MatchBy.EXTERNAL_ID,
    dry_run: bool = False,
    owner: Any = None,
    team: Any = None,
    overwrite: list[str] | None = None,
    rows_made_at: dt.datetime | None = None,
    overwrite_later_edits: bool = False,
    stage_mapping: dict[str, str] | None = None,
    template: Any = None,
    actor: Any = None,
    batch_size: int = BATCH_SIZE,
) -> ImportJob:
    """Import a file on this machine synchronously, in-process (the command line, the benchmark).

    `mapping` overrides the suggested target of the named columns (or the `template`'s); the
    columns in `overwrite` overwrite existing records' values (the others fill blanks only);
    `rows_made_at` defaults to the file's modification time. Raises ImportFileError when the
    file cannot be read and ValidationError when the mapping is incomplete.
    """
    _check_choices(record_type, match_by)
    path = Path(path).resolve()
    if not path.is_file():
        raise ImportFileError(_("There is no file %(path)s.") % {"path": path})
    file_format = format_of(path.name)
    table = open_table(path, file_format)
    suggested = suggest_mapping(table.headers, record_type)
    policies: dict[str, str] = {}
    if template is not None:
        if template.record_type != record_type:
            raise ValidationError(
                _("The template “%(name)s” is for %(kind)s.")
                % {"name": template.name, "kind": template.get_record_type_display()}
            )
        suggested.update({h: t for h, t in template.mapping.items() if h in suggested})
        policies = {h: p for h, p in template.column_policies.items() if h in suggested}
        owner = owner or template.default_owner
        team = team or template.default_team
        overwrite_later_edits = overwrite_later_edits or template.overwrite_later_edits
        stage_mapping = {**template.stage_mapping, **(stage_mapping or {})}
    check_assignable(owner=owner, team=team)
    lowered = {h.lower(): h for h in table.headers}
    for column, target in (mapping or {}).items():
        header = lowered.get(column.strip().lower())
        if header is None:
            raise ValidationError(
                _("The file has no column “%(column)s”; its columns are: %(columns)s.")
                % {"column": column, "columns": ", ".join(table.headers)}
            )
        suggested[header] = target.strip()
    cleaned = clean_mapping(suggested, table.headers, record_type, match_by)
    policies.update(dict.fromkeys(overwrite or [], ColumnPolicy.OVERWRITE))
    policies = clean_policies(policies, cleaned, table.headers)
    if rows_made_at is None:
        rows_made_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    job = ImportJob.objects.create(
        record_type=record_type,
        source_path=str(path),
        original_filename=path.name[:255],
        file_format=file_format,
        encoding=table.encoding,
        notes="\n".join(table.notes),
        headers=table.headers,
        mapping={h: cleaned.get(h, "") for h in table.headers},
        match_by=match_by,
        dry_run=dry_run,
        default_owner=owner,
        default_team=team,
        column_policies=policies,
        rows_made_at=rows_made_at,
        overwrite_later_edits=overwrite_later_edits,
        stage_mapping=clean_stage_mapping(stage_mapping or {}),
        created_by=actor,
        status=JobStatus.QUEUED,
    )
    ran = job_run(job_id=job.pk, batch_size=batch_size)
    assert ran is not None  # just created
    return ran

"""Import templates: a mapping saved for the next file of the same shape (decision 0064).

A template keeps which field each column goes into, how rows match, what each column does to
existing records, the owner and team of new records and the confirmed stage values — not when
a file was made, which belongs to each file. A file whose headers are the same set as a
template's (compared without case) is offered that template first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centric.core.visibility import sees_everything
from centric.imports.models import ImportJob, ImportTemplate


def _require_importer(actor: Any) -> None:
    if not (actor and actor.is_active and actor.has_perm("imports.add_importjob")):
        raise PermissionDenied(_("You may not import records."))


def header_key(headers: list[str]) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in headers if h.strip())


@transaction.atomic
def template_create(*, actor: Any, job: ImportJob, name: str) -> ImportTemplate:
    """Save the job's mapping and choices under `name` (unique). No actor: the command line."""
    if actor is not None:
        _require_importer(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the template a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("A template name has at most 100 characters.")})
    if not any((job.mapping or {}).values()):
        raise ValidationError(_("Map the columns first, then save them as a template."))
    if ImportTemplate.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("A template named “%(name)s” exists; choose another name.") % {"name": name}}
        )
    template = ImportTemplate(
        name=name,
        record_type=job.record_type,
        headers=list(job.headers or (job.mapping or {}).keys()),
        mapping=dict(job.mapping or {}),
        match_by=job.match_by,
        column_policies=dict(job.column_policies or {}),
        overwrite_later_edits=job.overwrite_later_edits,
        stage_mapping=dict(job.stage_mapping or {}),
        default_owner=job.default_owner,
        default_team=job.default_team,
        created_by=actor,
    )
    template.full_clean()
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:  # a concurrent save took the name
        raise ValidationError(
            {"name": _("A template named “%(name)s” exists; choose another name.") % {"name": name}}
        ) from None
    return template


@transaction.atomic
def template_delete(*, actor: Any, template: ImportTemplate) -> None:
    """Its creator, or someone who sees every record, may delete a template."""
    _require_importer(actor)
    if template.created_by_id != actor.pk and not sees_everything(actor):
        raise PermissionDenied(_("Only the person who saved this template may delete it."))
    template.delete()


def templates_for(
    *, user: Any, job: ImportJob
) -> tuple[list[ImportTemplate], ImportTemplate | None]:
    """The templates a job may use (its record type, every mapped column present in the file)
    and the one whose columns are exactly the file's, if any."""
    file_headers = header_key(job.headers or [])
    offered: list[ImportTemplate] = []
    exact: ImportTemplate | None = None
    for template in ImportTemplate.objects.visible_to(user).filter(record_type=job.record_type):
        mapped = header_key([h for h, target in template.mapping.items() if target])
        if not mapped <= file_headers:
            continue
        offered.append(template)
        if exact is None and header_key(template.headers) == file_headers:
            exact = template
    return offered, exact


def job_apply_template(*, job: ImportJob, template: ImportTemplate) -> ImportJob:
    """Configure the job as the template says, for the columns the file has (matched without
    case); columns the template does not name keep their current mapping."""
    from centric.imports.services.jobs import job_configure

    if template.record_type != job.record_type:
        raise ValidationError(
            _("The template “%(name)s” is for %(kind)s.")
            % {"name": template.name, "kind": template.get_record_type_display()}
        )
    by_key = {h.strip().lower(): h for h in job.headers or []}
    mapping = dict(job.mapping or {})
    policies: dict[str, str] = {}
    for header, target in template.mapping.items():
        own = by_key.get(header.strip().lower())
        if own is not None:
            mapping[own] = target
            if header in template.column_policies:
                policies[own] = template.column_policies[header]
    return job_configure(
        job=job,
        mapping=mapping,
        match_by=template.match_by,
        default_owner=template.default_owner or job.default_owner,
        default_team=template.default_team,
        column_policies=policies,
        overwrite_later_edits=template.overwrite_later_edits,
        stage_mapping=template.stage_mapping,
    )

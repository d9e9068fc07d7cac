"""Import and export pages: thin adapters over the import services and the export module."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from centric.core.audit import audit
from centric.core.pagination import keyset_page
from centric.customers.models import LifecycleStage, Person
from centric.customers.selectors import memberships_visible, person_get
from centric.imports import exporting
from centric.imports.fields import suggest_columns
from centric.imports.forms import MappingForm, TemplateForm, UploadForm, local_input
from centric.imports.models import (
    ColumnPolicy,
    ImportJob,
    ImportTemplate,
    JobStatus,
    MatchBy,
    NoticeKind,
)
from centric.imports.parsing import ImportFileError
from centric.imports.services import job_configure, job_create, job_preview, job_start
from centric.imports.services.jobs import job_stage_values, job_table
from centric.imports.services.templates import (
    job_apply_template,
    template_create,
    template_delete,
    templates_for,
)

REJECTIONS_SHOWN = 200


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _job(request: HttpRequest, pk: int) -> ImportJob:
    job = ImportJob.objects.visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    if not (
        request.user.has_perm("imports.add_importjob")
        or request.user.has_perm("imports.view_importjob")
    ):
        raise PermissionDenied
    page = keyset_page(
        ImportJob.objects.visible_to(request.user).select_related("created_by"),
        ordering=["-created_at", "-id"],
        cursor=request.GET.get("cursor"),
        size=25,
    )
    return render(
        request,
        "imports/job_list.html",
        {"page": page, "can_import": request.user.has_perm("imports.add_importjob")},
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require(request, "imports.add_importjob")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = job_create(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                record_type=form.cleaned_data["record_type"],
                rows_made_at=form.rows_made_at(),
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            return redirect("imports:mapping", pk=job.pk)
    return render(
        request, "imports/upload.html", {"form": form}, status=400 if form.errors else 200
    )


def _samples(job: ImportJob, headers: list[str]) -> dict[str, str]:
    samples: dict[str, str] = {}
    for number, row in enumerate(job_table(job, preview=True).rows()):
        if number >= 20 or len(samples) == len(headers):
            break
        for header, value in zip(headers, row.values, strict=False):
            if value.strip() and header not in samples:
                samples[header] = value.strip()
    return samples


@login_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "imports.add_importjob")
    job = _job(request, pk)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return redirect("imports:detail", pk=job.pk)
    try:
        table = job_table(job, preview=True)
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("imports:detail", pk=job.pk)
    if request.method == "POST" and request.POST.get("action") == "apply_template":
        return _apply_template(request, job)
    stage_values = job_stage_values(job=job)
    policies = job.column_policies or {}
    initial: dict[str, Any] = {
        "match_by": job.match_by,
        "default_owner": job.default_owner.get_username() if job.default_owner else "",
        "default_team": job.default_team_id,
        "rows_made_at": local_input(job.rows_made_at or job.created_at),
        "overwrite_later_edits": job.overwrite_later_edits,
    }
    for index, header in enumerate(table.headers):
        initial[f"column_{index}"] = (job.mapping or {}).get(header, "")
        initial[f"policy_{index}"] = policies.get(header, ColumnPolicy.FILL_BLANKS)
    for index, item in enumerate(stage_values):
        initial[f"stage_{index}"] = item["key"]
    form = MappingForm(
        request.POST or None,
        initial=initial,
        headers=table.headers,
        record_type=job.record_type,
        samples=_samples(job, table.headers),
        suggestions={s.header: s for s in suggest_columns(table.headers, job.record_type)},
        stage_values=stage_values,
        stage_choices=[(s.key, str(s.label)) for s in LifecycleStage.objects.all()],
    )
    template_form = TemplateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if form.is_valid() and template_form.is_valid():
            try:
                job_configure(
                    job=job,
                    mapping=form.mapping(),
                    match_by=form.cleaned_data["match_by"],
                    default_owner=form.cleaned_data["default_owner"] or request.user,
                    default_team=form.cleaned_data["default_team"],
                    column_policies=form.policies(),
                    rows_made_at=form.cleaned_data["rows_made_at"],
                    overwrite_later_edits=form.cleaned_data["overwrite_later_edits"],
                    stage_mapping=form.stage_mapping() if stage_values else None,
                )
                if action == "save_template":
                    template = template_create(
                        actor=request.user,
                        job=job,
                        name=template_form.cleaned_data["save_as"],
                    )
                    messages.success(
                        request,
                        _("Saved the mapping as the template “%(name)s”.")
                        % {"name": template.name},
                    )
                    return redirect("imports:mapping", pk=job.pk)
                if action in ("dry_run", "import"):
                    job_start(job=job, dry_run=action == "dry_run", actor=request.user)
                    return redirect("imports:detail", pk=job.pk)
                return redirect("imports:mapping", pk=job.pk)
            except ValidationError as error:
                _form_errors(form, template_form, error)
        status = 400
    preview_labels: list[str] = []
    preview: list[dict[str, Any]] = []
    if job.status != JobStatus.UPLOADED or any((job.mapping or {}).values()):
        preview_labels, preview = job_preview(job=job)
    offered, exact = templates_for(user=request.user, job=job)
    return render(
        request,
        "imports/mapping.html",
        {
            "job": job,
            "form": form,
            "template_form": template_form,
            "templates": offered,
            "suggested_template": exact,
            "notes": [n for n in job.notes.splitlines() if n],
            "preview_labels": preview_labels,
            "preview": preview,
            "stage_values": stage_values,
            "is_mapped": job.status != JobStatus.UPLOADED,
            "warn_no_key": job.match_by == MatchBy.EXTERNAL_ID
            and "external_id" not in (job.mapping or {}).values(),
        },
        status=status,
    )


def _form_errors(form: MappingForm, template_form: TemplateForm, error: ValidationError) -> None:
    """A service's errors next to the inputs they name, the rest above the form."""
    inputs = {
        "default_owner": (form, "default_owner"),
        "default_team": (form, "default_team"),
        "rows_made_at": (form, "rows_made_at"),
        "name": (template_form, "save_as"),
    }
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, found in error.message_dict.items():
        target, field = inputs.get(key, (form, None))
        for message in found:
            target.add_error(field, message)


def _apply_template(request: HttpRequest, job: ImportJob) -> HttpResponse:
    template = (
        ImportTemplate.objects.visible_to(request.user)
        .filter(
            pk=request.POST.get("template")
            if str(request.POST.get("template", "")).isdigit()
            else None
        )
        .first()
    )
    if template is None:
        messages.error(request, _("Choose a template."))
        return redirect("imports:mapping", pk=job.pk)
    try:
        job_apply_template(job=job, template=template)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Applied the template “%(name)s”; check the preview.") % {"name": template.name},
        )
    return redirect("imports:mapping", pk=job.pk)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require(request, "imports.add_importjob")
    if request.method == "POST":
        template = (
            ImportTemplate.objects.visible_to(request.user)
            .filter(
                pk=request.POST.get("delete")
                if str(request.POST.get("delete", "")).isdigit()
                else None
            )
            .first()
        )
        if template is None:
            raise Http404
        template_delete(actor=request.user, template=template)
        messages.success(request, _("Deleted the template “%(name)s”.") % {"name": template.name})
        return redirect("imports:templates")
    templates = ImportTemplate.objects.visible_to(request.user).select_related(
        "created_by", "default_owner", "default_team"
    )
    return render(request, "imports/template_list.html", {"templates": templates})


def _job_context(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job,
        "rejections": job.rejections.all()[:REJECTIONS_SHOWN],
        "rejections_shown": REJECTIONS_SHOWN,
        "notes": [n for n in job.notes.splitlines() if n],
        "notices": job.notices.all()[:REJECTIONS_SHOWN],
        "notice_count": job.notices.count() if job.is_finished else 0,
    }


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    context = _job_context(job)
    context["can_import"] = request.user.has_perm("imports.add_importjob")
    return render(request, "imports/job_detail.html", context)


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the job page polls every second while the import runs."""
    job = _job(request, pk)
    response = render(request, "imports/partials/progress.html", _job_context(job))
    if job.is_finished and getattr(request, "htmx", False):
        # Stop polling and refresh the page once, to show the final summary and rejections.
        response.headers["HX-Refresh"] = "true"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def rejected_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    job = _job(request, pk)
    headers = job.headers or list((job.mapping or {}).keys())

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(
            [exporting.neutralise(h) for h in [_("Line"), _("Reason"), *headers]]
        )
        for rejection in job.rejections.all().iterator(chunk_size=2000):
            raw = rejection.raw if isinstance(rejection.raw, list) else []
            yield writer.writerow(
                [rejection.line, exporting.neutralise(rejection.reason)]
                + [exporting.neutralise(v) for v in raw]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-rejected.csv"'
    return response


@login_required
@require_GET
def notices_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The values of imported rows kept as typed (needing attention) or rewritten, by line and
    column: what to fix after the import."""
    job = _job(request, pk)

    def rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(
            [_("Line"), _("Column"), _("Value as typed"), _("What happened"), _("Kind")]
        )
        for notice in job.notices.all().iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    notice.line,
                    exporting.neutralise(notice.column),
                    exporting.neutralise(notice.value),
                    exporting.neutralise(notice.message),
                    NoticeKind(notice.kind).label if notice.kind in NoticeKind.values else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-notices.csv"'
    return response


# --- Exports --------------------------------------------------------------------------------


def _export(request: HttpRequest, record_type: str, file_format: str) -> HttpResponseBase:
    _require(request, "customers.export_person")
    params = request.GET.dict()
    for name in ("cursor", "size"):
        params.pop(name, None)
    try:
        if record_type == "people":
            queryset = exporting.people_queryset(request.user, params)
        else:
            queryset = exporting.organisations_queryset(request.user, params)
        count = queryset.count()
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    audit(
        "export",
        actor=request.user,
        request=request,
        detail={
            "record_type": record_type,
            "format": file_format,
            "filters": params,
            "rows": count,
        },
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{record_type}-{stamp}.{file_format}"
    if file_format == "vcf":
        response = StreamingHttpResponse(
            exporting.vcard_stream(queryset), content_type="text/vcard; charset=utf-8"
        )
    else:
        header, rows = exporting.table_rows(record_type, queryset)
        if file_format == "csv":
            response = StreamingHttpResponse(
                exporting.csv_stream(header, rows), content_type="text/csv; charset=utf-8"
            )
        else:
            handle = exporting.xlsx_file(header, rows, title=record_type)
            response = FileResponse(
                handle,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def export_people_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "people", "csv")


@login_required
@require_GET
def export_people_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "people", "xlsx")


@login_required
@require_GET
def export_people_vcf(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "people", "vcf")


@login_required
@require_GET
def export_organisations_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "organisations", "csv")


@login_required
@require_GET
def export_organisations_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "organisations", "xlsx")


@login_required
@require_GET
def export_person_vcf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        person = person_get(request.user, pk)
    except Person.DoesNotExist:
        raise Http404 from None
    _require(request, "customers.export_person")
    from centric.imports.vcard_export import person_to_vcard

    card = person_to_vcard(
        person,
        person.contact_points.order_by("-is_primary", "id"),
        memberships_visible(request.user)
        .filter(person=person)
        .select_related("organisation")
        .order_by("-is_primary", "id"),
    )
    audit(
        "export",
        actor=request.user,
        request=request,
        detail={"record_type": "person", "format": "vcf", "id": person.pk, "rows": 1},
    )
    response = HttpResponse(card, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.vcf"'
    return response

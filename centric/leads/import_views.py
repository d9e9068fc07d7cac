"""The lead import page: upload a CSV or Excel file, check the suggested columns (with the
first rows' values), import; the result says what was made, skipped, refused and kept aside."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from centric.core.kit.forms import staff_named
from centric.core.visibility import has_model_permission
from centric.imports.parsing import ImportFileError, open_table
from centric.leads.importing import (
    FIELDS,
    MAX_ROWS,
    import_leads,
    store_upload,
    stored_upload,
    suggest,
)
from centric.leads.models import Lead

TEMPLATE = "leads/import.html"


def _mapping_context(token: str, file_format: str) -> dict[str, object]:
    table = open_table(stored_upload(token, file_format), file_format, preview=True)
    samples = [row.values for row, _i in zip(table.rows(), range(3), strict=False)]
    return {
        "step": "map",
        "token": token,
        "file_format": file_format,
        "suggestions": list(enumerate(suggest(table.headers, samples))),
        "fields": [(name, label) for name, (label, _words) in FIELDS.items()],
        "notes": table.notes,
    }


@login_required
def lead_import(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Lead, "add"):
        return render(request, "403.html", status=403)
    context: dict[str, object] = {"title": _("Import leads"), "step": "upload", "most": MAX_ROWS}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    try:
        if "file" in request.FILES:
            token, file_format = store_upload(request.FILES["file"])
            context.update(_mapping_context(token, file_format))
            return render(request, TEMPLATE, context)
        token = request.POST.get("token", "")
        file_format = request.POST.get("file_format", "")
        path = stored_upload(token, file_format)
        table = open_table(path, file_format, preview=True)
        mapping = {
            header: request.POST.get(f"column-{index}", "")
            for index, header in enumerate(table.headers)
        }
        owner_text = request.POST.get("owner", "").strip()
        owner = staff_named(owner_text) if owner_text else None
        if owner_text and owner is None:
            raise ValidationError(
                {"owner": _("No staff member is called “%(name)s”.") % {"name": owner_text}}
            )
        try:
            result = import_leads(
                actor=request.user, path=path, file_format=file_format, mapping=mapping, owner=owner
            )
        except ValidationError:
            context.update(_mapping_context(token, file_format))
            raise
        path.unlink(missing_ok=True)
        context.update(step="done", result=result)
    except (ImportFileError, ValidationError) as error:
        context["error"] = (
            " ".join(error.messages) if isinstance(error, ValidationError) else error.message
        )
        return render(request, TEMPLATE, context, status=422)
    return render(request, TEMPLATE, context)

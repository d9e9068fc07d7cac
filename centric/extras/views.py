"""Settings pages: custom fields, tags and record visibility (the index links to lifecycle stages,
the customers app's). Thin adapters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from centric.core.lookups import lookup_response
from centric.extras import services
from centric.extras.forms import CustomFieldForm, TagForm, VisibilityForm
from centric.extras.models import CustomFieldDefinition, Tag
from centric.extras.selectors import tags_lookup
from centric.staff.access import permission_required, show_errors
from centric.staff.services.visibility import (
    configurable_record_types,
    visibility_levels,
    visibility_policy_set,
)

MANAGE = "staff.manage_staff"
CUSTOM_FIELDS = ("extras.change_customfielddefinition", MANAGE)
TAGS = ("extras.change_tag", MANAGE)
# The lifecycle stages' pages are the customers app's (customers.stages); the index links to them.
STAGES = ("customers.change_lifecyclestage", MANAGE)
# Deleting is its own permission, as on every record (the settings pages open with change).
DELETE_CUSTOM_FIELD = "extras.delete_customfielddefinition"
DELETE_TAG = "extras.delete_tag"
# Who may look tags up by name: anyone who works with the customer lists (tag filters).
TAG_LOOKUP = ("customers.view_person", "customers.view_organisation", *TAGS)

SECTIONS = [
    ("extras:custom_fields", CUSTOM_FIELDS),
    ("extras:tags", TAGS),
    ("customer_settings:stages", STAGES),
    ("extras:visibility", (MANAGE,)),
]


def _allowed(user, permissions) -> bool:
    return any(user.has_perm(p) for p in permissions)


@login_required
def index(request):
    """Everyone's own security and tokens; the business settings their role allows."""
    allowed = {name.split(":")[1]: _allowed(request.user, perms) for name, perms in SECTIONS}
    return render(request, "extras/index.html", {"allowed": allowed})


# --- Custom fields ----------------------------------------------------------------------------


@permission_required(*CUSTOM_FIELDS)
def custom_fields(request):
    definitions = CustomFieldDefinition.objects.order_by("record_type", "position", "label")
    return render(request, "extras/custom_fields.html", {"definitions": definitions})


def _definition_fields(data: dict) -> dict:
    return {
        "label": data["label"],
        "field_type": data["field_type"],
        "is_required": data["is_required"],
        "is_searchable": data["is_searchable"],
        "choices": data["choices"],
        "max_length": data["max_length"],
        "min_value": data["min_value"],
        "max_value": data["max_value"],
        "position": data["position"],
    }


@permission_required(*CUSTOM_FIELDS)
def custom_field_create(request):
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            definition = services.custom_field_create(
                record_type=data["record_type"], key=data["key"], **_definition_fields(data)
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Field “%(label)s” created.") % {"label": definition.label})
            return redirect("extras:custom_fields")
    return render(request, "extras/custom_field_form.html", {"form": form})


@permission_required(*CUSTOM_FIELDS)
def custom_field_edit(request, pk: int):
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    initial = {
        "record_type": definition.record_type,
        "key": definition.key,
        "label": definition.label,
        "field_type": definition.field_type,
        "is_required": definition.is_required,
        "is_searchable": definition.is_searchable,
        "choices": "\n".join(map(str, definition.choices or [])),
        "max_length": definition.max_length,
        "min_value": definition.min_value,
        "max_value": definition.max_value,
        "position": definition.position,
    }
    form = CustomFieldForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_update(
                definition=definition, **_definition_fields(form.cleaned_data)
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("extras:custom_fields")
    return render(
        request, "extras/custom_field_form.html", {"form": form, "definition": definition}
    )


@permission_required(DELETE_CUSTOM_FIELD)
def custom_field_delete(request, pk: int):
    definition = get_object_or_404(CustomFieldDefinition, pk=pk)
    if request.method == "POST":
        services.custom_field_delete(definition=definition)
        messages.success(request, _("Field “%(label)s” deleted.") % {"label": definition.label})
        return redirect("extras:custom_fields")
    return render(
        request,
        "extras/confirm_delete.html",
        {
            "object": definition,
            "explanation": _(
                "Values already stored stay in the records but are no longer shown or checked."
            ),
            "cancel_url": "extras:custom_fields",
        },
    )


# --- Tags -------------------------------------------------------------------------------------


@permission_required(*TAGS)
def tags(request):
    from django.db.models import Count

    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tag = services.tag_create(
                name=form.cleaned_data["name"], colour=form.cleaned_data["colour"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Tag “%(name)s” created.") % {"name": tag.name})
            return redirect("extras:tags")
    rows = Tag.objects.annotate(
        people_count=Count("people", distinct=True),
        organisation_count=Count("organisations", distinct=True),
    ).order_by("name")
    return render(request, "extras/tags.html", {"form": form, "tags": rows})


@require_safe
@permission_required(*TAG_LOOKUP)
def tag_lookup(request):
    """At most 20 tags matching `q`: the name is both the filter value and the label."""
    tags = tags_lookup(query=request.GET.get("q", ""))
    return lookup_response({"value": tag.name, "label": tag.name, "detail": ""} for tag in tags)


@permission_required(*TAGS)
def tag_edit(request, pk: int):
    tag = get_object_or_404(Tag, pk=pk)
    form = TagForm(request.POST or None, initial={"name": tag.name, "colour": tag.colour})
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_rename(
                tag=tag, name=form.cleaned_data["name"], colour=form.cleaned_data["colour"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("extras:tags")
    return render(request, "extras/tag_form.html", {"form": form, "tag": tag})


@permission_required(DELETE_TAG)
def tag_delete(request, pk: int):
    tag = get_object_or_404(Tag, pk=pk)
    if request.method == "POST":
        services.tag_delete(tag=tag)
        messages.success(request, _("Tag “%(name)s” deleted.") % {"name": tag.name})
        return redirect("extras:tags")
    return render(
        request,
        "extras/confirm_delete.html",
        {
            "object": tag,
            "explanation": _("It comes off every person and organisation that carries it."),
            "cancel_url": "extras:tags",
        },
    )


# --- Record visibility ------------------------------------------------------------------------


@permission_required(MANAGE)
def visibility(request):
    current = visibility_levels()
    initial = {VisibilityForm.field_name(rt): level for rt, level in current.items()}
    record_types = configurable_record_types()
    form = VisibilityForm(request.POST or None, initial=initial, record_types=record_types)
    if request.method == "POST" and form.is_valid():
        try:
            for record_type in record_types:
                level = form.cleaned_data[VisibilityForm.field_name(record_type)]
                visibility_policy_set(record_type=record_type, level=level, actor=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Record visibility saved."))
            return redirect("extras:visibility")
    return render(request, "extras/visibility.html", {"form": form})

"""Custom fields and tags for every record type registered with the kit (the implementations of
`centric.core.kit.features`, registered in extras/records.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext as _

from centric.core.cache import remember
from centric.extras.models import CustomFieldDefinition
from centric.extras.services import custom_fields_clean, tag_get_or_create


def custom_field_input(definition: CustomFieldDefinition) -> forms.Field:
    """A form input for a custom field; the service does the real validation on write."""
    kind = CustomFieldDefinition.FieldType
    common: dict[str, Any] = {"label": definition.label, "required": definition.is_required}
    if definition.field_type == kind.BOOLEAN:
        return forms.ChoiceField(
            choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))], **common
        )
    if definition.field_type == kind.CHOICE:
        choices = [("", "—")] + [(str(c), str(c)) for c in definition.choices]
        return forms.ChoiceField(choices=choices, **common)
    if definition.field_type == kind.DATE:
        return forms.CharField(widget=forms.TextInput(attrs={"type": "date"}), **common)
    if definition.field_type in (kind.NUMBER, kind.INTEGER):
        step = "1" if definition.field_type == kind.INTEGER else "any"
        return forms.CharField(
            widget=forms.TextInput(attrs={"type": "number", "step": step}), **common
        )
    if definition.field_type == kind.EMAIL:
        return forms.CharField(widget=forms.TextInput(attrs={"type": "email"}), **common)
    if definition.field_type == kind.URL:
        return forms.CharField(widget=forms.TextInput(attrs={"type": "url"}), **common)
    return forms.CharField(max_length=definition.max_length, **common)


def custom_field_initial(definition: CustomFieldDefinition, value: Any) -> Any:
    if definition.field_type == CustomFieldDefinition.FieldType.BOOLEAN and value is not None:
        return "true" if value else "false"
    return value


def definitions(record_key: str) -> list[CustomFieldDefinition]:
    return list(
        CustomFieldDefinition.objects.filter(record_type=record_key).order_by("position", "label")
    )


def custom_field_rows(record_key: str, values: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of the custom fields a record has a value for, in the business's order."""
    rows = []
    for definition in definitions(record_key):
        if definition.key in values:
            value = values[definition.key]
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            rows.append((definition.label, value))
    return rows


class CustomFields:
    def form_fields(self, record_key: str) -> dict[str, forms.Field]:
        return {d.key: custom_field_input(d) for d in definitions(record_key)}

    def initial(self, record_key: str, values: dict[str, Any]) -> dict[str, Any]:
        return {d.key: custom_field_initial(d, values.get(d.key)) for d in definitions(record_key)}

    def clean(
        self, record_key: str, values: dict[str, Any], *, partial: bool = False
    ) -> dict[str, Any]:
        return custom_fields_clean(record_type=record_key, values=values, partial=partial)

    def display(self, record_key: str, values: dict[str, Any]) -> list[tuple[str, Any]]:
        return custom_field_rows(record_key, values)

    def labels(self, record_key: str) -> dict[str, str]:
        return dict(
            CustomFieldDefinition.objects.filter(record_type=record_key).values_list("key", "label")
        )

    def searchable_text(self, record_key: str, values: dict[str, Any]) -> str:
        keys = searchable_keys(record_key)
        return " ".join(str(values[key]) for key in keys if values.get(key) not in (None, ""))


def searchable_keys(record_key: str) -> list[str]:
    """The keys of the record type's searchable custom fields: read on every write of a
    record (an import's too), so kept a few seconds per process and dropped on a change."""

    def load() -> list[str]:
        return list(
            CustomFieldDefinition.objects.filter(record_type=record_key, is_searchable=True)
            .order_by("position", "key")
            .values_list("key", flat=True)
        )

    keys: list[str] = remember(f"custom-fields:searchable:{record_key}", load)
    return keys


class Tags:
    def set(self, record: models.Model, names: list[str]) -> None:
        record.tags.set([tag_get_or_create(name=name) for name in names])  # type: ignore[attr-defined]

    def names(self, record: models.Model) -> list[str]:
        return [tag.name for tag in record.tags.all()]  # type: ignore[attr-defined]

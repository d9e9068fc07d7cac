"""Helpers shared by the person and organisation services (the generic ones come from the
record kit, centric.core.kit.services)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    EXTERNAL_ID_UNUSABLE,
    check_external_id,
    check_version,
    external_id_refusal,
    lock,
    with_actor,
)
from centric.extras.services import custom_fields_clean, tag_get_or_create

__all__ = [
    "EXTERNAL_ID_UNUSABLE",
    "apply_fields",
    "check_external_id",
    "check_version",
    "clean_custom_fields",
    "external_id_refusal",
    "lock",
    "set_tags",
    "with_actor",
]

PROTECTED_FIELDS = {
    "id",
    "pk",
    "version",
    "created_at",
    "updated_at",
    "search_name",
    "primary_email",
    "primary_phone",
}


def apply_fields(record: models.Model, fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "external_id" and value == "":
            value = None
        setattr(record, name, value)


def clean_custom_fields(
    record_type: str,
    values: dict[str, Any] | None,
    existing: dict[str, Any] | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    merged = dict(existing or {})
    merged.update(values or {})
    return custom_fields_clean(record_type=record_type, values=merged, partial=partial)


def set_tags(record: Any, tags: list[str] | None) -> None:
    if tags is None:
        return
    record.tags.set([tag_get_or_create(name=name) for name in tags if name and name.strip()])

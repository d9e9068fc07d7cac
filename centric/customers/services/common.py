"""Helpers shared by the person and organisation services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from centric.core.errors import ConcurrentEditError
from centric.extras.services import custom_fields_clean, tag_get_or_create

_M = TypeVar("_M", bound=models.Model)

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


def check_version(record: Any, expected_version: int | None) -> None:
    """Optimistic concurrency: refuse to overwrite a record saved since the editor loaded it."""
    if expected_version is not None and int(expected_version) != record.version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this record while you were editing it. "
                "Reload to see their changes, then make yours again."
            ),
            extra={"current_version": record.version, "your_version": int(expected_version)},
        )


def lock(model: type[_M], pk: int) -> _M:
    """Lock a row for an update (a no-op on SQLite, whose IMMEDIATE transactions serialise writers)."""
    locked: _M = model.objects.select_for_update(no_key=True).get(pk=pk)  # type: ignore[attr-defined]
    return locked


def with_actor(record: Any, actor: Any) -> Any:
    """Tell django-simple-history who made the change, without needing a request."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        record._history_user = actor
    return record

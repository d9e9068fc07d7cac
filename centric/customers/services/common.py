"""Helpers shared by the person and organisation services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# An external id another record holds, when the one saving may not see that record: the same
# words whichever record (or team) holds it, so the answer confirms nothing more than the
# global unique constraint must (decision 0020).
EXTERNAL_ID_UNUSABLE = gettext_lazy("This external id cannot be used.")
EXTERNAL_ID_TAKEN = {
    "person": gettext_lazy("Another person already has this external id."),
    "organisation": gettext_lazy("Another organisation already has this external id."),
}


def external_id_refusal(
    model: type[models.Model], external_id: str, actor: Any, *, exclude_pk: int | None = None
) -> str | None:
    """Why `external_id` cannot be used by `actor` on a `model` record, or None if it is free.

    External ids are unique across all teams, so a clash with a record the actor may not see
    must still be refused; it is refused in words that name no record. A caller without an
    actor (a management command, the demo) sees everything."""
    holder = (
        model.objects.filter(external_id=external_id)
        .exclude(pk=exclude_pk)
        .values_list("pk", flat=True)
        .first()
    )
    if holder is None:
        return None
    taken = str(EXTERNAL_ID_TAKEN[model._meta.model_name])
    if actor is None or not getattr(actor, "is_authenticated", False):
        return taken
    if model.objects.visible_to(actor, include_merged=True).filter(pk=holder).exists():
        return taken
    return str(EXTERNAL_ID_UNUSABLE)


def check_external_id(record: Any, actor: Any) -> None:
    """Refuse an external id another record of the same type holds (see `external_id_refusal`)."""
    if record.external_id:
        refusal = external_id_refusal(type(record), record.external_id, actor, exclude_pk=record.pk)
        if refusal:
            raise ValidationError({"external_id": refusal})


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

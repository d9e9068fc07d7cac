"""The helpers every record type's typed services are built from.

A record type keeps its own `<entity>_create/_update/_delete` services (keyword-only, typed,
the one write path for pages, API, imports and the demo); these helpers hold what they all do
the same way, so it is written once: default ownership, optimistic concurrency, the external-id
rule that confirms nothing hidden, custom fields and tags through the registered features, the
history actor, and saving with validation.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.errors import ConcurrentEditError
from centric.core.kit.features import features
from centric.core.records import registry

Record = TypeVar("Record", bound=models.Model)


class Unset:
    """The value of an update parameter that was not given (None is a real value: "clear it")."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


def is_set(value: Any) -> bool:
    return value is not UNSET


def set_given(record: models.Model, **values: Any) -> list[str]:
    """Assign the values that were given (not UNSET); strings are stripped and an empty
    external id is None. Returns the names that were assigned."""
    assigned = []
    for name, value in values.items():
        if value is UNSET:
            continue
        if isinstance(value, str):
            value = value.strip()
        if name == "external_id" and not value:
            value = None
        setattr(record, name, value)
        assigned.append(name)
    return assigned


def is_signed_in(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def default_ownership(record: Any, actor: Any) -> None:
    """A new record without an owner belongs to its creator, and without a team to the
    creator's team, so that the people who work with the creator can see it."""
    if not is_signed_in(actor):
        return
    if record.owner_id is None:
        record.owner = actor
    if record.team_id is None and getattr(actor, "team_id", None):
        record.team_id = actor.team_id


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


def lock(model: type[Record], pk: Any) -> Record:
    """Lock a row for an update (a no-op on SQLite, whose IMMEDIATE transactions serialise
    writers)."""
    return model._default_manager.select_for_update(no_key=True).get(pk=pk)


def with_actor(record: Record, actor: Any) -> Record:
    """Tell django-simple-history who made the change, without needing a request."""
    if is_signed_in(actor):
        record._history_user = actor  # type: ignore[attr-defined]
    return record


# An external id another record holds, when the one saving may not see that record: the same
# words whichever record (or team) holds it, so the answer confirms nothing more than the
# global unique constraint must (decision 0020).
EXTERNAL_ID_UNUSABLE = gettext_lazy("This external id cannot be used.")


def external_id_refusal(
    model: type[models.Model], external_id: str, actor: Any, *, exclude_pk: Any = None
) -> str | None:
    """Why `external_id` cannot be used by `actor` on a `model` record, or None if it is free.

    External ids are unique across all teams, so a clash with a record the actor may not see
    must still be refused; it is refused in words that name no record. A caller without an
    actor (a management command, the demo) sees everything."""
    manager: Any = model._default_manager
    holder = (
        manager.filter(external_id=external_id).exclude(pk=exclude_pk).values_list("pk", flat=True)
    ).first()
    if holder is None:
        return None
    taken = _("Another %(name)s already has this external id.") % {"name": model._meta.verbose_name}
    if not is_signed_in(actor):
        return taken
    visible = (
        manager.visible_to(actor, include_merged=True)
        if hasattr(manager, "visible_to")
        else manager
    )
    if visible.filter(pk=holder).exists():
        return taken
    return str(EXTERNAL_ID_UNUSABLE)


def check_external_id(record: Any, actor: Any) -> None:
    """Refuse an external id another record of the same type holds (see `external_id_refusal`)."""
    if record.external_id:
        refusal = external_id_refusal(type(record), record.external_id, actor, exclude_pk=record.pk)
        if refusal:
            raise ValidationError({"external_id": refusal})


def save_record(record: Record, *, actor: Any) -> Record:
    """Validate (`full_clean`) and save, with the history actor; an external id that another
    record holds is a field error that confirms nothing hidden (see `external_id_refusal`)."""
    with_actor(record, actor)
    record.full_clean(validate_constraints=False)
    check_external_id(record, actor)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        # A concurrent writer took the id between the check and the insert.
        raise ValidationError({"external_id": str(EXTERNAL_ID_UNUSABLE)}) from error
    return record


def bump_version(record: Any) -> None:
    """The next version of a record the caller locked (see `lock`), so no writer is lost."""
    record.version += 1


def clean_custom_fields(
    record: Any, values: dict[str, Any] | None, *, partial: bool = False
) -> dict[str, Any]:
    """The record's custom fields after merging `values` into what it has, validated by the
    registered custom-fields feature."""
    merged = dict(record.custom_fields or {})
    merged.update(values or {})
    if features.custom_fields is None:
        if values:
            raise ValidationError({"custom_fields": _("Custom fields are not available.")})
        return merged
    return features.custom_fields.clean(registry.get(record).key, merged, partial=partial)


def set_tags(record: models.Model, names: list[str] | None) -> None:
    """Replace the record's tags (None leaves them as they are)."""
    if names is None or names is UNSET:
        return
    if features.tags is None:
        raise ValidationError({"tags": _("Tags are not available.")})
    features.tags.set(record, [name.strip() for name in names if name and name.strip()])


def delete_record(record: models.Model, *, actor: Any) -> None:
    """Delete with the history actor (the history keeps a "deleted" row), after the apps that
    point at any record (timeline links) have let go of it, in the same transaction."""
    with transaction.atomic():
        registry.before_delete(record)
        with_actor(record, actor)
        record.delete()

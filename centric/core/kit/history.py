"""Field history of any record kept by django-simple-history: who changed what, when, from what
to what.

`history_entries(record)` reads the record's history rows, compares each with the one before it
(`diff_against`) and returns entries newest first. Foreign keys are shown by the related
record's name (fetched in bulk), choices by their labels, custom fields by their labels (through
the registered feature). A record type with parts (a person's contact points) adds their rows
with `entries_of`. The caller has already read the record through the visibility rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.utils.translation import gettext_lazy as _

from centric.core.kit.features import features
from centric.core.records import registry

HIDDEN_FIELDS = {"version", "value_normalized", "custom_fields", "search_name"}
LIMIT_PER_KIND = 100
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("removed")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)


def field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(cast("models.Field[Any, Any]", model._meta.get_field(name)).verbose_name)
    except Exception:  # noqa: BLE001 - history may hold fields the model no longer has
        return name.replace("_", " ")


class Names:
    """Display names of the foreign keys that history rows store as ids, fetched in bulk (one
    query per related model), and of custom fields."""

    def __init__(self, rows: list[Any], models_: list[type[models.Model]], record_key: str = ""):
        wanted: dict[tuple[type[models.Model], str], set[Any]] = {}
        self.fields: dict[tuple[type[models.Model], str], tuple[type[models.Model], str]] = {}
        for model in models_:
            for model_field in model._meta.concrete_fields:
                if not model_field.is_relation or model_field.related_model is None:
                    continue
                related = model_field.related_model
                if isinstance(related, str):
                    continue
                to_field = model_field.target_field.attname  # type: ignore[attr-defined]
                self.fields[(model, model_field.name)] = (related, to_field)
                values = wanted.setdefault((related, to_field), set())
                for row in rows:
                    value = getattr(row, model_field.attname, None)
                    if value is not None:
                        values.add(value)
        self.names: dict[tuple[type[models.Model], str], dict[Any, str]] = {}
        for (related, to_field), values in wanted.items():
            found = related._default_manager.filter(**{f"{to_field}__in": values}) if values else []
            self.names[(related, to_field)] = {getattr(obj, to_field): str(obj) for obj in found}
        self.custom_labels: dict[str, str] = {}
        if record_key and features.custom_fields is not None:
            self.custom_labels = features.custom_fields.labels(record_key)

    def show(self, model: type[models.Model], name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        relation = self.fields.get((model, name))
        if relation is not None:
            return self.names.get(relation, {}).get(value, str(value))
        model_field: models.Field[Any, Any] | None
        try:
            model_field = cast("models.Field[Any, Any]", model._meta.get_field(name))
        except Exception:  # noqa: BLE001
            model_field = None
        if model_field is not None and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        return str(value)


def history_rows(manager: Any, **filters: Any) -> list[Any]:
    return list(
        manager.filter(**filters)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:LIMIT_PER_KIND]
    )


def entries_of(
    rows: list[Any], model: type[models.Model], names: Names, subject_of: Callable[[Any], str]
) -> list[HistoryEntry]:
    """Turn history rows (newest first) into entries, diffing each with its predecessor."""
    entries: list[HistoryEntry] = []
    by_object: dict[Any, list[Any]] = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    for object_rows in by_object.values():
        for index, row in enumerate(object_rows):
            previous = object_rows[index + 1] if index + 1 < len(object_rows) else None
            entry = HistoryEntry(
                when=row.history_date,
                who=row.history_user,
                action=str(ACTIONS.get(row.history_type, row.history_type)),
                subject=subject_of(row),
            )
            if row.history_type == "~" and previous is not None:
                for change in row.diff_against(previous).changes:
                    if change.field in HIDDEN_FIELDS:
                        continue
                    entry.changes.append(
                        Change(
                            field=field_label(model, change.field),
                            old=names.show(model, change.field, change.old),
                            new=names.show(model, change.field, change.new),
                        )
                    )
                old = getattr(previous, "custom_fields", None) or {}
                new = getattr(row, "custom_fields", None) or {}
                for key in sorted(set(old) | set(new)):
                    if old.get(key) != new.get(key):
                        entry.changes.append(
                            Change(
                                field=names.custom_labels.get(key, key),
                                old=names.show(model, key, old.get(key)),
                                new=names.show(model, key, new.get(key)),
                            )
                        )
                if not entry.changes:
                    continue
            entries.append(entry)
    return entries


def profile_subject(row: Any) -> str:
    return str(_("Profile"))


def history_entries(record: models.Model) -> list[HistoryEntry]:
    """Every recorded change to the record itself, newest first."""
    model = type(record)
    manager = getattr(model, "history", None)
    if manager is None:
        return []
    rows = history_rows(manager, id=record.pk)
    key = registry.get(model).key if registry.is_registered(model) else ""
    names = Names(rows, [model], key)
    return entries_of(rows, model, names, profile_subject)

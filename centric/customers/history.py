"""Field history of a person or organisation: who changed what, when, from what to what.

Reads django-simple-history's records of the record, its contact points and (people) consent,
compares each record with the one before it (`diff_against`) and returns entries newest first.
The record was already read through the visibility rule by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from centric.customers.models import Consent, ContactPoint, LifecycleStage, Organisation, Person
from centric.extras.models import CustomFieldDefinition
from centric.staff.models import Team

HIDDEN_FIELDS = {"version", "value_normalized", "custom_fields"}
LIMIT_PER_KIND = 100


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


ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("removed")}


def _label(model: type[Any], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - history may hold fields the model no longer has
        return name.replace("_", " ")


class _Names:
    """Display names for foreign keys stored as ids in history rows, fetched in bulk."""

    def __init__(self, records: list[Any], *, record_type: str) -> None:
        user_ids, team_ids = set(), set()
        for record in records:
            for name in ("owner_id", "recorded_by_id"):
                if getattr(record, name, None):
                    user_ids.add(getattr(record, name))
            if getattr(record, "team_id", None):
                team_ids.add(record.team_id)
        users = get_user_model().objects.filter(pk__in=user_ids) if user_ids else []
        self.users = {user.pk: str(user) for user in users}
        self.teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
        self.stages = dict(LifecycleStage.objects.values_list("key", "label"))
        self.custom_labels = dict(
            CustomFieldDefinition.objects.filter(record_type=record_type).values_list(
                "key", "label"
            )
        )

    def show(self, model: type[Any], name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if name in ("owner", "recorded_by"):
            return self.users.get(value, str(value))
        if name == "team":
            return self.teams.get(value, str(value))
        if name == "lifecycle_stage":
            return str(self.stages.get(value, value))
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: BLE001
            return str(value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        return str(value)


def _entries(records: list[Any], model: type, names: _Names, subject_of: Any) -> list[HistoryEntry]:
    """Turn history rows (newest first) into entries, diffing each with its predecessor."""
    entries: list[HistoryEntry] = []
    by_object: dict[Any, list[Any]] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    for rows in by_object.values():
        for index, record in enumerate(rows):
            previous = rows[index + 1] if index + 1 < len(rows) else None
            entry = HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                subject=subject_of(record),
            )
            if record.history_type == "~" and previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    if change.field in HIDDEN_FIELDS:
                        continue
                    entry.changes.append(
                        Change(
                            field=_label(model, change.field),
                            old=names.show(model, change.field, change.old),
                            new=names.show(model, change.field, change.new),
                        )
                    )
                old = getattr(previous, "custom_fields", None) or {}
                new = getattr(record, "custom_fields", None) or {}
                if old != new:
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


def _rows(manager: Any, **filters: Any) -> list[Any]:
    return list(
        manager.filter(**filters)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:LIMIT_PER_KIND]
    )


def _contact_subject(record: Any) -> str:
    kinds = dict(ContactPoint._meta.get_field("kind").flatchoices)
    return f"{kinds.get(record.kind, record.kind)}: {record.value}"


def _consent_subject(record: Any) -> str:
    purposes = dict(Consent._meta.get_field("purpose").flatchoices)
    return str(
        _("Consent: %(purpose)s") % {"purpose": purposes.get(record.purpose, record.purpose)}
    )


def person_history(person: Person) -> list[HistoryEntry]:
    """Every recorded change to the person, their contact points and consent, newest first."""
    person_rows = _rows(Person.history, id=person.pk)
    point_rows = _rows(ContactPoint.history, person_id=person.pk)
    consent_rows = _rows(Consent.history, person_id=person.pk)
    names = _Names(person_rows + point_rows + consent_rows, record_type="person")
    entries = _entries(person_rows, Person, names, lambda record: str(_("Profile")))
    entries += _entries(point_rows, ContactPoint, names, _contact_subject)
    entries += _entries(consent_rows, Consent, names, _consent_subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def organisation_history(organisation: Organisation) -> list[HistoryEntry]:
    """Every recorded change to the organisation and its contact points, newest first."""
    organisation_rows = _rows(Organisation.history, id=organisation.pk)
    point_rows = _rows(ContactPoint.history, organisation_id=organisation.pk)
    names = _Names(organisation_rows + point_rows, record_type="organisation")
    entries = _entries(organisation_rows, Organisation, names, lambda record: str(_("Profile")))
    entries += _entries(point_rows, ContactPoint, names, _contact_subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries

"""Field history of a person or organisation with its parts (contact points, consent), built
with the record kit's history (centric.core.kit.history). The record was already read through
the visibility rule by the caller.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from centric.core.kit.history import (
    HistoryEntry,
    Names,
    entries_of,
    history_rows,
    profile_subject,
)
from centric.customers.models import Consent, ContactPoint, Organisation, Person

__all__ = ["HistoryEntry", "organisation_history", "person_history"]


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
    person_rows = history_rows(Person.history, id=person.pk)
    point_rows = history_rows(ContactPoint.history, person_id=person.pk)
    consent_rows = history_rows(Consent.history, person_id=person.pk)
    names = Names(
        person_rows + point_rows + consent_rows, [Person, ContactPoint, Consent], "person"
    )
    entries = entries_of(person_rows, Person, names, profile_subject)
    entries += entries_of(point_rows, ContactPoint, names, _contact_subject)
    entries += entries_of(consent_rows, Consent, names, _consent_subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def organisation_history(organisation: Organisation) -> list[HistoryEntry]:
    """Every recorded change to the organisation and its contact points, newest first."""
    organisation_rows = history_rows(Organisation.history, id=organisation.pk)
    point_rows = history_rows(ContactPoint.history, organisation_id=organisation.pk)
    names = Names(organisation_rows + point_rows, [Organisation, ContactPoint], "organisation")
    entries = entries_of(organisation_rows, Organisation, names, profile_subject)
    entries += entries_of(point_rows, ContactPoint, names, _contact_subject)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries

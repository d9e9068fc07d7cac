"""People: create, update (with optimistic concurrency), delete — the one write path of a person
(pages, API, imports of one record, the demo, tests). What a person shares with an organisation
is in `common`; the bulk path (`bulk.people_bulk_create`) derives the same values with the same
functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from typing_extensions import Unpack

from centric.core.kit.features import searchable_custom_text
from centric.core.kit.services import UNSET, delete_record
from centric.core.search import search_key
from centric.customers.models import Person
from centric.customers.services.common import CustomerValues, create_customer, update_customer


def person_search_name(person: Any) -> str:
    """The search key of a person: their name (anything with first, middle and last name)
    and, after it, the values of the searchable custom fields."""
    names = [person.first_name, person.middle_name, person.last_name]
    names.append(searchable_custom_text("person", getattr(person, "custom_fields", None)))
    return search_key(" ".join(p for p in names if p))[:400]


def _prepare(person: Person) -> None:
    """A person's own checks and derived values, before the kit's validation and save."""
    if isinstance(person.date_of_birth, str):
        try:
            person.date_of_birth = (
                dt.date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
            )
        except ValueError as error:
            raise ValidationError({"date_of_birth": _("Enter a date as YYYY-MM-DD.")}) from error
    if person.date_of_birth and person.date_of_birth > dt.date.today():
        raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})
    _settle_attention(person)
    named = person.first_name or person.last_name or person.middle_name
    if not named and not _needs(person, "name"):
        raise ValidationError({"first_name": _("Give the person at least one name.")})
    person.search_name = person_search_name(person)


def _needs(person: Person, field: str) -> bool:
    return any(item.get("field") == field for item in person.attention_items)


def _settle_attention(person: Person) -> None:
    """A value kept as needing attention (an import's nameless row, its unreadable date of
    birth; decision 0055) is no longer listed once the record holds one: fixing it in place."""
    if not person.needs_attention:
        return
    given = set()
    if person.first_name or person.last_name or person.middle_name:
        given.add("name")
    if person.date_of_birth:
        given.add("date_of_birth")
    remaining = [item for item in person.attention_items if item.get("field") not in given]
    person.needs_attention = remaining or None


@transaction.atomic
def person_create(
    *,
    actor: Any = None,
    first_name: str = "",
    middle_name: str = "",
    last_name: str = "",
    date_of_birth: dt.date | None = None,
    gender: str = "",
    preferred_language: str = "",
    lost_at: dt.date | None = None,
    lost_to: str = "",
    contact_points: list[dict[str, Any]] | None = None,
    **values: Unpack[CustomerValues],
) -> Person:
    """Create a person with their contact points, in one transaction."""
    own = {
        "first_name": first_name or "",
        "middle_name": middle_name or "",
        "last_name": last_name or "",
        "date_of_birth": date_of_birth,
        "gender": gender or "",
        "preferred_language": preferred_language or "",
        "lost_at": lost_at,
        "lost_to": lost_to or "",
    }
    return create_customer(
        Person(),
        function="person_create",
        actor=actor,
        own=own,
        values=values,
        contact_points=contact_points,
        prepare=_prepare,
    )


@transaction.atomic
def person_update(
    person: Person,
    *,
    actor: Any = None,
    expected_version: int | None = None,
    first_name: str = UNSET,
    middle_name: str = UNSET,
    last_name: str = UNSET,
    date_of_birth: dt.date | None = UNSET,
    gender: str = UNSET,
    preferred_language: str = UNSET,
    lost_at: dt.date | None = UNSET,
    lost_to: str = UNSET,
    **values: Unpack[CustomerValues],
) -> Person:
    """Update a person; `expected_version` makes a concurrent edit fail instead of overwriting."""
    own = {
        "first_name": first_name,
        "middle_name": middle_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "preferred_language": preferred_language,
        "lost_at": lost_at,
        "lost_to": lost_to,
    }
    return update_customer(
        person,
        function="person_update",
        actor=actor,
        expected_version=expected_version,
        own=own,
        values=values,
        prepare=_prepare,
    )


@transaction.atomic
def person_delete(person: Person, *, actor: Any = None) -> None:
    delete_record(person, actor=actor)

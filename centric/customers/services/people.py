"""People: create, update (with optimistic concurrency), delete."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centric.core.errors import DuplicateError
from centric.core.search import search_key
from centric.customers.models import Person
from centric.customers.services.common import (
    EXTERNAL_ID_UNUSABLE,
    apply_fields,
    check_external_id,
    check_version,
    clean_custom_fields,
    lock,
    set_tags,
    with_actor,
)
from centric.customers.services.contact_points import contact_point_add

PERSON_FIELDS = {
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "gender",
    "preferred_language",
    "external_id",
    "owner",
    "owner_id",
    "team",
    "team_id",
    "lifecycle_stage",
    "lifecycle_stage_id",
    "source",
    "campaign",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "lost_at",
    "lost_to",
}


def person_search_name(person: Person) -> str:
    return search_key(
        " ".join(p for p in (person.first_name, person.middle_name, person.last_name) if p)
    )[:400]


def _save(person: Person, actor: Any) -> None:
    person.search_name = person_search_name(person)
    if isinstance(person.date_of_birth, str) and person.date_of_birth:
        try:
            person.date_of_birth = dt.date.fromisoformat(person.date_of_birth)
        except ValueError as error:
            raise ValidationError({"date_of_birth": _("Enter a date as YYYY-MM-DD.")}) from error
    if person.date_of_birth and person.date_of_birth > dt.date.today():
        raise ValidationError({"date_of_birth": _("A date of birth cannot be in the future.")})
    person.full_clean(validate_constraints=False)
    if not (person.first_name or person.last_name or person.middle_name):
        raise ValidationError({"first_name": _("Give the person at least one name.")})
    check_external_id(person, actor)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as error:  # taken since the check: whose it is is not looked up
        raise DuplicateError(str(EXTERNAL_ID_UNUSABLE)) from error


@transaction.atomic
def person_create(
    *,
    actor: Any = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    contact_points: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Person:
    """Create a person with their contact points, in one transaction."""
    person = Person()
    apply_fields(person, fields, PERSON_FIELDS)
    if person.owner_id is None and actor is not None and getattr(actor, "is_authenticated", False):
        person.owner = actor
        if person.team_id is None:
            person.team_id = actor.team_id
    person.custom_fields = clean_custom_fields("person", custom_fields)
    with_actor(person, actor)
    _save(person, actor)
    set_tags(person, tags)
    errors: dict[str, list[str]] = {}
    for index, point in enumerate(contact_points or []):
        try:
            contact_point_add(owner=person, actor=actor, refresh=False, **point)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(f"contact_points.{index}.{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if contact_points:
        from centric.customers.services.contact_points import refresh_primary_contacts

        refresh_primary_contacts(person)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    actor: Any = None,
    expected_version: int | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    **fields: Any,
) -> Person:
    """Update a person; `expected_version` makes a concurrent edit fail instead of overwriting."""
    current = lock(Person, person.pk)
    check_version(current, expected_version)
    apply_fields(current, fields, PERSON_FIELDS)
    if custom_fields is not None:
        current.custom_fields = clean_custom_fields("person", custom_fields, current.custom_fields)
    current.version += 1
    with_actor(current, actor)
    _save(current, actor)
    set_tags(current, tags)
    return current


@transaction.atomic
def person_delete(*, person: Person, actor: Any = None) -> None:
    with_actor(person, actor)
    person.delete()

"""Many new people at once (the demo business): the values `person_create` derives for one person
— search name, cleaned custom fields, normalised contact values, one primary per kind, primary
email and phone — derived by the same functions, and written in a few queries per batch."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from centric.core.kit.services import clean_custom_fields
from centric.customers.models import ContactPoint, Person
from centric.customers.services.contact_points import (
    CONTACT_FIELDS,
    normalise_point,
    settle_primaries,
)
from centric.customers.services.people import person_search_name

BATCH = 1000


@transaction.atomic
def people_bulk_create(
    *,
    people: list[Person],
    contact_points: list[list[dict[str, Any]]],
    actor: Any,
    batch_size: int = BATCH,
) -> list[Person]:
    """Insert unsaved `people` with `contact_points[i]` for `people[i]`, with field history.

    The caller vouches that the records are new and their external ids unused (one database
    constraint still refuses a clash); a point's `created_at` is its person's.
    """
    if len(people) != len(contact_points):
        raise ValueError("people and contact_points must have the same length")
    cleaned: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
    all_points: list[list[ContactPoint]] = []
    for person, dicts in zip(people, contact_points, strict=True):
        # Custom fields are validated once per distinct value set, as the service would each.
        key = tuple(sorted((person.custom_fields or {}).items()))
        if key not in cleaned:
            cleaned[key] = clean_custom_fields(person, None)
        person.custom_fields = cleaned[key]
        person.search_name = person_search_name(person)
        points = []
        for values in dicts:
            unknown = set(values) - CONTACT_FIELDS
            if unknown:
                raise ValidationError(
                    {name: _("This field cannot be set.") for name in sorted(unknown)}
                )
            point = ContactPoint(
                **{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
            )
            normalise_point(point)
            point.created_at = person.created_at
            points.append(point)
        # Primary first, then in the order given (the order their ids will have).
        points.sort(key=lambda point: not point.is_primary)
        _changed, person.primary_email, person.primary_phone = settle_primaries(points)
        all_points.append(points)
    created: list[Person] = bulk_create_with_history(
        people, Person, batch_size=batch_size, default_user=actor
    )
    rows: list[ContactPoint] = []
    for person, points in zip(created, all_points, strict=True):
        for point in points:
            point.person_id = person.pk
            rows.append(point)
    bulk_create_with_history(rows, ContactPoint, batch_size=batch_size, default_user=actor)
    return created

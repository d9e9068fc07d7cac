"""Test factories for customers: people and organisations built through the services, as the
application builds them. The record kit's permission matrix finds `make_person` and
`make_organisation` through the registrations' `test_factory` (see records.py)."""

from __future__ import annotations

import itertools
from typing import Any

from centric.customers.models import Organisation, Person
from centric.customers.services import organisation_create, person_create

_counter = itertools.count(1)


def _contact_points(phone: str | None, email: str | None) -> list[dict[str, str]]:
    points = []
    if phone:
        points.append({"kind": "phone", "value": phone})
    if email:
        points.append({"kind": "email", "value": email})
    return points


def _ownership(owner: Any, team: Any) -> dict[str, Any]:
    """Owner and team as the service takes them; unset ones are left to the service."""
    fields: dict[str, Any] = {}
    if owner is not None:
        fields["owner"] = owner
    if team is not None:
        fields["team"] = team
    return fields


def make_person(
    *,
    owner: Any = None,
    team: Any = None,
    actor: Any = None,
    first_name: str | None = None,
    last_name: str = "Okafor",
    phone: str | None = None,
    email: str | None = None,
    **fields: Any,
) -> Person:
    """A person owned by `owner` in `team` (or, without an owner, by `actor` in their team)."""
    return person_create(
        actor=actor,
        first_name=first_name or f"Person{next(_counter)}",
        last_name=last_name,
        contact_points=_contact_points(phone, email),
        **_ownership(owner, team),
        **fields,
    )


def make_organisation(
    *,
    owner: Any = None,
    team: Any = None,
    actor: Any = None,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    **fields: Any,
) -> Organisation:
    """An organisation owned by `owner` in `team` (or, without an owner, by `actor`)."""
    return organisation_create(
        actor=actor,
        name=name or f"Organisation {next(_counter)}",
        contact_points=_contact_points(phone, email),
        **_ownership(owner, team),
        **fields,
    )


def add_staff_members(count: int = 300) -> None:
    """Many active staff at once, for tests that a page does not load every user."""
    from centric.staff.models import User

    User.objects.bulk_create(
        User(username=f"member{n:03d}", first_name="Member", last_name=f"N{n:03d}")
        for n in range(count)
    )

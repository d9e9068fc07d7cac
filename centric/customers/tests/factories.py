"""Factories that build customers through the services, as the application does."""

from __future__ import annotations

import itertools

from centric.customers.services import person_create

_counter = itertools.count(1)


def make_person(
    *,
    actor=None,
    first_name: str | None = None,
    last_name: str = "Okafor",
    phone: str | None = None,
    email: str | None = None,
    **fields,
):
    points = []
    if phone:
        points.append({"kind": "phone", "value": phone})
    if email:
        points.append({"kind": "email", "value": email})
    return person_create(
        actor=actor,
        first_name=first_name or f"Person{next(_counter)}",
        last_name=last_name,
        contact_points=points,
        **fields,
    )


def add_staff_members(count: int = 300) -> None:
    """Many active staff at once, for tests that a page does not load every user."""
    from centric.staff.models import User

    User.objects.bulk_create(
        User(username=f"member{n:03d}", first_name="Member", last_name=f"N{n:03d}")
        for n in range(count)
    )

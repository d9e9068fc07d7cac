"""The bulk path for many new people derives what `person_create` derives, in one place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from centric.customers.models import ContactPoint, Person
from centric.customers.services import person_create
from centric.customers.services.bulk import people_bulk_create

POINTS = [
    {"kind": "phone", "value": "+234 (0) 803 555 0101", "label": "work"},
    {"kind": "whatsapp", "value": "0803 555 0199", "label": "mobile", "is_primary": True},
    {"kind": "phone", "value": "0803-555-0123", "is_primary": True},
    {"kind": "email", "value": "  Ada.Obi@Example.COM "},
    {"kind": "address", "value": "", "street": "12 Allen Avenue", "city": "Ikeja", "country": "ng"},
]


def stored(person: Person) -> tuple:
    person.refresh_from_db()
    points = sorted(
        (p.kind, p.value, p.value_normalized, p.is_primary, p.country)
        for p in person.contact_points.all()
    )
    return person.search_name, person.primary_email, person.primary_phone, points


@pytest.mark.django_db
def test_bulk_people_get_the_values_the_service_derives(make_user):
    admin = make_user("admin", role="Administrator")
    by_service = person_create(
        actor=admin, first_name="Adébáyọ̀", last_name="Obi", contact_points=POINTS
    )
    created_at = timezone.now() - dt.timedelta(days=300)
    [by_bulk] = people_bulk_create(
        people=[
            Person(
                first_name="Adébáyọ̀",
                last_name="Obi",
                owner=admin,
                external_id="bulk-1",
                created_at=created_at,
            )
        ],
        contact_points=[POINTS],
        actor=admin,
    )

    assert by_bulk.pk is not None
    assert stored(by_bulk) == stored(by_service)
    assert stored(by_bulk)[:3] == ("adebayo obi", "ada.obi@example.com", "+2348035550199")
    # One primary phone (the marked WhatsApp keeps its mark), history written, dates kept.
    assert by_bulk.history.count() == 1
    assert ContactPoint.history.filter(person_id=by_bulk.pk).count() == len(POINTS)
    assert set(by_bulk.contact_points.values_list("created_at", flat=True)) == {created_at}


@pytest.mark.django_db
def test_bulk_people_refuse_fields_and_values_the_service_refuses(make_user):
    admin = make_user("admin", role="Administrator")
    with pytest.raises(ValidationError):
        people_bulk_create(
            people=[Person(first_name="Ada", external_id="bulk-2")],
            contact_points=[[{"kind": "phone", "value": "not a number"}]],
            actor=admin,
        )
    with pytest.raises(ValidationError):
        people_bulk_create(
            people=[Person(first_name="Ada", external_id="bulk-3")],
            contact_points=[[{"kind": "email", "value": "a@b.ng", "value_normalized": "x"}]],
            actor=admin,
        )
    with pytest.raises(ValidationError):
        people_bulk_create(
            people=[Person(first_name="Ada", external_id="bulk-4", custom_fields={"nope": 1})],
            contact_points=[[]],
            actor=admin,
        )
    assert not Person.objects.filter(external_id__startswith="bulk-").exists()
    assert not ContactPoint.objects.exists()

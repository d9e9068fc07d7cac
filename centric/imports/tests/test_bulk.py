"""The bulk insert helpers: rows given as attribute dicts land exactly as the ORM would store them."""

import datetime as dt

import pytest
from django.utils import timezone

from centric.customers.models import ContactPoint, Person
from centric.imports.services import bulk

pytestmark = pytest.mark.django_db

AWKWARD = "back\\slash\ttab\nnew line\r\\N ‘quotes’ Ọ̀kàfọ̀"


def test_copy_cell_writes_copy_text_format():
    moment = dt.datetime(2026, 11, 23, 14, 50, 1, 250, tzinfo=dt.UTC)

    cells = [bulk.copy_cell(v) for v in (None, True, False, 7, "a\\b\tc\nd\re", moment)]

    assert cells == ["\\N", "t", "f", "7", "a\\\\b\\tc\\nd\\re", "2026-11-23T14:50:01.000250+00:00"]


def test_inserted_values_read_back_as_given_with_defaults_and_history(make_user):
    user = make_user("bulk")
    now = timezone.now()
    rows = [
        {
            "first_name": AWKWARD,
            "last_name": "Okafor",
            "search_name": "x",
            "external_id": "B1",
            "date_of_birth": dt.date(1990, 2, 28),
            "custom_fields": {"note": AWKWARD, "n": 3, "ok": True},
            "owner_id": user.pk,
            "created_at": now,
        },
        {"first_name": "Bayo", "last_name": "", "search_name": "bayo", "created_at": now},
    ]

    bulk.insert_values(Person, rows, now=now)
    bulk.insert_history_values(Person, rows, user=user, reason="Import #1", date=now)

    first, second = (Person.objects.get(pk=row["id"]) for row in rows)
    assert (first.first_name, first.custom_fields["note"]) == (AWKWARD, AWKWARD)
    assert first.custom_fields == {"note": AWKWARD, "n": 3, "ok": True}
    assert (first.date_of_birth, first.owner_id, first.external_id) == (
        dt.date(1990, 2, 28),
        user.pk,
        "B1",
    )
    assert (first.created_at, first.version) == (now, 1)
    assert first.updated_at >= now
    assert (second.external_id, second.custom_fields, second.middle_name) == (None, {}, "")
    assert second.lifecycle_stage_id == Person._meta.get_field("lifecycle_stage").get_default()
    history = first.history.get()
    assert (history.history_type, history.history_user_id, history.history_change_reason) == (
        "+",
        user.pk,
        "Import #1",
    )
    assert (history.first_name, history.custom_fields, history.history_date) == (
        AWKWARD,
        first.custom_fields,
        now,
    )


def test_inserted_contact_points_keep_flags_and_owner():
    person = Person.objects.create(first_name="Ada", last_name="Okafor", search_name="ada okafor")
    now = timezone.now()
    rows = [
        {"kind": "phone", "value": "0803 123 4567", "value_normalized": "+2348031234567"},
        {"kind": "address", "value": "Lagos", "value_normalized": "lagos", "city": "Lagos"},
    ]
    for row in rows:
        row.update(person_id=person.pk, is_primary=row["kind"] == "phone", created_at=now)

    bulk.insert_values(ContactPoint, rows, now=now)
    bulk.insert_history_values(ContactPoint, rows, date=now)

    stored = ContactPoint.objects.filter(person=person).order_by("id")
    assert [(p.kind, p.value_normalized, p.is_primary, p.is_verified, p.city) for p in stored] == [
        ("phone", "+2348031234567", True, False, ""),
        ("address", "lagos", False, False, "Lagos"),
    ]
    assert [p.pk for p in stored] == [row["id"] for row in rows]
    assert ContactPoint.history.filter(person_id=person.pk, history_user=None).count() == 2

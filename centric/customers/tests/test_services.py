"""The customer-record services: validation, normalisation, history, concurrency."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from centric.core.errors import ConcurrentEditError
from centric.customers.models import ContactPoint, Person
from centric.customers.services import (
    consent_record,
    contact_point_add,
    membership_set,
    organisation_create,
    person_create,
    person_update,
)
from centric.customers.tests.factories import make_person
from centric.extras.services import custom_field_create


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"))


@pytest.mark.django_db
def test_person_create_normalises_contact_points_and_defaults_owner(seller):
    person = person_create(
        actor=seller,
        first_name="  Ngozi ",
        last_name="Eze",
        contact_points=[
            {"kind": "phone", "value": "0803 123 4567"},
            {"kind": "email", "value": "NGOZI@Example.com"},
        ],
    )
    assert person.first_name == "Ngozi"
    assert person.owner == seller and person.team == seller.team
    values = set(person.contact_points.values_list("kind", "value_normalized"))
    assert values == {("phone", "+2348031234567"), ("email", "ngozi@example.com")}
    person.refresh_from_db()
    assert (person.primary_phone, person.primary_email) == ("+2348031234567", "ngozi@example.com")


@pytest.mark.django_db
def test_invalid_phone_rolls_back_the_whole_person(seller):
    with pytest.raises(ValidationError) as caught:
        person_create(
            actor=seller, first_name="Tunde", contact_points=[{"kind": "phone", "value": "12345"}]
        )
    assert "contact_points.0.value" in caught.value.message_dict
    assert not Person.objects.filter(first_name="Tunde").exists()


@pytest.mark.django_db
def test_a_person_needs_a_name(seller):
    with pytest.raises(ValidationError) as caught:
        person_create(actor=seller, first_name=" ", last_name="")
    assert "first_name" in caught.value.message_dict
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_oversize_name_is_refused(seller):
    with pytest.raises(ValidationError) as caught:
        person_create(actor=seller, first_name="A" * 101)
    assert "first_name" in caught.value.message_dict


@pytest.mark.django_db
def test_duplicate_external_id_is_refused_with_a_field_error(seller):
    make_person(actor=seller, external_id="CUST-1")
    with pytest.raises(ValidationError) as caught:
        make_person(actor=seller, external_id="CUST-1")
    assert "external_id" in caught.value.message_dict
    assert Person.objects.filter(external_id="CUST-1").count() == 1


@pytest.mark.django_db
def test_custom_field_values_are_validated_by_type(seller):
    custom_field_create(
        record_type="person", key="loyalty_points", label="Loyalty points", field_type="integer"
    )
    custom_field_create(
        record_type="person",
        key="branch",
        label="Branch",
        field_type="choice",
        choices=["Ikeja", "Lekki"],
    )
    person = make_person(actor=seller, custom_fields={"loyalty_points": "1,200", "branch": "Lekki"})
    assert person.custom_fields == {"loyalty_points": 1200, "branch": "Lekki"}
    with pytest.raises(ValidationError) as caught:
        person_update(
            person=person,
            actor=seller,
            custom_fields={"loyalty_points": "many", "branch": "Abuja", "nope": 1},
        )
    assert set(caught.value.message_dict) == {
        "custom_fields.loyalty_points",
        "custom_fields.branch",
        "custom_fields.nope",
    }
    person.refresh_from_db()
    assert person.custom_fields == {"loyalty_points": 1200, "branch": "Lekki"}


@pytest.mark.django_db
def test_stale_version_is_told_not_silently_overwritten(seller):
    person = make_person(actor=seller, first_name="Bola")
    loaded_version = person.version
    person_update(
        person=person, actor=seller, expected_version=loaded_version, first_name="Bolanle"
    )
    with pytest.raises(ConcurrentEditError):
        person_update(
            person=person, actor=seller, expected_version=loaded_version, first_name="Bolaji"
        )
    person.refresh_from_db()
    assert person.first_name == "Bolanle"
    assert person.version == loaded_version + 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_editors_one_wins_the_other_is_told(seller):
    """Two real transactions race on the same version: exactly one update lands."""
    person = make_person(actor=seller, first_name="Emeka")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            person_update(
                person=Person.objects.get(pk=person.pk),
                actor=None,
                expected_version=1,
                first_name=name,
            )
            outcomes.append("saved")
        except ConcurrentEditError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(name,)) for name in ("Chukwuemeka", "Emmanuel")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    person.refresh_from_db()
    assert person.version == 2
    assert person.first_name in {"Chukwuemeka", "Emmanuel"}


@pytest.mark.django_db
def test_field_history_records_who_changed_what_from_what(seller):
    person = make_person(actor=seller, first_name="Tunde", last_name="Bakare")
    person_update(person=person, actor=seller, first_name="Babatunde")
    newest, previous = person.history.order_by("-history_date", "-history_id")[:2]
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("first_name", "Tunde", "Babatunde")
    ]
    assert newest.history_user == seller


@pytest.mark.django_db
def test_adding_the_same_contact_point_twice_keeps_one(seller):
    person = make_person(actor=seller, phone="0803 123 4567")
    again = contact_point_add(owner=person, actor=seller, kind="phone", value="+234 803 123 4567")
    assert ContactPoint.objects.filter(person=person).count() == 1
    assert again.value_normalized == "+2348031234567"


@pytest.mark.django_db
def test_consent_keeps_when_how_and_what_was_shown_and_its_history(seller):
    person = make_person(actor=seller)
    consent_record(
        person=person,
        purpose="marketing_email",
        status="granted",
        method="form",
        ip_address="10.0.0.1",
        text_shown="Send me offers",
    )
    consent = consent_record(
        person=person, purpose="marketing_email", status="withdrawn", method="portal", actor=seller
    )
    assert consent.status == "withdrawn" and consent.method == "portal"
    assert [h.status for h in consent.history.order_by("history_date")] == ["granted", "withdrawn"]
    with pytest.raises(ValidationError):
        consent_record(person=person, purpose="carrier_pigeon", status="granted", method="form")


@pytest.mark.django_db
def test_a_person_may_belong_to_several_organisations(seller):
    person = make_person(actor=seller)
    shop = organisation_create(actor=seller, name="Mama Put Ventures")
    church = organisation_create(actor=seller, name="Redeemed Parish Yaba")
    membership_set(person=person, organisation=shop, role="Owner", is_primary=True)
    membership_set(person=person, organisation=church, role="Usher")
    assert set(person.memberships.values_list("organisation__name", "role")) == {
        ("Mama Put Ventures", "Owner"),
        ("Redeemed Parish Yaba", "Usher"),
    }

"""The person and organisation services are typed keyword-only functions built on the record
kit (issue 8, kit item 5): a keyword they do not take is refused as Python refuses it, an update
changes only what it is given, a foreign key goes by the record or its key, and the primary
email/phone come from one function whichever path writes the person."""

import pytest

from centric.core.kit.services import UNSET
from centric.customers.models import ContactPoint, Organisation, Person
from centric.customers.services import (
    organisation_create,
    organisation_update,
    person_create,
    person_update,
)
from centric.customers.services.contact_points import primary_email_and_phone


@pytest.mark.django_db
def test_a_keyword_the_service_does_not_take_is_a_type_error_and_nothing_is_written(seller):
    with pytest.raises(TypeError, match="unexpected keyword argument 'search_name'"):
        person_create(actor=seller, first_name="Ada", search_name="forged")
    with pytest.raises(TypeError, match="unexpected keyword argument 'primary_email'"):
        organisation_create(actor=seller, name="Balogun", primary_email="x@example.com")
    assert not Person.objects.exists()
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_an_update_changes_only_what_it_is_given(seller):
    person = person_create(
        actor=seller, first_name="Ada", last_name="Obi", source="walk-in", lifecycle_stage="lead"
    )
    updated = person_update(person, actor=seller, last_name="Okafor", source=UNSET)
    updated.refresh_from_db()
    assert (updated.first_name, updated.last_name) == ("Ada", "Okafor")
    assert updated.source == "walk-in"
    assert updated.lifecycle_stage_id == "lead"
    assert updated.version == 2


@pytest.mark.django_db
def test_a_foreign_key_goes_by_the_record_or_its_key(seller, make_user, make_team):
    service = make_team("Service")
    other = make_user("other", team=service)
    organisation = organisation_create(
        actor=seller, name="Balogun", owner=other.pk, team=service.pk, lifecycle_stage="customer"
    )
    assert (organisation.owner_id, organisation.team_id) == (other.pk, service.pk)
    assert organisation.lifecycle_stage_id == "customer"
    organisation_update(organisation, actor=seller, owner=seller, lifecycle_stage="")
    organisation.refresh_from_db()
    assert organisation.owner_id == seller.pk
    assert organisation.lifecycle_stage_id is None


def test_primary_email_and_phone_take_the_first_of_each_from_points_or_dicts():
    points = [
        ContactPoint(kind="website", value_normalized="https://a.example"),
        ContactPoint(kind="whatsapp", value_normalized="+2348030000001"),
        ContactPoint(kind="email", value_normalized="first@example.com"),
        ContactPoint(kind="phone", value_normalized="+2348030000002"),
        ContactPoint(kind="email", value_normalized="second@example.com"),
    ]
    assert primary_email_and_phone(points) == ("first@example.com", "+2348030000001")
    dicts = [{"kind": p.kind, "value_normalized": p.value_normalized} for p in points]
    assert primary_email_and_phone(dicts) == ("first@example.com", "+2348030000001")
    assert primary_email_and_phone([]) == ("", "")

"""External ids are unique across all teams, so a clash with a hidden record is still refused,
but in words that confirm no hidden record: "This external id cannot be used.", the same for
every hidden holder, on pages and over the API, for people and organisations (decision 0020).
A clash with a record one may see says so."""

import pytest
from django.urls import reverse

from centric.core.api.testing import assert_problem, call
from centric.customers.models import Organisation, Person
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person

pytestmark = pytest.mark.django_db

UNUSABLE = "This external id cannot be used."


@pytest.fixture
def outsiders(make_user, make_team):
    """Two other teams, each holding a person and an organisation with an external id."""
    service, support = make_team("Service"), make_team("Support")
    bola = make_user("bola", team=service)
    chidi = make_user("chidi", team=support)
    make_person(actor=bola, first_name="Hidden", last_name="Bolaperson", external_id="HID-1")
    make_person(actor=chidi, first_name="Other", last_name="Chidiperson", external_id="HID-2")
    organisation_create(actor=bola, name="Hidden Bola Ltd", external_id="ORG-H1")
    organisation_create(actor=chidi, name="Hidden Chidi Ltd", external_id="ORG-H2")


def _page_error(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 422
    return response.context["form"].errors["external_id"], response.content.decode()


def test_person_page_refuses_a_hidden_external_id_without_confirming_it(
    logged_in_client, seller, outsiders
):
    client = logged_in_client(seller)
    url = reverse("customers:person_create")
    first, body = _page_error(client, url, {"first_name": "Ada", "external_id": "HID-1"})
    second, _body = _page_error(client, url, {"first_name": "Ada", "external_id": "HID-2"})
    assert first == second == [UNUSABLE]
    assert "Bolaperson" not in body
    assert "already has" not in body
    assert not Person.objects.filter(owner=seller).exists()


def test_person_page_names_a_visible_clash(logged_in_client, seller, outsiders):
    make_person(actor=seller, external_id="MINE-1")
    errors, _body = _page_error(
        logged_in_client(seller),
        reverse("customers:person_create"),
        {"first_name": "Ada", "external_id": "MINE-1"},
    )
    assert errors == ["Another person already has this external id."]


def test_person_edit_page_refuses_a_hidden_external_id_the_same_way(
    logged_in_client, seller, outsiders
):
    person = make_person(actor=seller, first_name="Ada", external_id="MINE-1")
    errors, _body = _page_error(
        logged_in_client(seller),
        reverse("customers:person_update", args=[person.pk]),
        {"first_name": "Ada", "last_name": "Okafor", "external_id": "HID-1", "owner": "seller"},
    )
    assert errors == [UNUSABLE]
    person.refresh_from_db()
    assert person.external_id == "MINE-1"


def test_organisation_page_refuses_a_hidden_external_id_the_same_way(
    logged_in_client, seller, outsiders
):
    client = logged_in_client(seller)
    url = reverse("customers:organisation_create")
    first, body = _page_error(client, url, {"name": "Mine Ltd", "external_id": "ORG-H1"})
    second, _body = _page_error(client, url, {"name": "Mine Ltd", "external_id": "ORG-H2"})
    assert first == second == [UNUSABLE]
    assert "Hidden Bola" not in body
    assert not Organisation.objects.filter(owner=seller).exists()


def _api_messages(response) -> list[str]:
    body = assert_problem(response, 422, field="external_id")
    return [item["message"] for item in body["errors"] if item["field"] == "external_id"]


def test_api_refuses_a_hidden_external_id_with_one_message(api_client, seller, outsiders):
    client = api_client(seller)
    person = make_person(actor=seller, first_name="Ada", external_id="MINE-1")
    organisation = organisation_create(actor=seller, name="Mine Ltd", external_id="MINE-ORG")
    refusals = [
        call(client, "post", "/api/v1/people", {"first_name": "A", "external_id": "HID-1"}),
        call(client, "post", "/api/v1/people", {"first_name": "A", "external_id": "HID-2"}),
        call(client, "patch", f"/api/v1/people/{person.pk}", {"external_id": "HID-1"}),
        call(client, "post", "/api/v1/organisations", {"name": "A", "external_id": "ORG-H1"}),
        call(client, "post", "/api/v1/organisations", {"name": "A", "external_id": "ORG-H2"}),
        call(
            client, "patch", f"/api/v1/organisations/{organisation.pk}", {"external_id": "ORG-H1"}
        ),
    ]
    for response in refusals:
        assert _api_messages(response) == [UNUSABLE]
        assert b"Bola" not in response.content
    person.refresh_from_db()
    organisation.refresh_from_db()
    assert (person.external_id, organisation.external_id) == ("MINE-1", "MINE-ORG")
    assert Person.objects.filter(owner=seller).count() == 1
    assert Organisation.objects.filter(owner=seller).count() == 1


def test_api_names_a_visible_clash(api_client, seller, outsiders):
    client = api_client(seller)
    make_person(actor=seller, external_id="MINE-1")
    organisation_create(actor=seller, name="Mine Ltd", external_id="MINE-ORG")
    person = call(client, "post", "/api/v1/people", {"first_name": "A", "external_id": "MINE-1"})
    organisation = call(
        client, "post", "/api/v1/organisations", {"name": "A", "external_id": "MINE-ORG"}
    )
    assert _api_messages(person) == ["Another person already has this external id."]
    assert _api_messages(organisation) == ["Another organisation already has this external id."]

"""An interaction about a person is visible only to those who may see that person, whatever else
it links to; an organisation-only interaction follows the organisation (decision 0037). Every
path that reads the timeline keeps to it: the API's get and list, the organisation page and its
fragment, with and without the organisation's people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centric.core.api.testing import assert_problem
from centric.core.models import VisibilityPolicy
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction
from centric.interactions.services import interaction_create

pytestmark = pytest.mark.django_db

MISSING_ID = 987_654


@pytest.fixture
def world(make_user, make_team):
    """Seller (Sales) sees Amaka and the shop; Bisi and the depot are the Service team's."""
    sales, service = make_team("Sales"), make_team("Service")
    seller, other = make_user("seller", team=sales), make_user("other", team=service)
    shop = organisation_create(actor=seller, name="Balogun Textiles")
    depot = organisation_create(actor=other, name="Hidden Depot")
    amaka = make_person(actor=seller, first_name="Amaka", last_name="Obi")
    bisi = make_person(actor=other, first_name="Bisi", last_name="Secret")
    membership_set(person=amaka, organisation=shop)
    membership_set(person=bisi, organisation=shop)
    now = timezone.now()

    def entry(subject, hours_ago, **about):
        return interaction_create(
            channel="other",
            kind="note",
            subject=subject,
            body=f"<p>{subject} body</p>",
            occurred_at=now - dt.timedelta(hours=hours_ago),
            **about,
        )

    return {
        "seller": seller,
        "other": other,
        "shop": shop,
        "depot": depot,
        "amaka": amaka,
        "bisi": bisi,
        "shop_note": entry("Shop note", 1, organisation=shop),
        "amaka_at_shop": entry("Amaka at the shop", 2, person=amaka, organisation=shop),
        "bisi_at_shop": entry("Bisi at the shop", 3, person=bisi, organisation=shop),
        "bisi_alone": entry("Bisi alone", 4, person=bisi),
        "amaka_at_depot": entry("Amaka at the depot", 5, person=amaka, organisation=depot),
        "depot_note": entry("Depot note", 6, organisation=depot),
    }


def _subjects(response):
    return [entry.subject for entry in response.context["timeline_page"].items]


def test_the_rule_is_the_persons_when_there_is_one(world):
    visible = set(Interaction.objects.visible_to(world["seller"]).values_list("subject", flat=True))
    others = set(Interaction.objects.visible_to(world["other"]).values_list("subject", flat=True))

    assert visible == {"Shop note", "Amaka at the shop", "Amaka at the depot"}
    assert others == {"Bisi at the shop", "Bisi alone", "Depot note"}


def test_api_get_of_an_interaction_about_a_hidden_person_is_404(world, api_client):
    client = api_client(world["seller"])

    hidden = client.get(f"/api/v1/interactions/{world['bisi_at_shop'].pk}")
    missing = client.get(f"/api/v1/interactions/{MISSING_ID}")

    assert_problem(hidden, 404)
    assert hidden.json() | {"instance": ""} == missing.json() | {"instance": ""}
    assert "Bisi" not in hidden.content.decode()
    assert client.get(f"/api/v1/interactions/{world['amaka_at_depot'].pk}").status_code == 200
    assert_problem(client.get(f"/api/v1/interactions/{world['depot_note'].pk}"), 404)


def test_api_list_filtered_by_a_hidden_person_is_like_one_that_does_not_exist(world, api_client):
    client = api_client(world["seller"])

    hidden = client.get(f"/api/v1/interactions?person={world['bisi'].pk}")
    missing = client.get(f"/api/v1/interactions?person={MISSING_ID}")

    assert hidden.status_code == missing.status_code == 200
    assert (
        hidden.json()
        == missing.json()
        == {
            "items": [],
            "next_cursor": None,
            "previous_cursor": None,
        }
    )


def test_api_list_filtered_by_a_hidden_organisation_is_like_one_that_does_not_exist(
    world, api_client
):
    client = api_client(world["seller"])

    for include_members in ("false", "true"):
        hidden = client.get(
            f"/api/v1/interactions?organisation={world['depot'].pk}"
            f"&include_members={include_members}"
        )
        missing = client.get(
            f"/api/v1/interactions?organisation={MISSING_ID}&include_members={include_members}"
        )
        assert hidden.status_code == missing.status_code == 200
        assert hidden.json() == missing.json()
        assert hidden.json()["items"] == []


def test_api_list_of_a_visible_organisation_leaves_out_hidden_people(world, api_client):
    client = api_client(world["seller"])
    shop = world["shop"].pk

    def subjects(query):
        response = client.get(f"/api/v1/interactions?{query}")
        assert response.status_code == 200, response.content
        return [item["subject"] for item in response.json()["items"]]

    assert subjects(f"organisation={shop}") == ["Shop note", "Amaka at the shop"]
    assert subjects(f"organisation={shop}&include_members=true") == [
        "Shop note",
        "Amaka at the shop",
        "Amaka at the depot",
    ]
    assert subjects("") == ["Shop note", "Amaka at the shop", "Amaka at the depot"]


def test_the_organisation_page_leaves_out_interactions_about_hidden_people(world, logged_in_client):
    client = logged_in_client(world["seller"])
    url = reverse("customers:organisation_detail", args=[world["shop"].pk])

    with_people = client.get(url)
    only_shop = client.get(url, {"scope": "organisation"})

    assert _subjects(with_people) == ["Shop note", "Amaka at the shop", "Amaka at the depot"]
    assert _subjects(only_shop) == ["Shop note", "Amaka at the shop"]
    for response in (with_people, only_shop):
        assert "Bisi" not in response.content.decode()


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("people", ["Shop note", "Amaka at the shop", "Amaka at the depot"]),
        ("organisation", ["Shop note", "Amaka at the shop"]),
    ],
)
def test_the_organisation_timeline_fragment_leaves_out_hidden_people(
    world, logged_in_client, scope, expected
):
    client = logged_in_client(world["seller"])
    url = reverse("interactions:organisation_timeline", args=[world["shop"].pk])

    response = client.get(url, {"scope": scope}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert _subjects(response) == expected
    assert "Bisi" not in response.content.decode()


def test_the_owner_of_the_hidden_person_still_sees_it_on_the_organisation(world, api_client):
    """The shop is visible to both teams (each through a member); each sees its own people."""
    client = api_client(world["other"])
    listed = client.get(f"/api/v1/interactions?person={world['bisi'].pk}").json()
    assert [item["subject"] for item in listed["items"]] == ["Bisi at the shop", "Bisi alone"]


def test_the_list_endpoint_query_count_is_unchanged(world, api_client, django_assert_num_queries):
    client = api_client(world["seller"])
    shop = world["shop"].pk
    client.get("/api/v1/interactions?limit=1")  # warm the policy cache

    with django_assert_num_queries(5):
        client.get(f"/api/v1/interactions?person={world['amaka'].pk}")
    with django_assert_num_queries(5):
        client.get(f"/api/v1/interactions?organisation={shop}")
    with django_assert_num_queries(7):
        client.get(f"/api/v1/interactions?organisation={shop}&include_members=true")


def test_the_organisation_fragment_query_count_is_unchanged(
    world, logged_in_client, django_assert_num_queries
):
    client = logged_in_client(world["seller"])
    url = reverse("interactions:organisation_timeline", args=[world["shop"].pk])
    client.get(url, HTTP_HX_REQUEST="true")  # warm the session and the policy cache

    with django_assert_num_queries(15):
        client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(13):
        client.get(url, {"scope": "organisation"}, HTTP_HX_REQUEST="true")


# --- an organisation the viewer may not see stays unnamed ---------------------------------


def test_api_get_shows_the_organisation_only_to_those_who_may_see_it(world, api_client):
    client = api_client(world["seller"])

    at_depot = client.get(f"/api/v1/interactions/{world['amaka_at_depot'].pk}")
    at_shop = client.get(f"/api/v1/interactions/{world['amaka_at_shop'].pk}")

    assert at_depot.status_code == at_shop.status_code == 200
    # Visible through Amaka (decision 0037); the depot itself is the Service team's.
    assert (at_depot.json()["person_id"], at_depot.json()["organisation_id"]) == (
        world["amaka"].pk,
        None,
    )
    assert at_shop.json()["organisation_id"] == world["shop"].pk
    assert "Hidden Depot" not in at_depot.content.decode()


def test_api_list_shows_only_the_organisations_the_caller_may_see(world, api_client):
    seller = api_client(world["seller"])
    other = api_client(world["other"])

    listed = seller.get(f"/api/v1/interactions?person={world['amaka'].pk}").json()["items"]
    everything = seller.get("/api/v1/interactions").json()["items"]
    theirs = other.get("/api/v1/interactions").json()["items"]

    assert [(item["subject"], item["organisation_id"]) for item in listed] == [
        ("Amaka at the shop", world["shop"].pk),
        ("Amaka at the depot", None),
    ]
    assert {item["subject"]: item["organisation_id"] for item in everything} == {
        "Shop note": world["shop"].pk,
        "Amaka at the shop": world["shop"].pk,
        "Amaka at the depot": None,
    }
    # The Service team sees Bisi but not the Sales team's shop, and its own depot.
    assert {item["subject"]: item["organisation_id"] for item in theirs} == {
        "Bisi at the shop": None,
        "Bisi alone": None,
        "Depot note": world["depot"].pk,
    }


def test_api_repeat_of_a_delivery_at_a_hidden_organisation_does_not_name_it(world, api_client):
    first = interaction_create(
        channel="whatsapp",
        kind="message",
        person=world["amaka"],
        organisation=world["depot"],
        body="Order for the depot",
        external_id="wamid.depot",
    )

    response = api_client(world["seller"]).post(
        "/api/v1/interactions",
        {
            "channel": "whatsapp",
            "kind": "message",
            "person_id": world["amaka"].pk,
            "body": "Order for the depot",
            "external_id": "wamid.depot",
        },
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["organisation_id"]) == (first.pk, None)


def test_the_persons_page_and_fragment_do_not_name_a_hidden_organisation(world, logged_in_client):
    client = logged_in_client(world["seller"])
    page = client.get(reverse("customers:person_detail", args=[world["amaka"].pk]))
    fragment = client.get(
        reverse("interactions:person_timeline", args=[world["amaka"].pk]), HTTP_HX_REQUEST="true"
    )

    for response in (page, fragment):
        assert response.status_code == 200
        assert _subjects(response) == ["Amaka at the shop", "Amaka at the depot"]
        assert "Hidden Depot" not in response.content.decode()


def test_an_organisation_policy_open_to_everyone_names_every_organisation(world, api_client):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "public_read"}
    )

    response = api_client(world["seller"]).get(f"/api/v1/interactions/{world['amaka_at_depot'].pk}")

    assert response.json()["organisation_id"] == world["depot"].pk

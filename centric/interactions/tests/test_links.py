"""Interactions linked to any registered record with a timeline (decision 0038): the services,
the record's timeline, and the API. Person and Organisation stand in for the deals and tickets
to come; links never make an interaction visible (decision 0037)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from centric.core.api.testing import assert_problem, call
from centric.core.models import VisibilityPolicy
from centric.core.pagination import keyset_page
from centric.core.records import OWNED, registry
from centric.customers.models import Membership, Organisation, Person
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction, InteractionLink
from centric.interactions.selectors import interactions_for_record
from centric.interactions.services import (
    interaction_create,
    interaction_link_add,
    interaction_link_remove,
    interaction_links_forget,
    interaction_links_repoint,
    interaction_links_restore,
)

pytestmark = pytest.mark.django_db

REFUSED = "There is no such record to link."


def _unregister(model) -> None:
    # The registry has no public way back (test-only; see the report to the lead).
    record_type = registry._records.pop(model._meta.label_lower)
    registry._by_key.pop(record_type.key, None)


@pytest.fixture(autouse=True)
def link_targets():
    """Person and Organisation are timeline targets (customers/records.py); Membership is
    registered here, for the test only, as a record type *without* a timeline, to be refused."""
    assert registry.get(Person).timeline and registry.get(Organisation).timeline
    added = not registry.is_registered(Membership)
    if added:
        registry.register_record(Membership, key="test-membership", visibility=OWNED)
    yield
    if added:
        _unregister(Membership)


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    seller, other = make_user("seller", team=sales), make_user("other", team=service)
    return {
        "seller": seller,
        "other": other,
        "reader": make_user("reader", role="Read only", team=sales),
        "amaka": make_person(actor=seller, first_name="Amaka"),
        "referrer": make_person(actor=seller, first_name="Referrer"),
        "shop": organisation_create(actor=seller, name="Shop"),
        "supplier": organisation_create(actor=seller, name="Supplier"),
        "bisi": make_person(actor=other, first_name="Bisi"),
        "depot": organisation_create(actor=other, name="Hidden depot"),
    }


def _note(world, subject="Call", *, actor="seller", person="amaka", hours_ago=0, **fields):
    return interaction_create(
        actor=world[actor] if actor else None,
        channel="phone",
        kind="call",
        subject=subject,
        person=world[person] if person else None,
        occurred_at=timezone.now() - dt.timedelta(hours=hours_ago),
        **fields,
    )


def _targets(interaction):
    return list(
        InteractionLink.objects.filter(interaction=interaction).values_list(
            "content_type__model", "object_id"
        )
    )


# --- services ------------------------------------------------------------------------------


def test_an_interaction_links_to_any_number_of_records(world):
    note = _note(world, links=[world["supplier"], world["referrer"], world["supplier"]])

    assert _targets(note) == [
        ("organisation", world["supplier"].pk),
        ("person", world["referrer"].pk),
    ]
    assert (note.person, note.organisation) == (world["amaka"], None)


def test_link_add_is_idempotent_and_remove_says_whether_there_was_one(world):
    note = _note(world)

    first = interaction_link_add(interaction=note, target=world["shop"], actor=world["seller"])
    again = interaction_link_add(interaction=note, target=world["shop"], actor=world["seller"])

    assert first.pk == again.pk and InteractionLink.objects.count() == 1
    assert interaction_link_remove(interaction=note, target=world["shop"], actor=world["seller"])
    assert not interaction_link_remove(
        interaction=note, target=world["shop"], actor=world["seller"]
    )
    assert not InteractionLink.objects.exists()


@pytest.mark.parametrize("target", ["depot", "bisi", "membership", "team", "unsaved"])
def test_only_visible_records_of_a_timeline_type_may_be_linked(world, make_team, target):
    record = {
        "membership": lambda: membership_set(person=world["amaka"], organisation=world["shop"]),
        "team": lambda: make_team("A team"),
        "unsaved": lambda: Organisation(name="Not saved"),
    }.get(target, lambda: world[target])()
    note = _note(world)

    with pytest.raises(ValidationError) as on_add:
        interaction_link_add(interaction=note, target=record, actor=world["seller"])
    with pytest.raises(ValidationError) as on_create:
        _note(world, "Other", links=[record])

    assert on_add.value.message_dict == {"target": [REFUSED]}
    assert on_create.value.message_dict == {"links": [REFUSED]}
    assert not InteractionLink.objects.exists()
    assert Interaction.objects.count() == 1


def test_linking_needs_to_see_and_change_the_interaction(world):
    note = _note(world)

    with pytest.raises(PermissionDenied):
        interaction_link_add(interaction=note, target=world["shop"], actor=world["reader"])
    with pytest.raises(Interaction.DoesNotExist):
        interaction_link_add(interaction=note, target=world["depot"], actor=world["other"])
    with pytest.raises(PermissionDenied):
        interaction_link_remove(interaction=note, target=world["shop"], actor=world["reader"])

    assert not InteractionLink.objects.exists()


def test_forgetting_a_record_drops_its_links_only(world):
    note = _note(world, links=[world["shop"], world["supplier"]])

    assert interaction_links_forget(record=world["shop"]) == 1
    assert _targets(note) == [("organisation", world["supplier"].pk)]


def test_repointing_links_after_a_merge_keeps_one_per_interaction_and_undoes_what_still_can(
    world,
):
    shop, supplier, depot = world["shop"], world["supplier"], world["depot"]
    both = _note(world, "Both", links=[shop, supplier])
    only_supplier = _note(world, "Supplier only", links=[supplier])
    gone = _note(world, "Deleted later", actor=None, links=[shop, depot])

    changes = interaction_links_repoint(
        model=Organisation, from_ids=[supplier.pk, depot.pk], to_id=shop.pk
    )

    assert _targets(both) == [("organisation", shop.pk)]
    assert _targets(only_supplier) == [("organisation", shop.pk)]
    assert _targets(gone) == [("organisation", shop.pk)]
    assert [row[1:3] for row in changes["dropped"]] == [
        [both.pk, supplier.pk],
        [gone.pk, depot.pk],
    ]
    gone.delete()

    interaction_links_restore(model=Organisation, to_id=shop.pk, changes=changes)

    assert _targets(both) == [("organisation", shop.pk), ("organisation", supplier.pk)]
    assert _targets(only_supplier) == [("organisation", supplier.pk)]
    assert not InteractionLink.objects.filter(interaction_id=gone.pk).exists()


# --- the timeline of a record --------------------------------------------------------------


def test_a_records_timeline_is_its_linked_interactions_newest_first_in_keyset_pages(world):
    shop = world["shop"]
    old = _note(world, "Old", hours_ago=3, links=[shop])
    new = _note(world, "New", hours_ago=1, links=[shop])
    middle = _note(world, "Middle", hours_ago=2, person="referrer", links=[shop, world["supplier"]])
    _note(world, "Not linked", hours_ago=0)
    _note(world, "About the shop itself", person=None, organisation=shop)

    entries = interactions_for_record(world["seller"], shop)
    first = keyset_page(entries, ordering=["-occurred_at", "-id"], size=2)
    rest = keyset_page(entries, ordering=["-occurred_at", "-id"], cursor=first.next_cursor, size=2)

    assert [e.pk for e in first.items] == [new.pk, middle.pk]
    assert [e.pk for e in rest.items] == [old.pk] and rest.next_cursor is None
    assert [e.pk for e in interactions_for_record(world["seller"], world["supplier"])] == [
        middle.pk
    ]


def test_links_never_widen_visibility(world):
    """An interaction about a hidden person stays hidden on a visible record's timeline."""
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "public_read"}
    )
    hidden = _note(world, "About Bisi", actor=None, person="bisi", links=[world["shop"]])
    visible = _note(world, "About Amaka", links=[world["shop"]])

    assert [e.pk for e in interactions_for_record(world["seller"], world["shop"])] == [visible.pk]
    assert [e.pk for e in interactions_for_record(world["other"], world["shop"])] == [hidden.pk]


def test_a_hidden_record_has_an_empty_timeline(world):
    _note(world, "About Amaka, linked to the depot", actor=None, links=[world["depot"]])

    assert list(interactions_for_record(world["seller"], world["depot"])) == []
    assert len(interactions_for_record(world["other"], world["depot"])) == 0  # Amaka is hidden


# --- the API -------------------------------------------------------------------------------


def _post(client, world, **fields):
    payload = {
        "channel": "phone",
        "kind": "call",
        "person_id": world["amaka"].pk,
        "subject": "Call",
    } | fields
    return call(client, "post", "/api/v1/interactions", payload)


def test_api_create_with_links_lists_them(world, api_client):
    client = api_client(world["seller"])
    links = [
        {"type": "organisation", "id": world["supplier"].pk},
        {"type": "person", "id": world["referrer"].pk},
    ]

    response = _post(client, world, links=links)

    assert response.status_code == 201, response.content
    assert response.json()["links"] == links
    fetched = client.get(f"/api/v1/interactions/{response.json()['id']}").json()
    assert fetched["links"] == links


@pytest.mark.parametrize(
    "link",
    [
        {"type": "ticket", "id": 1},
        {"type": "test-membership", "id": 1},
        {"type": "customers.organisation", "id": 1},
        {"type": "organisation", "id": 987_654},
        {"type": "organisation", "id": "depot"},
    ],
)
def test_api_refuses_an_unknown_type_and_a_missing_or_hidden_record_alike(world, api_client, link):
    if link["id"] == "depot":
        link = link | {"id": world["depot"].pk}
    elif link["id"] == 1 and link["type"] == "customers.organisation":
        link = link | {"id": world["shop"].pk}
    response = _post(
        api_client(world["seller"]),
        world,
        links=[{"type": "person", "id": world["referrer"].pk}, link],
    )

    body = assert_problem(response, 422, field="links.1")
    assert body["errors"] == [{"field": "links.1", "message": REFUSED}]
    assert not Interaction.objects.exists() and not InteractionLink.objects.exists()


def test_api_lists_only_the_links_the_viewer_may_see(world, api_client):
    note = _note(world, actor=None, links=[world["shop"], world["depot"], world["bisi"]])

    seller = api_client(world["seller"]).get(f"/api/v1/interactions/{note.pk}").json()
    listed = api_client(world["seller"]).get("/api/v1/interactions").json()["items"]

    assert seller["links"] == [{"type": "organisation", "id": world["shop"].pk}]
    assert listed[0]["links"] == seller["links"]


def test_api_filters_by_linked_record(world, api_client):
    shop = world["shop"]
    linked = _note(world, "Linked", links=[shop])
    _note(world, "Not linked")
    _note(world, "Hidden person", actor=None, person="bisi", links=[shop])
    _note(world, "Linked to the depot", actor=None, links=[world["depot"]])
    client = api_client(world["seller"])

    def get(query):
        return client.get(f"/api/v1/interactions?{query}")

    assert [
        i["id"] for i in get(f"linked_type=organisation&linked_id={shop.pk}").json()["items"]
    ] == [linked.pk]
    hidden = get(f"linked_type=organisation&linked_id={world['depot'].pk}")
    missing = get("linked_type=organisation&linked_id=987654")
    assert hidden.status_code == missing.status_code == 200
    assert (
        hidden.json()
        == missing.json()
        == {"items": [], "next_cursor": None, "previous_cursor": None}
    )
    assert_problem(get("linked_type=invoice&linked_id=1"), 422, field="linked_type")
    assert_problem(get("linked_type=test-membership&linked_id=1"), 422, field="linked_type")
    assert_problem(get("linked_type=organisation"), 422, field="linked_id")
    assert_problem(get(f"linked_id={shop.pk}"), 422, field="linked_type")


def test_api_list_with_links_costs_the_same_queries_for_two_or_twenty_five(
    world, api_client, django_assert_num_queries
):
    for index in range(25):
        _note(world, f"n{index}", links=[world["shop"], world["referrer"]])
    client = api_client(world["seller"])
    client.get("/api/v1/interactions?limit=1")

    # The page's five, the links, and per linked record type its policy and its visible ids.
    with django_assert_num_queries(10):
        small = client.get("/api/v1/interactions?limit=2")
    with django_assert_num_queries(10):
        large = client.get("/api/v1/interactions?limit=25")

    assert [len(item["links"]) for item in small.json()["items"]] == [2, 2]
    assert len(large.json()["items"]) == 25


def test_a_retry_returns_the_first_links(world, api_client):
    client = api_client(world["seller"])
    link = [{"type": "organisation", "id": world["shop"].pk}]
    first = _post(client, world, external_id="call-1", channel="phone", links=link)
    again = _post(client, world, external_id="call-1", channel="phone")

    assert again.status_code == 200
    assert again.json()["links"] == first.json()["links"] == link


def test_the_schema_documents_links(client):
    schema = client.get("/api/v1/openapi.json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/interactions"]["get"]["parameters"]}
    assert {"linked_type", "linked_id"} <= names
    components = schema["components"]["schemas"]
    assert {"InteractionLinkIn", "InteractionLinkOut"} <= set(components)
    assert "links" in components["InteractionIn"]["properties"]
    assert "links" in components["InteractionOut"]["required"]

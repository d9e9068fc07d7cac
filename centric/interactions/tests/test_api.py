"""The timeline over the REST API."""

from __future__ import annotations

import datetime as dt

import pytest

from centric.core.api.testing import assert_problem, call
from centric.core.models import VisibilityPolicy
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction
from centric.interactions.services import interaction_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    ada = make_user("ada", team=sales)
    person = make_person(actor=ada, first_name="Amaka")
    return {
        "ada": ada,
        "bola": make_user("bola", team=service),
        "reader": make_user("reader", role="Read only", team=sales),
        "nobody": make_user("nobody", role=None, team=sales),
        "person": person,
        "organisation": organisation_create(actor=ada, name="Shop"),
    }


def _note(world, **fields):
    defaults = {"channel": "other", "kind": "note", "person": world["person"], "summary": "Hello"}
    return interaction_create(actor=world["ada"], **(defaults | fields))


def test_create_and_get_an_interaction_with_sanitised_body(world, api_client):
    client = api_client(world["ada"])
    response = call(
        client,
        "post",
        "/api/v1/interactions",
        {
            "channel": "phone",
            "kind": "call",
            "direction": "outbound",
            "person_id": world["person"].pk,
            "subject": "Follow-up",
            "body": "<p>Called <script>alert(1)</script>back</p>",
            "duration_seconds": 120,
            "occurred_at": "2026-01-05T10:00:00",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "script" not in body["body"]
    assert body["actor_user_id"] == world["ada"].pk
    assert body["occurred_at"].startswith("2026-01-05T")
    fetched = client.get(f"/api/v1/interactions/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["subject"] == "Follow-up"


def test_a_repeated_external_id_returns_the_first(world, api_client):
    client = api_client(world["ada"])
    payload = {
        "channel": "whatsapp",
        "kind": "message",
        "person_id": world["person"].pk,
        "body": "hi",
        "external_id": "wamid.1",
    }
    first = call(client, "post", "/api/v1/interactions", payload)
    second = call(client, "post", "/api/v1/interactions", payload)
    assert first.json()["id"] == second.json()["id"]
    assert Interaction.objects.count() == 1


def test_list_filters_newest_first_and_pages(world, api_client):
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    older = _note(world, occurred_at=now - dt.timedelta(days=2))
    call_ = _note(world, channel="phone", kind="call", occurred_at=now - dt.timedelta(days=1))
    org_note = _note(world, person=None, organisation=world["organisation"], occurred_at=now)
    client = api_client(world["ada"])

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/interactions?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("") == [org_note.pk, call_.pk, older.pk]
    assert ids(f"person={world['person'].pk}") == [call_.pk, older.pk]
    assert ids(f"organisation={world['organisation'].pk}") == [org_note.pk]
    assert ids("channel=phone") == [call_.pk]
    assert ids("kind=note") == [org_note.pk, older.pk]
    first = client.get("/api/v1/interactions?limit=2").json()
    rest = client.get(f"/api/v1/interactions?limit=2&cursor={first['next_cursor']}").json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [org_note.pk, call_.pk, older.pk]
    assert_problem(client.get("/api/v1/interactions?channel=telegraph"), 422, field="channel")


def test_visibility_and_permissions(world, api_client):
    note = _note(world)
    bola = api_client(world["bola"])
    assert bola.get("/api/v1/interactions").json()["items"] == []
    assert_problem(bola.get(f"/api/v1/interactions/{note.pk}"), 404)
    assert_problem(
        call(
            bola,
            "post",
            "/api/v1/interactions",
            {"channel": "other", "kind": "note", "person_id": world["person"].pk, "body": "x"},
        ),
        422,
        field="person_id",
    )
    reader = api_client(world["reader"])
    assert reader.get(f"/api/v1/interactions/{note.pk}").status_code == 200
    assert_problem(
        call(
            reader,
            "post",
            "/api/v1/interactions",
            {"channel": "other", "kind": "note", "person_id": world["person"].pk, "body": "x"},
        ),
        403,
    )
    nobody = api_client(world["nobody"])
    assert_problem(nobody.get("/api/v1/interactions"), 403)
    assert_problem(nobody.get(f"/api/v1/interactions/{note.pk}"), 403)


def test_anonymous_is_401(world, client):
    assert_problem(client.get("/api/v1/interactions"), 401)
    assert_problem(client.get("/api/v1/interactions/1"), 401)
    assert_problem(call(client, "post", "/api/v1/interactions", {}), 401)


def test_bad_input_is_a_field_error(world, api_client):
    client = api_client(world["ada"])
    base = {"channel": "other", "kind": "note", "person_id": world["person"].pk}
    assert_problem(call(client, "post", "/api/v1/interactions", base), 422, field="body")
    assert_problem(
        call(client, "post", "/api/v1/interactions", base | {"body": "x", "subject": "s" * 256}),
        422,
        field="subject",
    )
    assert_problem(
        call(
            client,
            "post",
            "/api/v1/interactions",
            base | {"body": "x", "occurred_at": "0001-01-01T00:00:00+14:00"},
        ),
        422,
        field="occurred_at",
    )
    assert_problem(
        call(
            client,
            "post",
            "/api/v1/interactions",
            {"channel": "other", "kind": "note", "body": "x"},
        ),
        422,
        field="person",
    )


def test_timeline_list_query_count_is_fixed(world, api_client, django_assert_max_num_queries):
    for index in range(25):
        _note(world, summary=f"n{index}")
    client = api_client(world["ada"])
    client.get("/api/v1/interactions?limit=1")
    with django_assert_max_num_queries(8):
        small = client.get("/api/v1/interactions?limit=2")
    with django_assert_max_num_queries(8):
        large = client.get("/api/v1/interactions?limit=25")
    assert len(small.json()["items"]) == 2
    assert len(large.json()["items"]) == 25


def test_an_organisation_without_a_person_is_accepted_and_listed(world, api_client):
    client = api_client(world["ada"])
    response = call(
        client,
        "post",
        "/api/v1/interactions",
        {
            "channel": "in_person",
            "kind": "meeting",
            "organisation_id": world["organisation"].pk,
            "subject": "Quarterly review",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["organisation_id"], body["person_id"]) == (world["organisation"].pk, None)
    listed = client.get(f"/api/v1/interactions?organisation={world['organisation'].pk}").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_an_organisation_the_writer_may_not_see_is_a_field_error(world, api_client):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    response = call(
        api_client(world["bola"]),
        "post",
        "/api/v1/interactions",
        {
            "channel": "other",
            "kind": "note",
            "organisation_id": world["organisation"].pk,
            "body": "x",
        },
    )
    assert_problem(response, 422, field="organisation_id")
    assert not Interaction.objects.exists()


def test_include_members_lists_the_organisations_people_too(world, api_client):
    membership_set(person=world["person"], organisation=world["organisation"])
    stranger = make_person(actor=world["ada"], first_name="Stranger")
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    own = _note(world, person=None, organisation=world["organisation"], occurred_at=now)
    member = _note(world, occurred_at=now - dt.timedelta(days=1))
    _note(world, person=stranger, occurred_at=now - dt.timedelta(days=2))
    client = api_client(world["ada"])
    organisation = world["organisation"].pk

    with_members = client.get(
        f"/api/v1/interactions?organisation={organisation}&include_members=true"
    )
    alone = client.get(f"/api/v1/interactions?organisation={organisation}")

    assert [item["id"] for item in with_members.json()["items"]] == [own.pk, member.pk]
    assert [item["id"] for item in alone.json()["items"]] == [own.pk]
    assert_problem(
        client.get("/api/v1/interactions?include_members=true"), 422, field="include_members"
    )


def test_the_schema_documents_the_organisation_options(client):
    schema = client.get("/api/v1/openapi.json").json()
    listing = schema["paths"]["/api/v1/interactions"]["get"]["parameters"]
    names = {parameter["name"]: parameter for parameter in listing}
    assert {"organisation", "include_members"} <= set(names)
    assert "organisation" in names["include_members"]["description"]
    payload = schema["components"]["schemas"]["InteractionIn"]["properties"]
    assert "organisation" in payload["organisation_id"]["description"]

"""The customer record over the REST API: CRUD, visibility, permissions, concurrency, pages."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.core.models import AuditEvent
from centric.customers.models import ContactPoint, Membership, Organisation, Person
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person
from centric.extras.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    """Two teams; a front-office user in each, a manager, a read-only user, a user with no role."""
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "sales": sales,
        "service": service,
        "ada": make_user("ada", team=sales),
        "bola": make_user("bola", team=service),
        "manager": make_user("manager", role="Manager", team=sales),
        "reader": make_user("reader", role="Read only", team=sales),
        "nobody": make_user("nobody", role=None, team=sales),
    }


# --- People: CRUD ------------------------------------------------------------------------------


def test_create_get_patch_delete_a_person(world, api_client):
    client = api_client(world["manager"])
    created = call(
        client,
        "post",
        "/api/v1/people",
        {
            "first_name": "Chidi",
            "last_name": "Okeke",
            "lifecycle_stage": "lead",
            "tags": ["VIP"],
            "contact_points": [
                {"kind": "phone", "value": "0803 123 4567"},
                {"kind": "email", "value": "Chidi@Example.com"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["full_name"] == "Chidi Okeke"
    assert body["primary_phone"] == "+2348031234567"
    assert body["primary_email"] == "chidi@example.com"
    assert body["tags"] == ["VIP"]
    assert body["version"] == 1
    assert body["owner_id"] == world["manager"].pk
    person_id = body["id"]

    fetched = client.get(f"/api/v1/people/{person_id}")
    assert fetched.status_code == 200
    assert fetched["ETag"] == '"1"'
    assert {p["value_normalized"] for p in fetched.json()["contact_points"]} == {
        "+2348031234567",
        "chidi@example.com",
    }

    patched = call(
        client, "patch", f"/api/v1/people/{person_id}", {"last_name": "Okoye", "version": 1}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["last_name"] == "Okoye"
    assert patched.json()["version"] == 2
    assert Person.objects.get(pk=person_id).last_name == "Okoye"

    deleted = client.delete(f"/api/v1/people/{person_id}")
    assert deleted.status_code == 204
    assert not Person.objects.filter(pk=person_id).exists()
    assert_problem(client.get(f"/api/v1/people/{person_id}"), 404)


def test_create_reports_field_errors_from_services(world, api_client):
    client = api_client(world["ada"])
    response = call(
        client,
        "post",
        "/api/v1/people",
        {"first_name": "X", "contact_points": [{"kind": "email", "value": "not-an-email"}]},
    )
    assert_problem(response, 422, field="contact_points.0.value")
    assert not Person.objects.filter(first_name="X").exists()


def test_custom_field_value_of_the_wrong_type_is_a_field_error(world, api_client):
    from centric.extras.services import custom_field_create

    custom_field_create(record_type="person", key="visits", label="Visits", field_type="integer")
    client = api_client(world["ada"])
    response = call(
        client, "post", "/api/v1/people", {"first_name": "A", "custom_fields": {"visits": "many"}}
    )
    assert_problem(response, 422, field="custom_fields.visits")
    ok = call(
        client, "post", "/api/v1/people", {"first_name": "A", "custom_fields": {"visits": "3"}}
    )
    assert ok.status_code == 201
    assert ok.json()["custom_fields"] == {"visits": 3}


def test_oversize_and_wrong_typed_fields_are_422_not_500(world, api_client):
    client = api_client(world["ada"])
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "x" * 101}), 422, field="first_name"
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": ["list"]}), 422, field="first_name"
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "A", "date_of_birth": "yesterday"}),
        422,
        field="date_of_birth",
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "A", "owner_id": 10**30}),
        422,
        field="owner_id",
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "A", "owner_id": 999999}),
        422,
        field="owner",
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "A", "surprise": 1}),
        422,
        field="surprise",
    )
    assert_problem(call(client, "post", "/api/v1/people", {}), 422, field="first_name")
    assert Person.objects.count() == 0


def test_duplicate_external_id_is_a_field_error(world, api_client):
    client = api_client(world["ada"])
    assert (
        call(client, "post", "/api/v1/people", {"first_name": "A", "external_id": "E1"}).status_code
        == 201
    )
    assert_problem(
        call(client, "post", "/api/v1/people", {"first_name": "B", "external_id": "E1"}),
        422,
        field="external_id",
    )


def test_bad_ids_are_404_or_422_never_500(world, api_client):
    client = api_client(world["ada"])
    assert_problem(client.get("/api/v1/people/999999"), 404)
    assert_problem(client.get("/api/v1/people/abc"), 422)
    assert_problem(client.get(f"/api/v1/people/{10**30}"), 422)
    assert_problem(client.get("/api/v1/people/0"), 422)


# --- Optimistic concurrency ----------------------------------------------------------------------


def test_a_stale_version_is_a_409_and_nothing_is_overwritten(world, api_client):
    person = make_person(actor=world["ada"], first_name="Ngozi")
    first, second = api_client(world["ada"]), api_client(world["manager"])
    ok = call(
        first, "patch", f"/api/v1/people/{person.pk}", {"first_name": "Ngozi A.", "version": 1}
    )
    assert ok.status_code == 200
    stale = call(
        second, "patch", f"/api/v1/people/{person.pk}", {"first_name": "Other", "version": 1}
    )
    body = assert_problem(stale, 409)
    assert body["current_version"] == 2
    assert body["type"] == "urn:centric:problem:edit-conflict"
    assert Person.objects.get(pk=person.pk).first_name == "Ngozi A."


def test_if_match_header_carries_the_version(world, api_client):
    person = make_person(actor=world["ada"], first_name="Emeka")
    client = api_client(world["ada"])
    assert_problem(
        call(
            client, "patch", f"/api/v1/people/{person.pk}", {"first_name": "E"}, HTTP_IF_MATCH='"7"'
        ),
        409,
    )
    ok = call(
        client, "patch", f"/api/v1/people/{person.pk}", {"first_name": "E"}, HTTP_IF_MATCH='"1"'
    )
    assert ok.status_code == 200
    assert ok["ETag"] == '"2"'
    assert_problem(
        call(
            client,
            "patch",
            f"/api/v1/people/{person.pk}",
            {"first_name": "F"},
            HTTP_IF_MATCH="soon",
        ),
        422,
        field="If-Match",
    )


def test_organisation_patch_checks_the_version_too(world, api_client):
    organisation = organisation_create(actor=world["ada"], name="Shoprite")
    client = api_client(world["ada"])
    assert (
        call(
            client,
            "patch",
            f"/api/v1/organisations/{organisation.pk}",
            {"name": "Shoprite Lekki", "version": 1},
        ).status_code
        == 200
    )
    assert_problem(
        call(
            client, "patch", f"/api/v1/organisations/{organisation.pk}", {"name": "X", "version": 1}
        ),
        409,
    )


# --- Visibility and permissions matrix -----------------------------------------------------------


def _endpoints(person: Person, organisation: Organisation, point: ContactPoint):
    return _paths(person.pk, organisation.pk, point.pk, organisation.contact_points.get().pk)


def _paths(p: int, o: int, c: int, oc: int):
    return [
        ("get", "/api/v1/people", None),
        ("post", "/api/v1/people", {"first_name": "New"}),
        ("get", f"/api/v1/people/{p}", None),
        ("patch", f"/api/v1/people/{p}", {"middle_name": "M"}),
        ("get", f"/api/v1/people/{p}/contact-points", None),
        ("post", f"/api/v1/people/{p}/contact-points", {"kind": "phone", "value": "08031112222"}),
        ("patch", f"/api/v1/people/{p}/contact-points/{c}", {"label": "home"}),
        ("delete", f"/api/v1/people/{p}/contact-points/{c}", None),
        ("get", f"/api/v1/people/{p}/memberships", None),
        ("post", f"/api/v1/people/{p}/memberships", {"organisation_id": o}),
        ("get", f"/api/v1/people/{p}/consents", None),
        ("get", f"/api/v1/people/{p}/history", None),
        (
            "post",
            f"/api/v1/people/{p}/consents",
            {"purpose": "marketing_sms", "status": "granted"},
        ),
        ("get", "/api/v1/organisations", None),
        ("post", "/api/v1/organisations", {"name": "New Org"}),
        ("get", f"/api/v1/organisations/{o}", None),
        ("patch", f"/api/v1/organisations/{o}", {"industry": "Retail"}),
        ("get", f"/api/v1/organisations/{o}/contact-points", None),
        (
            "post",
            f"/api/v1/organisations/{o}/contact-points",
            {"kind": "website", "value": "shop.ng"},
        ),
        ("patch", f"/api/v1/organisations/{o}/contact-points/{oc}", {"label": "shop"}),
        ("delete", f"/api/v1/organisations/{o}/contact-points/{oc}", None),
        ("get", f"/api/v1/organisations/{o}/memberships", None),
        ("get", "/api/v1/search?q=amaka", None),
        ("delete", f"/api/v1/organisations/{o}", None),
        ("delete", f"/api/v1/people/{p}", None),
    ]


@pytest.fixture
def records(world):
    person = make_person(actor=world["ada"], first_name="Amaka", phone="08030000001")
    organisation = organisation_create(
        actor=world["ada"],
        name="Balogun Market Stores",
        contact_points=[{"kind": "website", "value": "balogun.ng"}],
    )
    return person, organisation, person.contact_points.get()


def test_anonymous_gets_401_problem_on_every_endpoint(records, client):
    for method, path, body in _endpoints(*records):
        response = call(client, method, path, body)
        assert_problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


COLLECTIONS = ("/api/v1/people", "/api/v1/organisations", "/api/v1/search?q=amaka")


def test_a_user_without_any_role_gets_403_on_collections_and_404_on_records(
    world, records, api_client
):
    """Without any permission a collection is a 403 (audited); a record is not found, like a
    missing id, as on the pages (decision 0045)."""
    client = api_client(world["nobody"])
    missing = _paths(987654, 987655, 987656, 987657)
    collections = 0
    for (method, path, body), (_m, missing_path, _b) in zip(_endpoints(*records), missing):
        response = call(client, method, path, body)
        if path in COLLECTIONS:
            assert_problem(response, 403)
            collections += 1
            continue
        assert_problem(response, 404)
        assert (
            response.json()["detail"] == call(client, method, missing_path, body).json()["detail"]
        )
    denials = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.PERMISSION_DENIED, actor=world["nobody"]
    )
    assert denials.count() == collections == 5
    assert denials.first().detail["via"] == "api"


def test_another_teams_user_gets_404_for_every_record_endpoint(world, records, api_client):
    """bola (Service) may use the API but may not see ada's (Sales) records: 404, like a missing id."""
    client = api_client(world["bola"])
    person, organisation, _point = records
    missing = _paths(987654, 987655, 987656, 987657)
    for (method, path, body), (_m, missing_path, _b) in zip(_endpoints(*records), missing):
        response = call(client, method, path, body)
        if path.startswith("/api/v1/search"):
            assert response.status_code == 200
            assert response.json()["people"] == []
            continue
        if path in ("/api/v1/people", "/api/v1/organisations"):
            assert response.status_code in (200, 201), (method, path, response.content)
            if method == "get":
                assert response.json()["items"] == [], path
            continue
        gone = call(client, method, missing_path, body)
        assert_problem(response, gone.status_code)
        # Also a delete, though Front office has no delete permission: the record comes first.
        assert response.status_code == 404, (method, path)
        assert response.json()["detail"] == gone.json()["detail"], path


def test_read_only_user_may_read_but_not_write(world, records, api_client):
    client = api_client(world["reader"])
    for method, path, body in _endpoints(*records):
        response = call(client, method, path, body)
        if method == "get":
            assert response.status_code == 200, (path, response.content)
        else:
            assert_problem(response, 403)


def test_owner_and_manager_may_use_every_endpoint(world, records, api_client):
    for user in ("ada", "manager"):
        person = make_person(actor=world["ada"], first_name=f"For {user}", phone="08030000002")
        organisation = organisation_create(
            actor=world["ada"],
            name=f"Org for {user}",
            contact_points=[{"kind": "email", "value": f"{user}@org.ng"}],
        )
        point = person.contact_points.get()
        client = api_client(world[user])
        for method, path, body in _endpoints(person, organisation, point):
            response = call(client, method, path, body)
            if method == "delete" and user == "ada":
                assert_problem(response, 403)  # front office may not delete
            else:
                assert response.status_code in (200, 201, 204), (
                    user,
                    method,
                    path,
                    response.content,
                )


def test_a_visible_record_that_may_not_be_changed_is_403(world, records, api_client):
    from centric.core.models import VisibilityPolicy

    VisibilityPolicy.objects.create(record_type="customers.person", level="public_read")
    person = records[0]
    client = api_client(world["bola"])
    assert client.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert_problem(call(client, "patch", f"/api/v1/people/{person.pk}", {"first_name": "Z"}), 403)
    assert Person.objects.get(pk=person.pk).first_name == "Amaka"


def test_another_users_token_sees_only_that_users_records(world, api_client):
    mine = make_person(actor=world["ada"], first_name="Mine")
    theirs = make_person(actor=world["bola"], first_name="Theirs")
    ada, bola = api_client(world["ada"]), api_client(world["bola"])
    assert [p["id"] for p in ada.get("/api/v1/people").json()["items"]] == [mine.pk]
    assert [p["id"] for p in bola.get("/api/v1/people").json()["items"]] == [theirs.pk]
    assert_problem(bola.get(f"/api/v1/people/{mine.pk}"), 404)


# --- Lists: filters, sorting, cursor pages, query counts ---------------------------------------


def test_pages_walk_the_whole_list_without_gaps(world, api_client):
    for index in range(7):
        make_person(actor=world["ada"], first_name=f"P{index}", last_name="Same")
    client = api_client(world["ada"])
    seen, cursor = [], None
    while True:
        url = "/api/v1/people?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).json()
        seen.extend(p["first_name"] for p in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"P{i}" for i in range(7)]
    second = client.get("/api/v1/people?limit=3").json()["next_cursor"]
    page2 = client.get(f"/api/v1/people?limit=3&cursor={second}").json()
    back = client.get(f"/api/v1/people?limit=3&cursor={page2['previous_cursor']}").json()
    assert [p["first_name"] for p in back["items"]] == ["P0", "P1", "P2"]


def test_filters_and_sort(world, api_client):
    from centric.extras.services import custom_field_create

    custom_field_create(record_type="person", key="tier", label="Tier")
    a = make_person(actor=world["ada"], first_name="Adaeze", last_name="Obi", phone="0803 123 4567")
    b = make_person(
        actor=world["ada"], first_name="Bisi", last_name="Adeyemi", lifecycle_stage="customer"
    )
    c = make_person(
        actor=world["ada"],
        first_name="Chuka",
        last_name="Eze",
        custom_fields={"tier": "gold"},
        tags=["VIP"],
    )
    shop = organisation_create(actor=world["ada"], name="Shop")
    Membership.objects.create(person=b, organisation=shop)
    client = api_client(world["ada"])

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/people?{query}")
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["items"]]

    assert ids("sort=name") == [b.pk, c.pk, a.pk]
    assert ids("sort=-name") == [a.pk, c.pk, b.pk]
    assert ids("q=%2B234%20803%20123%204567") == [a.pk]
    assert ids("q=ada") == [a.pk]
    assert ids("stage=customer") == [b.pk]
    assert ids("tag=vip") == [c.pk]
    assert ids("cf.tier=gold") == [c.pk]
    assert ids(f"organisation={shop.pk}") == [b.pk]
    assert ids("owner=me") == [b.pk, c.pk, a.pk]
    assert ids("owner=none") == []
    assert ids("created_after=2000-01-01&created_before=2199-01-01") == [b.pk, c.pk, a.pk]
    assert_problem(client.get("/api/v1/people?sort=shoe-size"), 422, field="sort")
    assert_problem(client.get("/api/v1/people?created_after=soon"), 422, field="created_after")
    assert_problem(client.get("/api/v1/people?limit=201"), 422, field="limit")
    assert_problem(client.get("/api/v1/people?cursor=garbage"), 422, field="cursor")
    assert_problem(client.get("/api/v1/people?cf.bad%20key=1"), 422, field="cf.bad key")
    assert_problem(client.get("/api/v1/people?q=a%00b"), 400)


def test_forged_cursors_are_422(world, api_client):
    import base64
    import json

    make_person(actor=world["ada"], first_name="A")
    client = api_client(world["ada"])
    huge = base64.urlsafe_b64encode(json.dumps({"v": ["x", "y", 10**30], "d": "next"}).encode())
    assert client.get(f"/api/v1/people?cursor={huge.decode().rstrip('=')}").status_code == 200
    for values in (["x", "y", "not-an-id"], [{"dt": "nope"}, "y", 1], ["a\x00", "b", 1], [1]):
        raw = json.dumps({"v": values, "d": "next"}).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        response = client.get(f"/api/v1/people?cursor={cursor}")
        assert response.status_code == 422, (values, response.content)
        assert_problem(response, 422, field="cursor")


def test_list_query_count_does_not_grow_with_page_size(
    world, api_client, django_assert_max_num_queries
):
    from centric.extras.models import Tag

    vip = Tag.objects.create(name="VIP")
    for index in range(30):
        person = make_person(
            actor=world["ada"], first_name=f"P{index}", phone=f"0803000{index:04d}"
        )
        person.tags.add(vip)
        organisation_create(
            actor=world["ada"],
            name=f"O{index}",
            contact_points=[{"kind": "email", "value": f"o{index}@x.ng"}],
        )
    client = api_client(world["ada"])
    client.get("/api/v1/people?limit=1")  # warm the token's last-used stamp
    for path in ("/api/v1/people", "/api/v1/organisations"):
        with django_assert_max_num_queries(9):
            small = client.get(f"{path}?limit=2")
        with django_assert_max_num_queries(9):
            large = client.get(f"{path}?limit=30")
        assert len(small.json()["items"]) == 2
        assert len(large.json()["items"]) == 30


def test_get_person_is_a_handful_of_queries(world, api_client, django_assert_max_num_queries):
    person = make_person(actor=world["ada"], first_name="A", phone="08031234567", email="a@x.ng")
    organisation = organisation_create(actor=world["ada"], name="Org")
    Membership.objects.create(person=person, organisation=organisation)
    person.tags.add(Tag.objects.create(name="VIP"))
    client = api_client(world["ada"])
    client.get(f"/api/v1/people/{person.pk}")
    # token, permissions, visibility policy, teams, person, tags, contact points
    with django_assert_max_num_queries(7):
        response = client.get(f"/api/v1/people/{person.pk}")
    assert response.json()["tags"] == ["VIP"]
    assert len(response.json()["contact_points"]) == 2


# --- Contact points, memberships, consent ---------------------------------------------------------


def test_contact_points_add_update_remove(world, records, api_client):
    person, _organisation, point = records
    client = api_client(world["manager"])
    added = call(
        client,
        "post",
        f"/api/v1/people/{person.pk}/contact-points",
        {"kind": "email", "value": "AMAKA@shop.ng", "is_primary": True},
    )
    assert added.status_code == 201, added.content
    assert added.json()["value_normalized"] == "amaka@shop.ng"
    assert Person.objects.get(pk=person.pk).primary_email == "amaka@shop.ng"
    updated = call(
        client,
        "patch",
        f"/api/v1/people/{person.pk}/contact-points/{point.pk}",
        {"value": "+234 803 000 0009"},
    )
    assert updated.json()["value_normalized"] == "+2348030000009"
    assert_problem(
        call(
            client,
            "patch",
            f"/api/v1/people/{person.pk}/contact-points/{point.pk}",
            {"value": "not a phone"},
        ),
        422,
        field="value",
    )
    other = make_person(actor=world["ada"], first_name="Other", phone="08030000003")
    assert_problem(client.delete(f"/api/v1/people/{other.pk}/contact-points/{point.pk}"), 404)
    assert client.delete(f"/api/v1/people/{person.pk}/contact-points/{point.pk}").status_code == 204
    assert [p["kind"] for p in client.get(f"/api/v1/people/{person.pk}/contact-points").json()] == [
        "email"
    ]


def test_memberships_and_consent(world, records, api_client):
    person, organisation, _point = records
    client = api_client(world["ada"])
    joined = call(
        client,
        "post",
        f"/api/v1/people/{person.pk}/memberships",
        {"organisation_id": organisation.pk, "role": "Buyer", "is_primary": True},
    )
    assert joined.status_code == 201, joined.content
    assert joined.json()["organisation_name"] == "Balogun Market Stores"
    assert [
        m["person_id"]
        for m in client.get(f"/api/v1/organisations/{organisation.pk}/memberships").json()
    ] == [person.pk]
    hidden = organisation_create(actor=world["bola"], name="Hidden")
    assert_problem(
        call(
            client,
            "post",
            f"/api/v1/people/{person.pk}/memberships",
            {"organisation_id": hidden.pk},
        ),
        422,
        field="organisation_id",
    )
    consent = call(
        client,
        "post",
        f"/api/v1/people/{person.pk}/consents",
        {
            "purpose": "marketing_sms",
            "status": "granted",
            "ip_address": "102.89.1.1",
            "text_shown": "Yes, text me",
        },
    )
    assert consent.status_code == 201, consent.content
    assert consent.json()["method"] == "api"
    assert_problem(
        call(
            client,
            "post",
            f"/api/v1/people/{person.pk}/consents",
            {"purpose": "telepathy", "status": "granted"},
        ),
        422,
        field="purpose",
    )
    listed = client.get(f"/api/v1/people/{person.pk}/consents").json()
    assert [(c["purpose"], c["status"]) for c in listed] == [("marketing_sms", "granted")]


def test_lifecycle_stages_are_listed(world, api_client):
    stages = api_client(world["reader"]).get("/api/v1/lifecycle-stages").json()
    assert [s["key"] for s in stages][:2] == ["subscriber", "lead"]


def test_field_history_says_who_changed_what(world, api_client):
    person = make_person(actor=world["ada"], first_name="Kemi")
    client = api_client(world["ada"])
    call(client, "patch", f"/api/v1/people/{person.pk}", {"first_name": "Kemisola"})
    history = client.get(f"/api/v1/people/{person.pk}/history")
    assert history.status_code == 200, history.content
    latest = history.json()[0]
    assert latest["who_id"] == world["ada"].pk
    assert {"field": "first name", "old": "Kemi", "new": "Kemisola"} in latest["changes"]
    assert_problem(api_client(world["bola"]).get(f"/api/v1/people/{person.pk}/history"), 404)


def test_detail_and_list_show_the_same_tags_and_contact_points(world, api_client):
    person = make_person(
        actor=world["ada"], first_name="Ify", phone="08031234567", email="ify@x.ng", tags=["b", "A"]
    )
    call(
        api_client(world["ada"]),
        "post",
        f"/api/v1/people/{person.pk}/contact-points",
        {"kind": "phone", "value": "08039999999", "is_primary": True},
    )
    organisation = organisation_create(
        actor=world["ada"],
        name="Ify Stores",
        tags=["Retail"],
        contact_points=[{"kind": "website", "value": "ify.ng"}],
    )
    client = api_client(world["ada"])
    for detail, listing in (
        (f"/api/v1/people/{person.pk}", "/api/v1/people"),
        (f"/api/v1/organisations/{organisation.pk}", "/api/v1/organisations"),
    ):
        one = client.get(detail).json()
        [listed] = [item for item in client.get(listing).json()["items"] if item["id"] == one["id"]]
        assert one == listed
    one = client.get(f"/api/v1/people/{person.pk}").json()
    assert one["tags"] == ["A", "b"]
    assert [(p["kind"], p["is_primary"]) for p in one["contact_points"]] == [
        ("email", True),
        ("phone", True),
        ("phone", False),
    ]


def test_search_finds_by_any_phone_spelling_and_respects_visibility(world, api_client):
    mine = make_person(actor=world["ada"], first_name="Zainab", phone="0803 123 4567")
    make_person(actor=world["bola"], first_name="Zainab", last_name="Hidden")
    client = api_client(world["ada"])
    for query in ("234-803-123-4567", "+2348031234567", "zain"):
        body = client.get("/api/v1/search", {"q": query}).json()
        assert [p["id"] for p in body["people"]] == [mine.pk], query
    assert client.get("/api/v1/search", {"q": "234-803-123-4567"}).json()["matched_by"] == "phone"
    assert_problem(client.get("/api/v1/search"), 422, field="q")
    assert_problem(api_client(world["nobody"]).get("/api/v1/search", {"q": "zain"}), 403)

"""The record kit's API router factory, proven on the test app's voucher (kit_app): one
`api=RecordApi(...)` in its registration gives CRUD, visibility, permissions, optimistic
concurrency, idempotent creates, tags, custom fields, filters, cursor pages and a clean OpenAPI
document."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.openapi.schema import OpenAPISchema

from centric.core.api.testing import assert_problem, call
from centric.core.models import AuditEvent
from centric.core.tests.kit_app.models import Voucher
from centric.core.tests.kit_app.testing import make_voucher
from centric.extras.services import custom_field_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/vouchers"


@pytest.fixture
def world(make_user, make_team):
    """Two teams: in Sales a front-office user, a manager and a read-only user; in Service one
    front-office user."""
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "sales": sales,
        "service": service,
        "ada": make_user("ada", team=sales),
        "bola": make_user("bola", team=service),
        "manager": make_user("manager", role="Manager", team=sales),
        "reader": make_user("reader", role="Read only", team=sales),
    }


def _voucher_state(voucher: Voucher) -> tuple[Any, ...]:
    voucher.refresh_from_db()
    return (voucher.code, voucher.title, voucher.value, voucher.version)


# --- CRUD --------------------------------------------------------------------------------------


def test_create_get_patch_history_delete_round_trip(world, api_client):
    client = api_client(world["manager"])
    created = call(
        client,
        "post",
        URL,
        {
            "code": " gift-0001 ",
            "title": "Birthday",
            "value": "2500.50",
            "expires_on": "2030-01-31",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == "GIFT-0001"  # the service's rule, not the API's
    assert body["value"] == "2500.50"
    assert body["currency"] == "NGN"
    assert body["expires_on"] == "2030-01-31"
    assert body["owner_id"] == world["manager"].pk
    assert body["team_id"] == world["sales"].pk
    assert body["version"] == 1
    assert body["tags"] == []
    assert body["custom_fields"] == {}
    voucher_id = body["id"]

    fetched = client.get(f"{URL}/{voucher_id}")
    assert fetched.status_code == 200
    assert fetched.json() == body
    assert fetched["ETag"] == '"1"'

    patched = call(
        client, "patch", f"{URL}/{voucher_id}", {"title": "Wedding"}, HTTP_IF_MATCH='"1"'
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["title"] == "Wedding"
    assert patched.json()["version"] == 2
    assert patched["ETag"] == '"2"'

    history = client.get(f"{URL}/{voucher_id}/history")
    assert history.status_code == 200
    entries = history.json()
    assert [entry["action"] for entry in entries] == ["changed", "created"]
    assert entries[0]["who_id"] == world["manager"].pk
    assert entries[0]["changes"] == [{"field": "title", "old": "Birthday", "new": "Wedding"}]

    deleted = client.delete(f"{URL}/{voucher_id}")
    assert deleted.status_code == 204
    assert not Voucher.objects.filter(pk=voucher_id).exists()
    assert_problem(client.get(f"{URL}/{voucher_id}"), 404)


def test_create_refuses_bad_input_with_field_problems(world, api_client):
    client = api_client(world["ada"])
    missing = call(client, "post", URL, {"title": "No code", "value": "1"})
    assert_problem(missing, 422, field="code")
    negative = call(client, "post", URL, {"code": "A", "title": "T", "value": "-1"})
    assert_problem(negative, 422, field="value")
    unknown = call(client, "post", URL, {"code": "A", "title": "T", "value": "1", "colour": "x"})
    assert_problem(unknown, 422, field="colour")
    nobody = call(
        client, "post", URL, {"code": "A", "title": "T", "value": "1", "owner_id": 999999}
    )
    assert_problem(nobody, 422, field="owner_id")
    make_voucher(owner=world["bola"], code="TAKEN")  # another team's: the answer names no record
    taken = call(client, "post", URL, {"code": "taken", "title": "T", "value": "1"})
    assert_problem(taken, 422, field="code")
    assert Voucher.objects.count() == 1


def test_read_only_user_may_not_create(world, api_client):
    response = call(
        api_client(world["reader"]), "post", URL, {"code": "A", "title": "T", "value": "1"}
    )
    assert_problem(response, 403)
    assert not Voucher.objects.exists()


# --- visibility and permissions ----------------------------------------------------------------


def test_another_teams_voucher_is_not_found_on_get_patch_delete_and_history(world, api_client):
    voucher = make_voucher(owner=world["bola"])
    before = _voucher_state(voucher)
    client = api_client(world["manager"])  # may delete, but not in Service
    for method, suffix, body in (
        ("get", "", None),
        ("get", "/history", None),
        ("patch", "", {"title": "Mine now"}),
        ("delete", "", None),
    ):
        body_404 = assert_problem(call(client, method, f"{URL}/{voucher.pk}{suffix}", body), 404)
        missing = assert_problem(call(client, method, f"{URL}/999999{suffix}", body), 404)
        assert {k: v for k, v in body_404.items() if k != "instance"} == {
            k: v for k, v in missing.items() if k != "instance"
        }
    assert _voucher_state(voucher) == before
    listed = client.get(URL).json()["items"]
    assert listed == []


def test_read_only_user_sees_but_may_not_change(world, api_client):
    voucher = make_voucher(owner=world["ada"])
    before = _voucher_state(voucher)
    client = api_client(world["reader"])
    assert client.get(f"{URL}/{voucher.pk}").status_code == 200
    assert_problem(call(client, "patch", f"{URL}/{voucher.pk}", {"title": "Changed"}), 403)
    assert_problem(client.delete(f"{URL}/{voucher.pk}"), 403)
    assert _voucher_state(voucher) == before
    assert (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.PERMISSION_DENIED, actor=world["reader"]
        ).count()
        == 2
    )


def test_front_office_may_not_delete_and_nothing_is_deleted(world, api_client):
    own = make_voucher(owner=world["ada"])
    hidden = make_voucher(owner=world["bola"])
    client = api_client(world["ada"])
    assert_problem(client.delete(f"{URL}/{own.pk}"), 403)
    assert_problem(client.delete(f"{URL}/{hidden.pk}"), 404)  # not seen: not even a 403
    assert Voucher.objects.filter(pk__in=[own.pk, hidden.pk]).count() == 2


def test_a_manager_deletes_a_voucher_of_the_team(world, api_client):
    voucher = make_voucher(owner=world["ada"])
    response = api_client(world["manager"]).delete(f"{URL}/{voucher.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Voucher.objects.filter(pk=voucher.pk).exists()


# --- optimistic concurrency --------------------------------------------------------------------


def test_a_stale_if_match_is_a_409_and_changes_nothing(world, api_client):
    voucher = make_voucher(owner=world["ada"])
    client = api_client(world["ada"])
    assert call(client, "patch", f"{URL}/{voucher.pk}", {"title": "First"}).status_code == 200
    before = _voucher_state(voucher)
    stale = call(client, "patch", f"{URL}/{voucher.pk}", {"title": "Second"}, HTTP_IF_MATCH='"1"')
    body = assert_problem(stale, 409)
    assert body["current_version"] == 2
    assert body["your_version"] == 1
    stale_body = call(client, "patch", f"{URL}/{voucher.pk}", {"title": "Second", "version": 1})
    assert assert_problem(stale_body, 409)["current_version"] == 2
    assert _voucher_state(voucher) == before
    assert before[1:] == ("First", Decimal("5000.00"), 2)
    bad = call(client, "patch", f"{URL}/{voucher.pk}", {"title": "Third"}, HTTP_IF_MATCH="soon")
    assert_problem(bad, 422, field="If-Match")
    fresh = call(client, "patch", f"{URL}/{voucher.pk}", {"title": "Third"}, HTTP_IF_MATCH='W/"2"')
    assert fresh.status_code == 200
    assert fresh.json()["version"] == 3


# --- idempotency -------------------------------------------------------------------------------


def test_an_idempotency_key_replays_the_first_response_and_creates_once(world, api_client):
    client = api_client(world["ada"])
    payload = {"code": "ONCE", "title": "Retried", "value": "10"}
    first = call(client, "post", URL, payload, HTTP_IDEMPOTENCY_KEY="key-1")
    again = call(client, "post", URL, payload, HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Voucher.objects.filter(code="ONCE").count() == 1
    other = call(client, "post", URL, {**payload, "title": "Else"}, HTTP_IDEMPOTENCY_KEY="key-1")
    assert_problem(other, 422, field="Idempotency-Key")
    assert Voucher.objects.count() == 1


# --- tags and custom fields --------------------------------------------------------------------


@pytest.fixture
def size_field(db):
    return custom_field_create(
        record_type="voucher", key="size", label="Size", field_type="integer"
    )


def test_tags_and_custom_fields_in_and_out(world, api_client, size_field):
    client = api_client(world["ada"])
    created = call(
        client,
        "post",
        URL,
        {
            "code": "CF",
            "title": "Sized",
            "value": "1",
            "tags": ["VIP", "Wholesale"],
            "custom_fields": {"size": "12"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["VIP", "Wholesale"]
    assert body["custom_fields"] == {"size": 12}
    voucher_id = body["id"]

    patched = call(
        client, "patch", f"{URL}/{voucher_id}", {"tags": ["VIP"], "custom_fields": {"size": 14}}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["tags"] == ["VIP"]
    assert patched.json()["custom_fields"] == {"size": 14}
    assert client.get(f"{URL}/{voucher_id}").json()["tags"] == ["VIP"]

    bad = call(client, "patch", f"{URL}/{voucher_id}", {"custom_fields": {"size": "big"}})
    assert_problem(bad, 422, field="custom_fields.size")
    unknown = call(client, "patch", f"{URL}/{voucher_id}", {"custom_fields": {"colour": "red"}})
    assert_problem(unknown, 422, field="custom_fields.colour")
    voucher = Voucher.objects.get(pk=voucher_id)
    assert voucher.custom_fields == {"size": 14}
    assert voucher.version == 2


def test_list_filters_by_tag_and_custom_field_with_equality_only(world, api_client, size_field):
    ada = world["ada"]
    small = make_voucher(owner=ada, custom_fields={"size": 12}, tags=["VIP"])
    make_voucher(owner=ada, custom_fields={"size": 14})
    client = api_client(ada)

    def ids(query: str) -> list[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids("tag=vip") == [small.pk]
    assert ids("tag=VIP") == [small.pk]
    assert ids("cf.size=12") == [small.pk]
    assert ids("cf.size=12.0") == [small.pk]
    assert_problem(client.get(f"{URL}?cf.size=big"), 422, field="cf.size")
    assert_problem(client.get(f"{URL}?cf.colour=red"), 422, field="cf.colour")
    # ORM lookups are never parsed out of the key (no `__regex` on every row).
    assert_problem(client.get(f"{URL}?cf.size__regex=.*"), 422, field="cf.size__regex")
    assert_problem(client.get(f"{URL}?cf.size__gt=1"), 422, field="cf.size__gt")


def test_a_custom_field_key_with_double_underscores_is_one_json_key(world, api_client):
    custom_field_create(record_type="voucher", key="a__regex", label="Odd", field_type="text")
    ada = world["ada"]
    match = make_voucher(owner=ada, custom_fields={"a__regex": "x"})
    make_voucher(owner=ada, custom_fields={"a__regex": "xx"})
    response = api_client(ada).get(f"{URL}?cf.a__regex=x")
    assert response.status_code == 200, response.content
    assert [item["id"] for item in response.json()["items"]] == [match.pk]


# --- lists -------------------------------------------------------------------------------------


def test_list_filters_by_owner_text_and_field(world, api_client):
    ada, manager = world["ada"], world["manager"]
    mine = make_voucher(owner=ada, title="Ramadan hamper", currency="USD")
    theirs = make_voucher(owner=manager, title="Easter")
    unowned = make_voucher(owner=ada, title="Nobody's")
    Voucher.objects.filter(pk=unowned.pk).update(owner=None)
    client = api_client(ada)

    def ids(query: str) -> set[int]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids("") == {mine.pk, theirs.pk, unowned.pk}
    assert ids("owner=me") == {mine.pk}
    assert ids("owner=none") == {unowned.pk}
    assert ids("owner=MANAGER") == {theirs.pk}
    assert ids(f"owner={manager.pk}") == {theirs.pk}
    assert ids("owner=ghost") == set()
    assert ids("q=hamper") == {mine.pk}
    assert ids(f"q={mine.code.lower()}") == {mine.pk}
    assert ids("currency=USD") == {mine.pk}
    assert ids(f"team={world['sales'].pk}") == {mine.pk, theirs.pk, unowned.pk}
    assert_problem(client.get(f"{URL}?sort=value"), 422, field="sort")
    assert_problem(client.get(f"{URL}?limit=201"), 422, field="limit")
    assert_problem(client.get(f"{URL}?owner=a%20b"), 422, field="owner")


def test_cursor_pages_walk_every_visible_voucher_once(world, api_client):
    ada = world["ada"]
    made = [make_voucher(owner=ada) for _ in range(5)]
    make_voucher(owner=world["bola"])  # another team's: never listed
    client = api_client(ada)
    seen: list[int] = []
    page = client.get(f"{URL}?limit=2&sort=code").json()
    while True:
        seen += [item["id"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        page = client.get(f"{URL}?limit=2&sort=code&cursor={page['next_cursor']}").json()
    assert seen == [voucher.pk for voucher in sorted(made, key=lambda v: v.code)]
    back = client.get(f"{URL}?limit=2&sort=code&cursor={page['previous_cursor']}").json()
    assert [item["id"] for item in back["items"]] == seen[2:4]
    assert_problem(client.get(f"{URL}?cursor=not-a-cursor"), 422, field="cursor")


def test_the_list_query_count_does_not_grow_with_the_page(world, api_client):
    ada = world["ada"]
    client = api_client(ada)
    client.get(URL)  # the token's first use writes its "last used" stamp

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?limit=50")
        assert response.status_code == 200
        return len(queries)

    for number in range(2):
        make_voucher(owner=ada, tags=[f"tag {number}"])
    two = count_queries()
    for number in range(4):
        make_voucher(owner=ada, tags=[f"more {number}", "shared"])
    six = count_queries()
    assert len(client.get(URL).json()["items"]) == 6
    assert six == two


# --- the OpenAPI document ----------------------------------------------------------------------


class _RecordingSchema(OpenAPISchema):
    """ninja's generator, noting every definition it files under a name (it keeps the last one
    silently: two different schemas with one name is what breaks generated clients)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.seen: dict[str, list[Any]] = defaultdict(list)
        super().__init__(*args, **kwargs)

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if definition not in self.seen[name]:
                self.seen[name].append(definition)
        super().add_schema_definitions(definitions)


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node)) if node else set()
    return set()


def test_the_openapi_document_has_the_voucher_api_with_unique_names(client):
    from centric.api import api

    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    operations = {
        (template, method): operation
        for template, methods in paths.items()
        for method, operation in methods.items()
    }
    assert {
        key: operations[key]["operationId"]
        for key in operations
        if key[0].startswith("/api/v1/vouchers")
    } == {
        ("/api/v1/vouchers", "get"): "list_vouchers",
        ("/api/v1/vouchers", "post"): "create_voucher",
        ("/api/v1/vouchers/{voucher_id}", "get"): "get_voucher",
        ("/api/v1/vouchers/{voucher_id}", "patch"): "update_voucher",
        ("/api/v1/vouchers/{voucher_id}", "delete"): "delete_voucher",
        ("/api/v1/vouchers/{voucher_id}/history", "get"): "get_voucher_history",
    }
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))

    create = operations[("/api/v1/vouchers", "post")]
    assert "Idempotency-Key" in [p["name"] for p in create["parameters"]]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/VoucherIn"
    }
    assert set(create["responses"]) >= {"201", "401", "403", "409", "422"}
    update = operations[("/api/v1/vouchers/{voucher_id}", "patch")]
    assert "If-Match" in [p["name"] for p in update["parameters"]]
    assert "409" in update["responses"]
    listing = operations[("/api/v1/vouchers", "get")]
    assert {"cursor", "limit", "sort", "owner", "q", "tag", "team", "currency"} <= {
        p["name"] for p in listing["parameters"]
    }

    schemas = document["components"]["schemas"]
    voucher_names = {"VoucherOut", "VoucherIn", "VoucherPatch", "VoucherPage"}
    assert voucher_names <= set(schemas)
    assert schemas["VoucherIn"]["properties"]["code"]["maxLength"] == 30
    assert schemas["VoucherIn"]["required"] == ["code", "title", "value"]
    # Every reference resolves.
    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, ref

    # What a standard generator sees: no name used by the voucher API stands for two schemas.
    recording = _RecordingSchema(api, "")
    used: set[str] = set()
    pending = [op for key, op in operations.items() if key[0].startswith("/api/v1/vouchers")]
    while pending:
        for ref in _refs(pending.pop()):
            name = ref.rsplit("/", 1)[1]
            if name not in used:
                used.add(name)
                pending.append(schemas[name])
    assert used >= voucher_names | {"RecordHistoryEntry", "RecordHistoryChange", "Problem"}
    clashing = {name for name, definitions in recording.seen.items() if len(definitions) > 1}
    assert not clashing & (used | voucher_names), clashing


def test_values_keep_their_decimal_places(world, api_client):
    voucher = make_voucher(owner=world["ada"], value=Decimal("12.50"))
    assert api_client(world["ada"]).get(f"{URL}/{voucher.pk}").json()["value"] == "12.50"


# --- registration ------------------------------------------------------------------------------


def test_a_record_api_is_mounted_at_its_api_path_and_needs_one():
    from centric.core.records import RECORD_ROUTER, Registry, registry

    mounts = {mount.prefix: mount for mount in registry.api_mounts()}
    assert mounts["/vouchers"].router == RECORD_ROUTER
    assert mounts["/vouchers"].record == "kit_app.voucher"
    voucher = registry.get("voucher")

    pathless = Registry()
    pathless._discovered = True  # only what this test registers
    pathless.register_record(Voucher, key="voucher", visibility=voucher.visibility, api=voucher.api)
    with pytest.raises(ValueError, match="without an api_path"):
        pathless.api_mounts()

    clash = Registry()
    clash._discovered = True
    clash.register_api("/vouchers", "centric.extras.api.tags_router")
    clash.register_record(
        Voucher, key="voucher", visibility=voucher.visibility, api=voucher.api, api_path="/vouchers"
    )
    with pytest.raises(ValueError, match="is taken"):
        clash.api_mounts()

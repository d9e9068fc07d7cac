"""Tags and custom field definitions over the REST API."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.extras.models import CustomFieldDefinition, Tag

pytestmark = pytest.mark.django_db


def test_tags_list_and_create(make_user, api_client):
    seller = make_user("ada")
    client = api_client(seller)
    created = call(client, "post", "/api/v1/tags", {"name": "Wholesale"})
    assert created.status_code == 201, created.content
    assert created.json()["slug"] == "wholesale"
    again = call(client, "post", "/api/v1/tags", {"name": "wholesale"})
    assert again.json()["id"] == created.json()["id"]
    assert Tag.objects.count() == 1
    Tag.objects.create(name="Alpha")
    names = [t["name"] for t in client.get("/api/v1/tags").json()["items"]]
    assert names == ["Alpha", "Wholesale"]
    assert_problem(call(client, "post", "/api/v1/tags", {"name": "x" * 61}), 422, field="name")


def test_only_holders_of_add_tag_create_tags(make_user, api_client, client):
    reader = api_client(make_user("reader", role="Read only"))
    assert reader.get("/api/v1/tags").status_code == 200
    assert_problem(call(reader, "post", "/api/v1/tags", {"name": "VIP"}), 403)
    assert_problem(client.get("/api/v1/tags"), 401)
    assert_problem(call(client, "post", "/api/v1/tags", {"name": "VIP"}), 401)
    assert not Tag.objects.exists()


def test_custom_fields_list_for_everyone_create_for_administrators(make_user, api_client, client):
    admin = api_client(make_user("boss", role="Administrator"))
    seller = api_client(make_user("ada"))
    payload = {
        "record_type": "person",
        "key": "loyalty_tier",
        "label": "Loyalty tier",
        "field_type": "choice",
        "choices": ["bronze", "gold"],
    }
    assert_problem(call(seller, "post", "/api/v1/custom-fields", payload), 403)
    created = call(admin, "post", "/api/v1/custom-fields", payload)
    assert created.status_code == 201, created.content
    assert_problem(call(admin, "post", "/api/v1/custom-fields", payload), 422)
    assert CustomFieldDefinition.objects.count() == 1
    listed = seller.get("/api/v1/custom-fields?record_type=person").json()
    assert [f["key"] for f in listed] == ["loyalty_tier"]
    assert seller.get("/api/v1/custom-fields?record_type=organisation").json() == []
    assert_problem(seller.get("/api/v1/custom-fields?record_type=planet"), 422, field="record_type")
    assert_problem(client.get("/api/v1/custom-fields"), 401)
    bad_key = call(admin, "post", "/api/v1/custom-fields", payload | {"key": "no spaces"})
    assert_problem(bad_key, 422, field="key")

"""The tag picker's look-up (/settings/tags/lookup/) and its API twin (GET /api/v1/tags?q=)."""

from __future__ import annotations

import pytest
from django.test import Client

from centric.core.models import AuditEvent
from centric.extras.models import Tag
from centric.extras.services import tag_create, tag_rename

pytestmark = pytest.mark.django_db

URL = "/settings/tags/lookup/"


@pytest.fixture
def tags(db):
    return {
        name: tag_create(name=name) for name in ("Café regulars", "VIP", "Wholesale", "Lagos VIP")
    }


def _values(response) -> list[str]:
    return [row["value"] for row in response.json()["results"]]


def test_anonymous_is_sent_to_sign_in(tags):
    response = Client().get(URL, {"q": "vi"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_without_permission_is_refused_and_audited(tags, make_user, logged_in_client):
    nobody = make_user("nobody", role=None)
    response = logged_in_client(nobody).get(URL, {"q": "vi"})
    assert response.status_code == 403
    assert b"VIP" not in response.content
    assert AuditEvent.objects.filter(kind="permission_denied", actor=nobody).exists()


@pytest.mark.parametrize("role", ["Front office", "Read only", "Manager", "Administrator"])
def test_anyone_who_works_the_customer_lists_may_look_tags_up(
    role, tags, make_user, logged_in_client
):
    response = logged_in_client(make_user("looker", role=role)).get(URL, {"q": "whole"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.json() == {
        "results": [{"value": "Wholesale", "label": "Wholesale", "detail": ""}]
    }


def test_matches_word_prefixes_ignoring_case_and_accents(tags, make_user, logged_in_client):
    client = logged_in_client(make_user("looker"))
    assert _values(client.get(URL, {"q": "cafe"})) == ["Café regulars"]
    assert _values(client.get(URL, {"q": "REG"})) == ["Café regulars"]
    assert _values(client.get(URL, {"q": "vip"})) == ["Lagos VIP", "VIP"]
    assert _values(client.get(URL, {"q": "ip"})) == []
    assert _values(client.get(URL)) == ["Café regulars", "Lagos VIP", "VIP", "Wholesale"]


def test_at_most_twenty_and_the_same_queries_however_many_tags(
    make_user, logged_in_client, django_assert_num_queries
):
    client = logged_in_client(make_user("looker"))
    with django_assert_num_queries(6) as few:  # session, user, MFA role, permissions x2, look-up
        client.get(URL, {"q": "ta"})
    Tag.objects.bulk_create(
        Tag(name=f"Tag {n:03d}", slug=f"tag-{n:03d}", search_name=f"tag {n:03d}")
        for n in range(300)
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(URL, {"q": "ta"})
    assert _values(response) == [f"Tag {n:03d}" for n in range(20)]


def test_a_renamed_tag_is_found_by_its_new_name(tags, make_user, logged_in_client):
    tag_rename(tag=tags["Wholesale"], name="Trade buyers")
    client = logged_in_client(make_user("looker"))
    assert _values(client.get(URL, {"q": "trade"})) == ["Trade buyers"]
    assert _values(client.get(URL, {"q": "whole"})) == []


def test_the_api_looks_tags_up_with_q(tags, make_user, api_client):
    api = api_client(make_user("looker"))
    found = api.get("/api/v1/tags", {"q": "vi"}).json()["items"]
    assert [(row["name"], row["slug"]) for row in found] == [
        ("Lagos VIP", "lagos-vip"),
        ("VIP", "vip"),
    ]
    assert len(api.get("/api/v1/tags").json()["items"]) == 4
    assert Client().get("/api/v1/tags", {"q": "vi"}).status_code == 401
    parameters = api.get("/api/v1/openapi.json").json()["paths"]["/api/v1/tags"]["get"][
        "parameters"
    ]
    assert "ignoring case and accents" in {p["name"]: p for p in parameters}["q"]["description"]

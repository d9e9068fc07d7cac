"""Groups of the review queue and accepting them in bulk, over the API."""

from __future__ import annotations

import pytest

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.identity.models import BulkMerge, CandidatePair, Merge

URL = "/api/v1/identity/clusters/acceptance"


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


def pair(a, b, probability):
    low, high = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=probability, weight=5
    )


@pytest.fixture
def groups(seller):
    okafor = [
        make_person(actor=seller, first_name=n, last_name="Okafor")
        for n in ("Chinedu", "Chinedu", "Chined")
    ]
    pair(okafor[0], okafor[1], 0.99)
    pair(okafor[1], okafor[2], 0.97)
    eze = [make_person(actor=seller, first_name="Ngozi", last_name="Eze") for _ in range(2)]
    pair(*eze, 0.8)
    return okafor, eze


@pytest.mark.django_db
def test_clusters_are_listed_strongest_first_in_pages(seller, groups, api_client):
    okafor, eze = groups
    client = api_client(seller)
    body = client.get("/api/v1/identity/clusters", {"limit": 1}).json()
    assert body["total"] == 2 and body["next_cursor"] == "1"
    (first,) = body["items"]
    assert first["person_ids"] == sorted(p.pk for p in okafor)
    assert (first["max_probability"], first["min_probability"]) == (0.99, 0.97)
    rest = client.get("/api/v1/identity/clusters", {"cursor": "1"}).json()
    assert [c["person_ids"] for c in rest["items"]] == [sorted(p.pk for p in eze)]
    assert client.get("/api/v1/identity/clusters", {"cursor": "x"}).status_code == 422


@pytest.mark.django_db
def test_preview_then_accept_once_with_an_idempotency_key_then_undo(seller, groups, api_client):
    okafor, _eze = groups
    client = api_client(seller)
    preview = client.get(URL, {"threshold": 0.95}).json()
    assert preview == {
        "threshold": 0.95,
        "clusters": 1,
        "records": 3,
        "records_merged_away": 2,
        "not_changeable": 0,
        "too_large": 0,
        "in_background": False,
    }
    first = client.post(
        URL, {"threshold": 0.95}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    again = client.post(
        URL, {"threshold": 0.95}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="bulk-1"
    )
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    body = first.json()
    assert again.json()["id"] == body["id"]
    assert (body["status"], body["progress"], body["clusters_merged"], body["records_merged"]) == (
        "done",
        100,
        1,
        2,
    )
    assert BulkMerge.objects.count() == 1 and Merge.objects.count() == 1
    assert body["merge_ids"] == [Merge.objects.get().pk]
    assert Person.objects.filter(merged_into=okafor[0]).count() == 2

    status = client.get(f"/api/v1/identity/bulk-merges/{body['id']}").json()
    assert status["status"] == "done"
    undone = client.post(f"/api/v1/identity/bulk-merges/{body['id']}/undo")
    assert undone.status_code == 202 and undone.json()["status"] == "undone"
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    twice = client.post(f"/api/v1/identity/bulk-merges/{body['id']}/undo")
    assert twice.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload", [{"threshold": 0.3}, {"threshold": 2}, {}, {"threshold": 0.9, "x": 1}]
)
def test_a_bad_threshold_is_a_422(seller, groups, api_client, payload):
    response = api_client(seller).post(URL, payload, content_type="application/json")
    assert response.status_code == 422
    assert BulkMerge.objects.count() == 0


@pytest.mark.django_db
def test_nothing_to_accept_is_a_422_with_the_reason(seller, groups, api_client):
    response = api_client(seller).post(URL, {"threshold": 0.999}, content_type="application/json")
    assert response.status_code == 422
    assert "No group" in response.content.decode()


@pytest.mark.django_db
def test_permissions_and_visibility(seller, groups, api_client, make_user, make_team):
    reader = make_user("reader", role="Read only", team=seller.team)
    assert api_client(reader).get(URL, {"threshold": 0.9}).status_code == 200
    refused = api_client(reader).post(URL, {"threshold": 0.9}, content_type="application/json")
    assert refused.status_code == 403
    outsider = make_user("outsider", role="Manager", team=make_team("Service"))
    assert api_client(outsider).get("/api/v1/identity/clusters").json()["total"] == 0
    nothing = api_client(outsider).post(URL, {"threshold": 0.9}, content_type="application/json")
    assert nothing.status_code == 422
    batch = api_client(seller).post(URL, {"threshold": 0.9}, content_type="application/json").json()
    other = api_client(outsider)
    assert other.get(f"/api/v1/identity/bulk-merges/{batch['id']}").status_code == 404
    assert other.post(f"/api/v1/identity/bulk-merges/{batch['id']}/undo").status_code == 404
    # The Okafor group only: the Eze pair scored 0.8.
    assert Person.objects.filter(merged_into__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_clusters_list_takes_the_same_queries_for_2_groups_or_30(seller, groups, api_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(seller)
    client.get("/api/v1/identity/clusters")  # warm the token and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/identity/clusters")
    for index in range(28):
        people = [
            make_person(actor=seller, first_name="Ada", last_name=f"Okeke{index}") for _ in range(2)
        ]
        pair(*people, 0.7)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/identity/clusters").json()
    assert body["total"] == 30
    assert len(many) == len(few)

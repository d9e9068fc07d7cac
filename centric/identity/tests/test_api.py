"""Identity resolution and the customer count over the API."""

import pytest

from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair, Merge


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


@pytest.fixture
def pair(seller):
    a = make_person(
        actor=seller,
        first_name="Chukwuemeka",
        last_name="Okafor",
        phone="08031234567",
        lifecycle_stage="customer",
    )
    b = make_person(
        actor=seller,
        first_name="Emeka",
        last_name="Okafor",
        phone="+2348031234567",
        lifecycle_stage="customer",
    )
    low, high = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_low_id=low,
        person_high_id=high,
        probability=0.8,
        weight=2.0,
        evidence=[{"comparison": "phone", "level": "same number", "weight": 9.1}],
    )


@pytest.mark.django_db
def test_count_answers_with_each_term_by_name(seller, pair, api_client):
    response = api_client(seller).get("/api/v1/customers/count")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("records", "identities", "customers", "pending_pairs")} == {
        "records": 2,
        "identities": 2,
        "customers": 2,
        "pending_pairs": 1,
    }
    assert set(body["breakdown"]) == {"active", "at_risk", "lapsed", "inactive"}
    assert (body["lost"], body["churned"], body["since_resolution"]) == (0, 0, None)
    assert "at most 1 fewer" in body["explanation"]


@pytest.mark.django_db
def test_review_queue_decide_merge_and_undo(seller, pair, api_client):
    client = api_client(seller)
    queue = client.get("/api/v1/identity/pairs").json()
    assert [item["id"] for item in queue["items"]] == [pair.pk]
    decided = client.post(
        f"/api/v1/identity/pairs/{pair.pk}/decision",
        {"decision": "merge"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    merge_id = decided.json()["merge"]["id"]
    assert decided.json()["pair"]["status"] == "merged"
    assert client.get("/api/v1/customers/count").json()["customers"] == 1
    undone = client.post(f"/api/v1/identity/merges/{merge_id}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert client.get("/api/v1/customers/count").json()["customers"] == 2
    again = client.post(f"/api/v1/identity/merges/{merge_id}/undo")
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")


@pytest.mark.django_db
def test_a_decided_pair_gives_a_clear_conflict(seller, pair, api_client):
    client = api_client(seller)
    client.post(
        f"/api/v1/identity/pairs/{pair.pk}/decision",
        {"decision": "not_same"},
        content_type="application/json",
    )
    response = client.post(
        f"/api/v1/identity/pairs/{pair.pk}/decision",
        {"decision": "merge"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "already decided" in response.json()["detail"]


@pytest.mark.django_db
def test_merging_records_one_may_not_see_is_a_404_and_merges_nothing(
    seller, pair, api_client, make_team, make_user
):
    outsider = make_user("outsider", team=make_team("Service"), role="Manager")
    client = api_client(outsider)
    response = client.post(
        "/api/v1/identity/merges",
        {"survivor_id": pair.person_low_id, "other_ids": [pair.person_high_id]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/api/v1/identity/pairs/{pair.pk}/decision",
            {"decision": "merge"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Merge.objects.count() == 0
    assert client.get("/api/v1/customers/count").json()["records"] == 0


@pytest.mark.django_db
def test_merge_preview_and_idempotent_merge(seller, pair, api_client):
    client = api_client(seller)
    payload = {
        "survivor_id": pair.person_low_id,
        "other_ids": [pair.person_high_id],
        "choices": {"first_name": pair.person_high_id},
    }
    preview = client.post(
        "/api/v1/identity/merges/preview", payload, content_type="application/json"
    )
    assert {row["field"]: row["value"] for row in preview.json()}["first_name"] == "Emeka"
    first = client.post(
        "/api/v1/identity/merges",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="m-1",
    )
    second = client.post(
        "/api/v1/identity/merges",
        payload,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="m-1",
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Merge.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_check_before_saving(seller, pair, api_client):
    response = api_client(seller).post(
        "/api/v1/identity/duplicates",
        {"first_name": "Emeka", "last_name": "Okafor", "phones": ["0803 123 4567"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert {row["person"]["id"] for row in response.json()} == {
        pair.person_low_id,
        pair.person_high_id,
    }


@pytest.mark.django_db
def test_starting_a_run_needs_permission(seller, make_user, api_client):
    front = make_user("front", role="Front office")
    assert api_client(front).post("/api/v1/identity/runs").status_code == 403
    response = api_client(seller).post("/api/v1/identity/runs")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"

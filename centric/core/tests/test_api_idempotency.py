"""POST with an Idempotency-Key: a retried create does not create twice."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.core.models import IdempotencyRecord
from centric.customers.models import Person
from centric.interactions.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(make_user, make_team):
    return make_user("ada", team=make_team("Sales"))


def test_a_retried_create_is_replayed_not_repeated(user, api_client):
    client = api_client(user)
    body = {"first_name": "Tunde", "contact_points": [{"kind": "phone", "value": "08031234567"}]}
    first = call(client, "post", "/api/v1/people", body, HTTP_IDEMPOTENCY_KEY="key-1")
    again = call(client, "post", "/api/v1/people", body, HTTP_IDEMPOTENCY_KEY="key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1
    assert IdempotencyRecord.objects.filter(user=user, key="key-1").count() == 1


def test_the_same_body_with_keys_in_another_order_is_the_same_request(user, api_client):
    client = api_client(user)
    raw_a = '{"first_name": "A", "last_name": "B"}'
    raw_b = '{"last_name": "B",   "first_name": "A"}'
    assert (
        call(client, "post", "/api/v1/people", raw_a, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    )
    assert (
        call(client, "post", "/api/v1/people", raw_b, HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    )
    assert Person.objects.count() == 1


def test_the_same_key_with_another_body_is_422(user, api_client):
    client = api_client(user)
    call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    response = call(client, "post", "/api/v1/people", {"first_name": "B"}, HTTP_IDEMPOTENCY_KEY="k")
    body = assert_problem(response, 422, field="Idempotency-Key")
    assert body["type"] == "urn:centric:problem:idempotency-key-reused"
    assert list(Person.objects.values_list("first_name", flat=True)) == ["A"]


def test_the_same_key_on_another_endpoint_is_422(user, api_client):
    from centric.customers.tests.factories import make_person

    person = make_person(actor=user, first_name="P")
    client = api_client(user)
    call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    response = call(
        client,
        "post",
        "/api/v1/interactions",
        {"first_name": "A"} | {"channel": "phone", "kind": "call", "person_id": person.pk},
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 422
    assert Interaction.objects.count() == 0


def test_keys_belong_to_one_user(user, make_user, api_client):
    other = make_user("bola", team=user.team)
    call(api_client(user), "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    response = call(
        api_client(other), "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Person.objects.count() == 2


def test_a_failed_create_is_not_stored_and_may_be_retried(user, api_client):
    client = api_client(user)
    bad = call(client, "post", "/api/v1/people", {"first_name": ""}, HTTP_IDEMPOTENCY_KEY="k")
    assert_problem(bad, 422)
    assert not IdempotencyRecord.objects.exists()
    good = call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    assert good.status_code == 201


def test_the_record_and_the_create_share_one_transaction(user, api_client, monkeypatch):
    """If storing the replay fails, the create is rolled back too: never a record without replay."""

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IdempotencyRecord.objects, "create", fail)
    response = call(
        api_client(user), "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k"
    )
    assert_problem(response, 500)
    assert Person.objects.count() == 0


def test_an_oversize_key_is_422(user, api_client):
    response = call(
        api_client(user),
        "post",
        "/api/v1/people",
        {"first_name": "A"},
        HTTP_IDEMPOTENCY_KEY="k" * 256,
    )
    assert_problem(response, 422, field="Idempotency-Key")
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/organisations", {"name": "Shop"}),
        ("/api/v1/tags", {"name": "VIP"}),
    ],
)
def test_other_creates_are_idempotent_too(path, body, make_user, api_client):
    admin = make_user("boss", role="Administrator")
    client = api_client(admin)
    first = call(client, "post", path, body, HTTP_IDEMPOTENCY_KEY="same")
    again = call(client, "post", path, body, HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_create_once(make_user, make_team):
    """Two requests with one key racing each other: one create stands, the other replays it."""
    import threading

    from django.db import connection
    from django.test import Client

    from centric.staff.services.tokens import token_create

    user = make_user("racer", team=make_team("Sales"))
    _token, plain = token_create(user=user, name="race")
    barrier = threading.Barrier(2)
    responses = []

    def post():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
            barrier.wait(timeout=10)
            responses.append(
                call(
                    client,
                    "post",
                    "/api/v1/people",
                    {"first_name": "Race"},
                    HTTP_IDEMPOTENCY_KEY="r",
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [r.status_code for r in responses] == [201, 201], [r.content for r in responses]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Person.objects.count() == 1

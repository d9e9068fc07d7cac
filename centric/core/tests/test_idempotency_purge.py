"""Idempotency-Key records expire after CENTRIC_IDEMPOTENCY_DAYS and the worker purges them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from centric.core.api import idempotency
from centric.core.api.idempotency import idempotency_records_purge
from centric.core.api.testing import call
from centric.core.models import IdempotencyRecord
from centric.customers.models import Person

BODY = {"first_name": "Tunde"}


@pytest.fixture
def user(make_user, make_team):
    return make_user("ada", team=make_team("Sales"))


def _age(record_filter: dict, hours: float) -> None:
    IdempotencyRecord.objects.filter(**record_filter).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )


def _records(user, count: int, *, hours: float, prefix: str) -> None:
    created_at = timezone.now() - dt.timedelta(hours=hours)
    IdempotencyRecord.objects.bulk_create(
        IdempotencyRecord(
            user=user,
            key=f"{prefix}-{n}",
            method="POST",
            path="/api/v1/people",
            request_fingerprint="0" * 64,
            status_code=201,
            response_body="{}",
            created_at=created_at,
        )
        for n in range(count)
    )


@pytest.mark.django_db
def test_a_replay_within_the_retention_returns_the_stored_response(user, api_client):
    client = api_client(user)
    first = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")
    _age({"key": "k"}, hours=23)

    again = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Person.objects.count() == 1


@pytest.mark.django_db
def test_after_the_retention_the_key_is_fresh(user, api_client):
    client = api_client(user)
    first = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")
    _age({"key": "k"}, hours=25)

    again = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]
    assert Person.objects.count() == 2
    record = IdempotencyRecord.objects.get(user=user, key="k")
    assert record.created_at > timezone.now() - dt.timedelta(minutes=1)
    assert str(again.json()["id"]) in record.response_body


@pytest.mark.django_db
def test_after_the_retention_a_key_may_carry_another_request(user, api_client):
    client = api_client(user)
    call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="k")
    _age({"key": "k"}, hours=25)

    response = call(client, "post", "/api/v1/people", {"first_name": "B"}, HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 201
    assert sorted(Person.objects.values_list("first_name", flat=True)) == ["A", "B"]


@pytest.mark.django_db
def test_the_retention_comes_from_the_setting(user, api_client, settings):
    settings.CENTRIC_IDEMPOTENCY_DAYS = 0.5
    client = api_client(user)
    call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")
    _age({"key": "k"}, hours=13)

    again = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="k")

    assert "Idempotent-Replayed" not in again
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_purge_deletes_only_expired_records_in_batches(user):
    _records(user, 7, hours=30, prefix="old")
    _records(user, 3, hours=2, prefix="new")

    with CaptureQueriesContext(connection) as queries:
        deleted = idempotency_records_purge(batch_size=2)

    assert deleted == 7
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 4  # 2 + 2 + 2 + 1
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == [
        "new-0",
        "new-1",
        "new-2",
    ]
    assert idempotency_records_purge(batch_size=2) == 0


@pytest.mark.django_db(transaction=True)
def test_a_stored_record_enqueues_the_purge_and_the_worker_runs_it(user, api_client, monkeypatch):
    monkeypatch.setattr(idempotency, "_purge_enqueued_at", None)
    _records(user, 3, hours=30, prefix="old")
    client = api_client(user)

    call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="a")
    call(client, "post", "/api/v1/people", {"first_name": "B"}, HTTP_IDEMPOTENCY_KEY="b")

    queued = DBTaskResult.objects.filter(task_path="centric.core.tasks.idempotency_purge")
    assert queued.count() == 1  # at most once per PURGE_EVERY in a process
    assert IdempotencyRecord.objects.count() == 5

    call_command("worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())

    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["a", "b"]
    assert queued.get().return_value == 3


@pytest.mark.django_db(transaction=True)
def test_purge_is_enqueued_again_once_the_interval_has_passed(user, api_client, monkeypatch):
    monkeypatch.setattr(idempotency, "_purge_enqueued_at", None)
    client = api_client(user)
    call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_IDEMPOTENCY_KEY="a")
    monkeypatch.setattr(
        idempotency,
        "_purge_enqueued_at",
        idempotency._purge_enqueued_at - idempotency.PURGE_EVERY.total_seconds() - 1,
    )

    call(client, "post", "/api/v1/people", {"first_name": "B"}, HTTP_IDEMPOTENCY_KEY="b")

    assert (
        DBTaskResult.objects.filter(task_path="centric.core.tasks.idempotency_purge").count() == 2
    )


@pytest.mark.django_db
def test_a_new_key_costs_no_delete_on_the_write_path(user, api_client):
    client = api_client(user)
    with CaptureQueriesContext(connection) as queries:
        response = call(client, "post", "/api/v1/people", BODY, HTTP_IDEMPOTENCY_KEY="new")
    assert response.status_code == 201
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if s.startswith("DELETE") and "idempotency" in s]

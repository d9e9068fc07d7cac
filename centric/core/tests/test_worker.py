"""`centric worker` runs tasks from the database queue; a task enqueued on commit is executed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from centric.extras.models import Tag


@task()
def make_tag(name: str) -> str:
    from centric.extras.services import tag_get_or_create

    return tag_get_or_create(name=name).slug


def enqueue_tag_on_commit(name: str) -> list:
    """What a service does: enqueue only once its transaction has committed."""
    results: list = []
    with transaction.atomic():
        transaction.on_commit(lambda: results.append(make_tag.enqueue(name)))
    return results


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_on_commit_is_run_by_the_worker():
    results = enqueue_tag_on_commit("Queued by a service")
    assert len(results) == 1
    assert results[0].status == TaskResultStatus.READY
    assert not Tag.objects.filter(name="Queued by a service").exists()

    out = io.StringIO()
    call_command("worker", batch=True, stdout=out, stderr=io.StringIO())

    result = results[0]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "queued-by-a-service"
    assert Tag.objects.filter(name="Queued by a service").exists()
    assert not DBTaskResult.objects.ready().exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_enqueues_nothing():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        transaction.on_commit(lambda: make_tag.enqueue("Never"))
        raise Boom
    assert DBTaskResult.objects.count() == 0
    call_command("worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Tag.objects.filter(name="Never").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_marked_failed_and_the_worker_goes_on():
    first = make_tag.enqueue("")  # tag_get_or_create refuses an empty name
    second = make_tag.enqueue("After the failure")
    call_command("worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    first.refresh()
    second.refresh()
    assert first.status == TaskResultStatus.FAILED
    assert second.status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db(transaction=True)
def test_max_tasks_stops_the_worker_after_that_many():
    results = [make_tag.enqueue(f"Tag {n}") for n in range(3)]
    call_command("worker", batch=True, max_tasks=2, stdout=io.StringIO(), stderr=io.StringIO())
    statuses = []
    for result in results:
        result.refresh()
        statuses.append(result.status)
    assert statuses.count(TaskResultStatus.SUCCESSFUL) == 2
    assert statuses.count(TaskResultStatus.READY) == 1

"""`centric worker` says it is alive; a queued job's notice appears only when no worker is."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from centric.core.models import WorkerHeartbeat
from centric.core.workers import (
    STALE_SECONDS,
    Heartbeat,
    worker_heartbeat_beat,
    worker_heartbeat_stop,
    worker_is_alive,
    worker_missing_notice,
)


@task()
def say_hello() -> str:
    return "hello"


@pytest.mark.django_db
def test_no_worker_ever_gives_the_notice_with_the_command():
    notice = worker_missing_notice()
    assert notice is not None
    assert (notice.command, notice.make_target, notice.last_seen_at) == (
        "centric worker",
        "make worker",
        None,
    )
    assert "`centric worker`" in notice.as_dict()["message"]


@pytest.mark.django_db
def test_a_fresh_heartbeat_means_no_notice():
    worker_heartbeat_beat(worker_id="w1")
    assert worker_is_alive()
    assert worker_missing_notice() is None


@pytest.mark.django_db
def test_a_heartbeat_older_than_the_threshold_gives_the_notice_with_when_it_was_seen():
    beat = worker_heartbeat_beat(worker_id="w1")
    later = beat.seen_at + dt.timedelta(seconds=STALE_SECONDS + 1)
    assert not worker_is_alive(now=later)
    notice = worker_missing_notice(now=later)
    assert notice is not None and notice.last_seen_at == beat.seen_at
    # Just inside the threshold it still counts as alive.
    assert worker_missing_notice(now=beat.seen_at + dt.timedelta(seconds=STALE_SECONDS - 1)) is None


@pytest.mark.django_db
def test_a_worker_that_stopped_cleanly_is_not_counted_on():
    worker_heartbeat_beat(worker_id="w1")
    worker_heartbeat_stop(worker_id="w1")
    assert not worker_is_alive()
    assert worker_missing_notice() is not None


@pytest.mark.django_db
def test_with_immediate_tasks_no_worker_is_needed(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert worker_missing_notice() is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_beats_under_the_id_it_claims_tasks_with_and_stops():
    result = say_hello.enqueue()
    call_command("worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())
    heartbeat = WorkerHeartbeat.objects.get()
    assert DBTaskResult.objects.get(pk=result.id).worker_ids == [heartbeat.worker_id]
    assert heartbeat.stopped_at is not None
    assert heartbeat.pid > 0 and heartbeat.queues == "*"


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_keeps_beating_while_the_block_runs():
    with Heartbeat(worker_id="busy", interval=0.05):
        first = WorkerHeartbeat.objects.get(worker_id="busy").seen_at
        deadline = timezone.now() + dt.timedelta(seconds=5)
        while WorkerHeartbeat.objects.get(worker_id="busy").seen_at == first:
            assert timezone.now() < deadline, "the thread did not beat"
        assert worker_is_alive()
    assert not worker_is_alive()


@pytest.mark.django_db
def test_rows_of_workers_gone_a_week_are_forgotten_when_a_worker_starts():
    old = worker_heartbeat_beat(worker_id="old")
    WorkerHeartbeat.objects.filter(pk=old.pk).update(seen_at=timezone.now() - dt.timedelta(days=8))
    with Heartbeat(worker_id="new", interval=60):
        assert set(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == {"new"}

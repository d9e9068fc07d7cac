"""`centric worker` runs tasks from the database queue; a task enqueued on commit is executed."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_with_worker_starts_both_and_stops_both(tmp_path):
    """`make demo` runs `centric serve --with-worker`: stopping it must not leave a worker behind."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CENTRIC_TESTING", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env["PYTHONUNBUFFERED"] = "1"
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "centric", "migrate", "-v", "0", "--skip-checks"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serve = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "centric",
            "serve",
            "--with-worker",
            "--noreload",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        worker_line = serve.stdout.readline()
        worker_pid = int(re.search(r"pid (\d+)", worker_line).group(1))
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok"}
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.3)
        assert _alive(worker_pid)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    assert not _alive(worker_pid)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)

"""An `Idempotency-Key` on the imports API: a retried upload answers with the first upload's
import (one job, one stored file), and a retried start queues the job once."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from centric.core.api.testing import assert_problem, call
from centric.core.models import IdempotencyRecord
from centric.imports.models import ImportJob, JobStatus

pytestmark = pytest.mark.django_db

CONTACTS = (
    "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value\n"
    "Amaka,Nwosu,amaka.nwosu@example.ng,+234 803 555 0101\n"
)


@pytest.fixture
def manager(make_user, make_team):
    return make_user("funmi", role="Manager", team=make_team("Lagos office"))


def _upload(client, content=CONTACTS, key="upload-1", **fields):
    return client.post(
        "/api/v1/imports",
        {
            "record_type": "people",
            "file": SimpleUploadedFile("contacts.csv", content.encode(), "text/csv"),
            **fields,
        },
        HTTP_IDEMPOTENCY_KEY=key,
    )


def _stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_a_retried_upload_answers_with_the_same_import_and_stores_nothing_again(
    api_client, manager
):
    client = api_client(manager)

    first = _upload(client)
    again = _upload(client)

    assert first.status_code == again.status_code == 201, again.content
    assert again.json()["id"] == first.json()["id"]
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1
    assert len(_stored_files()) == 1
    assert IdempotencyRecord.objects.filter(user=manager, key="upload-1").count() == 1


def test_the_same_key_with_another_file_is_422_and_stores_nothing(api_client, manager):
    client = api_client(manager)
    _upload(client)

    other = _upload(client, content=CONTACTS.replace("Amaka", "Ifeoma"))
    other_fields = _upload(client, record_type="organisations")

    assert_problem(other, 422, field="Idempotency-Key")
    assert_problem(other_fields, 422, field="Idempotency-Key")
    assert ImportJob.objects.count() == 1
    assert len(_stored_files()) == 1


def test_uploads_without_a_key_or_with_another_key_are_new_imports(api_client, manager):
    client = api_client(manager)

    _upload(client, key="upload-1")
    _upload(client, key="upload-2")
    client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("contacts.csv", CONTACTS.encode(), "text/csv")},
    )

    assert ImportJob.objects.count() == 3
    assert len(_stored_files()) == 3


def test_a_refused_upload_stores_no_replay_and_the_key_stays_free(api_client, manager):
    client = api_client(manager)

    refused = _upload(client, content="")
    accepted = _upload(client)

    assert_problem(refused, 422)
    assert accepted.status_code == 201, accepted.content
    assert ImportJob.objects.count() == 1


def test_an_upload_whose_replay_cannot_be_stored_leaves_no_job_and_no_file(
    api_client, manager, monkeypatch
):
    """The job rolls back with the replay (one transaction); its stored copy goes with it, as
    when a concurrent retry with the same key wins the race."""

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(IdempotencyRecord.objects, "create", fail)

    response = _upload(api_client(manager))

    assert_problem(response, 500)
    assert not ImportJob.objects.exists()
    assert _stored_files() == []


def _mapped_job(client) -> int:
    """An uploaded import with its mapping confirmed: ready to start."""
    job_id = _upload(client).json()["id"]
    call(client, "PUT", f"/api/v1/imports/{job_id}/mapping", {"mapping": {}})
    return job_id


def _start(client, job_id: int, key: str):
    return call(client, "POST", f"/api/v1/imports/{job_id}/start", {}, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_start_queues_the_job_once(
    api_client, manager, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client = api_client(manager)
    job_id = _mapped_job(client)

    with django_capture_on_commit_callbacks(execute=True):
        first = _start(client, job_id, "start-1")
        again = _start(client, job_id, "start-1")

    assert first.status_code == again.status_code == 202, again.content
    assert again.json() == first.json()
    assert again.json()["status"] == JobStatus.QUEUED
    assert again["Idempotent-Replayed"] == "true"
    queued = DBTaskResult.objects.filter(task_path="centric.imports.tasks.import_run")
    assert [result.args_kwargs["args"] for result in queued] == [[job_id]]


def test_a_second_start_with_another_key_is_refused_while_the_first_is_queued(
    api_client, manager, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client = api_client(manager)
    job_id = _mapped_job(client)

    with django_capture_on_commit_callbacks(execute=True):
        _start(client, job_id, "a")
        other = _start(client, job_id, "b")

    assert_problem(other, 422)
    assert DBTaskResult.objects.filter(task_path="centric.imports.tasks.import_run").count() == 1
    assert not IdempotencyRecord.objects.filter(key="b").exists()


def test_the_schema_documents_the_key_on_upload_and_start(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path in ("/api/v1/imports", "/api/v1/imports/{job_id}/start"):
        operation = paths[path]["post"]
        names = [parameter["name"] for parameter in operation["parameters"]]
        assert "Idempotency-Key" in names, path
        assert "Idempotency-Key" in operation["description"], path

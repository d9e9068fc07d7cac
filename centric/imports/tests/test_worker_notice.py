"""A queued import that no worker will pick up says so, with the command that starts one."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from centric.core.models import WorkerHeartbeat
from centric.core.workers import STALE_SECONDS, worker_heartbeat_beat
from centric.imports.models import ImportJob

pytestmark = pytest.mark.django_db

# Written the way a phone's contacts app exports: CRLF, a BOM, a Nigerian mobile.
CSV = (
    "\ufeffFirst Name,Last Name,Mobile Phone,E-mail Address\r\n"
    "Chinedu,Okafor,+234 803 123 4567,chinedu.okafor@example.com\r\n"
).encode()
NOTICE = "No background worker is running"


@pytest.fixture
def queued_job(logged_in_client, make_user, make_team, django_capture_on_commit_callbacks):
    manager = make_user("manager", role="Manager", team=make_team("Sales"))
    client = logged_in_client(manager)
    client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("contacts.csv", CSV, "text/csv")},
    )
    job = ImportJob.objects.get()
    data = {"match_by": "email", "column_0": "first_name", "column_1": "last_name"}
    with django_capture_on_commit_callbacks(execute=False):  # no worker: it stays queued
        client.post(
            f"/imports/{job.pk}/mapping/",
            data | {"column_2": "phone", "column_3": "email", "action": "import"},
        )
    job.refresh_from_db()
    assert job.status == "queued"
    return client, job


def test_a_queued_import_with_no_worker_says_so_with_the_command(queued_job):
    client, job = queued_job
    page = client.get(f"/imports/{job.pk}/").content.decode()
    progress = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    for html in (page, progress):
        assert NOTICE in html
        assert "<code>centric worker</code>" in html and "<code>make worker</code>" in html
        assert "No worker has run on this installation yet." in html


def test_a_worker_gone_quiet_longer_than_the_threshold_is_reported(queued_job):
    client, job = queued_job
    beat = worker_heartbeat_beat(worker_id="gone")
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(
        seen_at=timezone.now() - dt.timedelta(seconds=STALE_SECONDS + 5)
    )
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert NOTICE in page and "A worker was last seen" in page


def test_a_fresh_heartbeat_means_no_notice(queued_job):
    client, job = queued_job
    worker_heartbeat_beat(worker_id="alive")
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert NOTICE not in page
    assert "centric worker" not in page

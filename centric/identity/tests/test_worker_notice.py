"""A queued resolution that no worker will pick up says so on its page and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from centric.core.workers import worker_heartbeat_beat, worker_heartbeat_stop
from centric.identity.services.resolution import resolution_request

pytestmark = pytest.mark.django_db
NOTICE = "No background worker is running"


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


@pytest.fixture
def queued_run(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return resolution_request(actor=manager)


def test_a_queued_run_with_no_worker_says_so_on_the_page_fragment_and_api(
    queued_run, manager, logged_in_client, api_client
):
    worker_heartbeat_beat(worker_id="stopped")
    worker_heartbeat_stop(worker_id="stopped")
    client = logged_in_client(manager)
    page = client.get(reverse("identity:count")).content.decode()
    fragment = client.get(reverse("identity:run_status", args=[queued_run.pk])).content.decode()
    for html in (page, fragment):
        assert NOTICE in html and "<code>centric worker</code>" in html

    body = api_client(manager).get(f"/api/v1/identity/runs/{queued_run.pk}").json()
    assert body["status"] == "queued"
    assert body["no_worker"]["command"] == "centric worker"
    assert body["no_worker"]["make_target"] == "make worker"
    assert body["no_worker"]["last_seen_at"] is not None


def test_with_a_fresh_heartbeat_the_queued_run_just_waits(
    queued_run, manager, logged_in_client, api_client
):
    worker_heartbeat_beat(worker_id="alive")
    client = logged_in_client(manager)
    fragment = client.get(reverse("identity:run_status", args=[queued_run.pk])).content.decode()
    assert NOTICE not in fragment and "Waiting for a worker to pick it up" in fragment
    body = api_client(manager).get(f"/api/v1/identity/runs/{queued_run.pk}").json()
    assert body["no_worker"] is None


def test_a_finished_run_never_shows_the_notice(manager, logged_in_client, api_client):
    from centric.identity.models import ResolutionRun

    run = ResolutionRun.objects.create(status=ResolutionRun.Status.DONE, progress=100)
    fragment = logged_in_client(manager).get(reverse("identity:run_status", args=[run.pk]))
    assert NOTICE not in fragment.content.decode()
    assert api_client(manager).get(f"/api/v1/identity/runs/{run.pk}").json()["no_worker"] is None

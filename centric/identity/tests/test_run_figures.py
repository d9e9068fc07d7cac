"""A resolution run's figures count every team's records (decision 0026): only those who see
every record see them, on the count page, the run's status fragment and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from centric.identity.models import ResolutionRun

pytestmark = pytest.mark.django_db

FIGURES = {
    "records": 12345,
    "pairs_scored": 23456,
    "pairs_for_review": 3456,
    "pairs_above_merge": 456,
    "clusters": 56,
    "auto_merged": 6,
}


@pytest.fixture
def finished_run():
    return ResolutionRun.objects.create(status=ResolutionRun.Status.DONE, progress=100, **FIGURES)


@pytest.fixture
def team_manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


def _shows_figures(html: str) -> bool:
    return "12345" in html or "Records compared" in html


def test_a_team_manager_sees_the_runs_progress_not_its_figures(
    finished_run, team_manager, logged_in_client, api_client
):
    client = logged_in_client(team_manager)
    count_page = client.get(reverse("identity:count")).content.decode()
    fragment = client.get(reverse("identity:run_status", args=[finished_run.pk])).content.decode()
    for html in (count_page, fragment):
        assert "Last resolution finished" in html
        assert not _shows_figures(html)
        assert "its figures are shown to those who see all records" in html

    body = api_client(team_manager).get(f"/api/v1/identity/runs/{finished_run.pk}").json()
    assert body["status"] == "done" and body["progress"] == 100
    assert {name: body[name] for name in FIGURES} == dict.fromkeys(FIGURES)


def test_starting_a_run_answers_without_figures_for_a_team_manager(team_manager, api_client):
    response = api_client(team_manager).post("/api/v1/identity/runs")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert {name: body[name] for name in FIGURES} == dict.fromkeys(FIGURES)


@pytest.mark.parametrize("who", ["superuser", "sees_all"])
def test_who_sees_every_record_sees_the_figures(
    who, finished_run, make_user, admin_user, logged_in_client, api_client
):
    from django.contrib.auth.models import Permission

    if who == "superuser":
        viewer = admin_user
    else:
        viewer = make_user("auditor", role="Manager")
        viewer.user_permissions.add(Permission.objects.get(codename="see_all_records"))
    client = logged_in_client(viewer)
    for url in (reverse("identity:count"), reverse("identity:run_status", args=[finished_run.pk])):
        html = client.get(url).content.decode()
        assert "Records compared" in html and "12345" in html and "3456" in html
    body = api_client(viewer).get(f"/api/v1/identity/runs/{finished_run.pk}").json()
    assert {name: body[name] for name in FIGURES} == FIGURES


def test_the_api_documents_why_figures_may_be_null(team_manager, api_client):
    schema = api_client(team_manager).get("/api/v1/openapi.json").json()
    run = schema["components"]["schemas"]["RunOut"]["properties"]
    assert "null unless you see every record" in run["records"]["description"]

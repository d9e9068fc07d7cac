"""My day: a seller's overdue and today's activities, the deals that need them and their
pipeline at a glance; a team lead's teams' the same way; a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centric.activities.testing import make_activity
from centric.core.api.testing import call
from centric.customers.testing import make_person
from centric.sales.testing import make_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    lead = make_user("funmi", first_name="Funmi", last_name="Bello", role="Manager")
    sales = make_team("Sales", lead=lead)
    service = make_team("Service")
    lead.team = sales
    lead.save()
    return {
        "lead": lead,
        "ada": make_user("ada", team=sales, first_name="Ada"),
        "chidi": make_user("chidi", team=sales, first_name="Chidi"),
        "bola": make_user("bola", team=service),
    }


def _today_at(hour: int) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


def _plan(world) -> dict:
    ada = world["ada"]
    now = timezone.now()
    person = make_person(actor=ada, first_name="Kelechi", last_name="Obi")
    secret = make_person(actor=world["bola"], first_name="Ngozi")
    return {
        "overdue": make_activity(
            owner=ada, title="Call Kelechi back", due_at=now - dt.timedelta(days=2), person=person
        ),
        "today": make_activity(
            owner=ada, title="Send the invoice", all_day=True, kind="task", due_at=now
        ),
        "later": make_activity(
            owner=ada, title="Quarterly review", due_at=now + dt.timedelta(days=30)
        ),
        "hidden": make_activity(owner=ada, title="Visit Ngozi", due_at=now, person=secret),
        "chidis": make_activity(
            owner=world["chidi"], title="Chidi's call", due_at=now - dt.timedelta(hours=1)
        ),
        "no_step": make_deal(owner=ada, title="Generator contract", next_step=""),
        "late": make_deal(
            owner=ada,
            title="Rice order",
            next_step="Call on Monday",
            expected_close_on=timezone.localdate() - dt.timedelta(days=3),
        ),
    }


def test_a_sellers_day(world, client):
    plan = _plan(world)
    client.force_login(world["ada"])

    page = client.get("/")

    text = page.text
    assert page.status_code == 200 and "My day" in text
    assert "Call Kelechi back" in text and "Send the invoice" in text
    assert "Quarterly review" not in text  # a month ahead: counted in no list
    assert "Visit Ngozi" not in text  # about a customer Ada may not see
    assert "Chidi&#x27;s call" not in text and "Chidi's call" not in text
    assert "Generator contract" in text and "Rice order" in text
    assert "My pipeline" in text
    agenda = next(p for p in page.context["panels"] if p.panel.key == "agenda")
    assert agenda.panel.position < 90  # above "recently added people"
    assert "My teams" not in text  # Ada leads no team
    assert plan["overdue"].is_overdue and not plan["today"].is_overdue


def test_a_leads_day_shows_the_teams(world, client):
    _plan(world)
    client.force_login(world["lead"])

    mine = client.get("/")
    team = client.get("/", {"scope": "team"})

    assert "Call Kelechi back" not in mine.text and "My teams" in mine.text
    assert "My teams&#x27; day" in team.text or "My teams' day" in team.text
    assert "Chidi" in team.text and "Send the invoice" in team.text
    assert "Visit Ngozi" not in team.text  # the lead may not see that customer either


def test_asking_for_a_team_without_leading_one_shows_ones_own(world, client):
    _plan(world)
    client.force_login(world["chidi"])

    page = client.get("/", {"scope": "team"})

    assert "Chidi" in page.text and "Send the invoice" not in page.text


def test_done_from_my_day_comes_back_to_it(world, client):
    plan = _plan(world)
    client.force_login(world["ada"])

    response = client.post(f"/activities/{plan['today'].pk}/done/", {"next": "/"})
    page = client.get(response["Location"])

    assert response["Location"] == "/"
    assert "“Send the invoice” is done." in page.text


def test_my_day_in_the_api(world, api_client):
    plan = _plan(world)

    body = call(api_client(world["ada"]), "get", "/api/v1/my-day").json()
    team = call(api_client(world["lead"]), "get", "/api/v1/my-day?scope=team").json()

    assert [a["id"] for a in body["overdue"]] == [plan["overdue"].pk]
    assert [a["id"] for a in body["today"]] == [plan["today"].pk]
    assert (body["overdue_count"], body["today_count"]) == (1, 1)
    assert [d["id"] for d in body["deals_without_next_step"]] == [plan["no_step"].pk]
    assert [d["id"] for d in body["deals_past_close"]] == [plan["late"].pk]
    (retail,) = body["pipelines"]
    assert sum(stage["count"] for stage in retail["stages"]) == 2
    assert retail["stages"][0]["totals"] == {"NGN": "500000.00"}
    assert team["scope"] == "team" and team["overdue_count"] == 2


def test_my_day_runs_a_fixed_number_of_queries(world, client):
    client.force_login(world["ada"])
    _plan(world)
    client.get("/")  # warm the caches the first request fills
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for number in range(15):
        make_activity(owner=world["ada"], title=f"Call {number}", due_at=timezone.now())
        make_deal(owner=world["ada"], title=f"Deal {number}", next_step="")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/")

    assert "Call 14" in page.text
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

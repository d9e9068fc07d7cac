"""The service report: volume, first-answer and solution medians, SLA compliance, reopen rate,
CSAT and the backlog by age — by team, agent, channel or category — each number linking to the
tickets it counts; CSV and the API give the same figures; only visible tickets count."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from centric.core.api.testing import call
from centric.customers.testing import make_person
from centric.tickets.replies import ticket_message_add
from centric.tickets.satisfaction import rating_save
from centric.tickets.services import ticket_create, ticket_update
from centric.tickets.sla import scan
from centric.tickets.sla_settings import calendar_save, policy_save
from centric.tickets.statuses import first_status

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk(make_user, make_team):
    north, south = make_team("North desk"), make_team("South desk")
    ada = make_user("ada", role="Service desk", team=north)
    bayo = make_user("bayo", role="Service desk", team=south)
    lead = make_user("lead", role="Manager", team=north)
    calendar_save(name="All day", always_open=True, is_default=True)
    policy_save(name="Standard", first_response_minutes=60, resolution_minutes=240)
    caller = make_person(actor=ada, owner=ada, team=north, email="kemi@example.com")
    clock = {"now": START}
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock["now"]):
        made = []
        for hours_to_answer, channel in ((0.5, "phone"), (2, "whatsapp"), (None, "email")):
            clock["now"] = START
            ticket = ticket_create(actor=ada, owner=ada, team=north, subject="Meter fault",
                                   person=caller, channel=channel)  # fmt: skip
            ticket.created_at = START
            ticket.save(update_fields=["created_at"])
            if hours_to_answer:
                clock["now"] = START + dt.timedelta(hours=hours_to_answer)
                ticket_message_add(ticket, actor=ada, kind="public", body="On it")
                clock["now"] = START + dt.timedelta(hours=3)
                ticket = ticket_update(ticket, actor=ada, status=first_status("solved"))
            made.append(ticket)
        clock["now"] = START + dt.timedelta(hours=3)
        scan()  # the unanswered one is late by now (the 2-hour answer was late when given)
        clock["now"] = START + dt.timedelta(hours=4)
        reopened = ticket_update(made[1], actor=ada, status=first_status("open"))
        reopened = ticket_update(reopened, actor=ada, status=first_status("solved"))
        rating_save(made[0], score=5)
        rating_save(reopened, score=2)
        other = ticket_create(actor=bayo, owner=bayo, team=south, subject="Not Ada's",
                              person=make_person(actor=bayo, owner=bayo, team=south))  # fmt: skip
    return {"ada": ada, "bayo": bayo, "lead": lead, "north": north, "made": made, "other": other}


def test_figures_by_team_with_links_to_their_tickets(desk, client):
    client.force_login(desk["lead"])
    with mock.patch("django.utils.timezone.now", return_value=START + dt.timedelta(days=2)):
        page = client.get("/tickets/reports/?by=team&start=2026-11-01&end=2026-11-30")
    assert page.status_code == 200
    [north] = page.context["report"].rows  # the lead sees North's tickets only
    assert (north.label, north.created, north.solved) == ("North desk", 3, 2)
    assert north.median_answer_hours == 1.25  # 0.5 h and 2 h
    assert north.sla_percent == 33  # the unanswered one missed too, by the scan
    assert north.reopen_percent == 50 and north.csat == 50
    assert north.backlog == 1 and north.ages == [0, 1, 0, 0]  # made two days ago
    link = f"/tickets/?team={desk['north'].pk}&amp;from=2026-11-01&amp;to=2026-11-30"
    assert link in page.text and "late=1" in page.text and "backlog=1" in page.text
    listed = client.get(f"/tickets/?team={desk['north'].pk}&from=2026-11-01&to=2026-11-30&late=1")
    assert len(listed.context["rows"]) == 2


def test_by_channel_and_agent_csv_and_api_agree(desk, client, api_client):
    client.force_login(desk["lead"])
    by_channel = client.get("/tickets/reports/?by=channel&start=2026-11-01&end=2026-11-30")
    labels = {row.label for row in by_channel.context["report"].rows}
    assert labels == {"Phone", "WhatsApp", "Email"}
    csv = client.get("/tickets/reports/?by=agent&start=2026-11-01&end=2026-11-30&format=csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("group,created,solved") and lines[1].startswith("ada,3,2,1.25")
    api = call(api_client(desk["lead"]), "get",
               "/api/v1/service-reports?by=agent&start=2026-11-01&end=2026-11-30").json()  # fmt: skip
    assert api["rows"][0]["name"] == "ada" and api["rows"][0]["created"] == 3
    assert api["total"]["csat_percent"] == 50
    assert (
        call(api_client(desk["lead"]), "get", "/api/v1/service-reports?by=planet").status_code
        == 422
    )

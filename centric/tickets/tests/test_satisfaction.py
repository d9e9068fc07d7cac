"""Satisfaction: a solved ticket's customer gets an email (through a real SMTP server on
loopback) with a signed link per score; the link's page has the score chosen and one click
sends it, with a comment; a forged, altered or unknown link shows nothing; the results per
agent, team, category and month, and as CSV."""

from __future__ import annotations

import re

import pytest
from django.core import signing

from centric.customers.testing import make_person
from centric.tickets.models import SatisfactionRating, TicketCategory
from centric.tickets.satisfaction import SALT, rating_token, survey_send
from centric.tickets.services import ticket_create, ticket_update
from centric.tickets.statuses import first_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(make_user, make_team, django_capture_on_commit_callbacks):
    team = make_team("Service")
    agent = make_user("ngozi", role="Service desk", team=team)
    caller = make_person(actor=agent, owner=agent, team=team, first_name="Kemi",
                         email="kemi@example.com")  # fmt: skip
    ticket = ticket_create(actor=agent, subject="Inverter beeps", person=caller,
                           category=TicketCategory.objects.create(name="Repairs"))  # fmt: skip
    with django_capture_on_commit_callbacks() as queued:
        ticket = ticket_update(ticket, actor=agent, status=first_status("solved"))
    return {"ticket": ticket, "agent": agent, "team": team, "queued": queued}


def test_solving_emails_the_survey_once_with_a_link_per_score(solved, smtp):
    from django_tasks_db.models import DBTaskResult

    [callback] = solved["queued"]  # after the commit: the worker's task
    callback()
    assert DBTaskResult.objects.filter(task_path__endswith="send_survey").count() == 1
    assert survey_send(solved["ticket"].pk) == "sent"
    assert survey_send(solved["ticket"].pk) == "already asked"  # a retried task sends nothing
    [mail] = smtp.messages
    assert mail["To"] == "kemi@example.com"
    assert mail["Subject"] == f"How did we do? [{solved['ticket'].number}]"
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    links = re.findall(r"http://\S+/rate/(\S+)/\?score=(\d)", text)
    assert [score for _token, score in links] == ["1", "2", "3", "4", "5"]
    assert "Hello Kemi" in text


def test_the_link_opens_the_page_with_the_score_and_one_click_sends_it(solved, client):
    token = rating_token(solved["ticket"])
    page = client.get(f"/rate/{token}/?score=4")
    assert page.status_code == 200 and 'value="4" id="score-4" checked' in page.text
    assert (
        not SatisfactionRating.objects.exists()
    )  # opening the link (a mail scanner) records nothing
    sent = client.post(f"/rate/{token}/", {"score": "4", "comment": "Fixed the same day"})
    assert "You rated" in sent.text
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment, rating.agent, rating.team) == (
        4, "Fixed the same day", solved["agent"], solved["team"])  # fmt: skip
    client.post(f"/rate/{token}/", {"score": "2"})  # changed its mind
    assert SatisfactionRating.objects.get().score == 2
    bad = client.post(f"/rate/{token}/", {"score": "9"})
    assert bad.status_code == 400 and "1 to 5" in bad.text
    assert SatisfactionRating.objects.get().score == 2


def test_a_forged_or_altered_link_shows_nothing(solved, client):
    forged = signing.dumps({"t": solved["ticket"].pk}, salt="another-salt")
    for token in (forged, rating_token(solved["ticket"])[:-2] + "xx",
                  signing.dumps({"t": 999999}, salt=SALT)):  # fmt: skip
        page = client.get(f"/rate/{token}/?score=5")
        assert page.status_code == 404 and "Inverter" not in page.text
        assert client.post(f"/rate/{token}/", {"score": "5"}).status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_the_results_by_agent_team_category_and_month(solved, client, admin_user):
    token = rating_token(solved["ticket"])
    client.post(f"/rate/{token}/", {"score": "5", "comment": "Great"})
    client.force_login(solved["agent"])
    page = client.get("/tickets/satisfaction/")
    report = page.context["report"]
    assert (report.total.count, report.total.csat) == (1, 100)
    assert report.by_agent[0].label == "ngozi" and report.by_category[0].label == "Repairs"
    assert "Great" in page.text
    csv = client.get("/tickets/satisfaction/?format=csv").content.decode()
    assert "agent,ngozi,1,1,100" in csv
    assert "/tickets/satisfaction/" in client.get("/tickets/").text


def test_the_api_gives_the_same_results(solved, client, api_client):
    from centric.core.api.testing import call

    client.post(f"/rate/{rating_token(solved['ticket'])}/", {"score": "3"})
    found = call(api_client(solved["agent"]), "get", "/api/v1/satisfaction").json()
    assert (found["total"]["ratings"], found["total"]["csat"]) == (1, 0)
    assert found["by_category"][0]["name"] == "Repairs"

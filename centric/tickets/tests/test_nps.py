"""NPS surveys: sent by email (a real SMTP server on loopback) to the people with a tag or in a
lifecycle stage whom the sender may see, never to one who refused marketing email; each answers
from a signed link (the page has the score chosen, one click sends it); the score is promoters
less detractors; a forged link shows nothing."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from centric.customers.models import Consent
from centric.customers.testing import make_person
from centric.tickets.models import NpsResponse
from centric.tickets.nps import SALT, nps_send, survey_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(make_user, make_team):
    team, other = make_team("Service"), make_team("Sales")
    lead = make_user("lead", role="Manager", team=team)
    lead.team.lead = lead
    lead.team.save()
    people = []
    for number, name in enumerate(["Kemi", "Tunde", "Amaka", "Sola"]):
        person = make_person(actor=lead, owner=lead, team=team, first_name=name,
                             email=f"{name.lower()}@example.com", tags=["VIP"])  # fmt: skip
        people.append(person)
    Consent.objects.create(person=people[3], purpose="marketing_email", status="withdrawn",
                           method="form")  # fmt: skip
    hidden = make_person(owner=make_user("seller", team=other), team=other, first_name="Hidden",
                         email="hidden@example.com", tags=["VIP"])  # fmt: skip
    return {"lead": lead, "people": people, "hidden": hidden}


def test_the_survey_goes_to_the_group_and_the_answers_make_the_score(group, smtp, client):
    survey = survey_create(actor=group["lead"], name="Q4", tag="vip")
    invited = set(NpsResponse.objects.filter(survey=survey).values_list("email", flat=True))
    assert invited == {"kemi@example.com", "tunde@example.com", "amaka@example.com"}
    assert nps_send(survey.pk) == 3
    assert nps_send(survey.pk) == 0  # a retried task sends nothing twice
    links = {}
    for mail in smtp.messages:
        text = mail.get_body(("plain",)).get_content()
        links[mail["To"]] = {
            score: token for token, score in re.findall(r"/nps/(\S+)/\?score=(\d+)", text)
        }
        assert sorted(links[mail["To"]], key=int) == [str(n) for n in range(11)]
    for email, score in (("kemi@example.com", "10"), ("tunde@example.com", "9"),
                         ("amaka@example.com", "3")):  # fmt: skip
        token = links[email][score]
        page = client.get(f"/nps/{token}/?score={score}")
        assert f'value="{score}" id="score-{score}" checked' in page.text
        assert client.post(f"/nps/{token}/", {"score": score, "comment": "Fast"}).status_code == 200
    client.force_login(group["lead"])
    result_page = client.get(f"/tickets/nps/{survey.pk}/")
    result = result_page.context["result"]
    assert (result.promoters, result.passives, result.detractors, result.score) == (2, 0, 1, 33)
    assert "NPS 33" in result_page.text and "Fast" in result_page.text
    assert "Q4" in client.get("/tickets/nps/").text


def test_bad_answers_and_forged_links_change_nothing(group, client):
    survey = survey_create(actor=group["lead"], name="Q4", tag="VIP")
    response = NpsResponse.objects.filter(survey=survey).first()
    good = signing.dumps({"r": response.pk}, salt=SALT, compress=True)
    assert client.post(f"/nps/{good}/", {"score": "11"}).status_code == 400
    forged = signing.dumps({"r": response.pk}, salt="other")
    assert client.post(f"/nps/{forged}/", {"score": "10"}).status_code == 404
    response.refresh_from_db()
    assert response.score is None


def test_a_survey_needs_a_group_somebody_in_it_and_the_right(group, client, make_user):
    with pytest.raises(ValidationError, match="Choose who it goes to"):
        survey_create(actor=group["lead"], name="Empty")
    with pytest.raises(ValidationError, match="Nobody you may see"):
        survey_create(actor=group["lead"], name="Nobody", tag="no-such-tag")
    client.force_login(make_user("agent", role="Service desk"))
    assert client.get("/tickets/nps/").status_code == 403
    page_sent = client.post("/tickets/nps/", {"name": "Mine", "tag": "VIP"})
    assert page_sent.status_code == 403
    client.force_login(group["lead"])
    sent = client.post("/tickets/nps/", {"name": "From the page", "tag": "VIP"})
    assert sent.status_code == 302


def test_the_api_sends_a_survey_and_reads_its_result(group, api_client, make_user):
    from centric.core.api.testing import assert_problem, call

    api = api_client(group["lead"])
    made = call(api, "post", "/api/v1/nps-surveys", {"name": "By API", "tag": "VIP"})
    assert made.status_code == 201, made.content
    assert made.json()["invited"] == 3 and made.json()["nps"] is None
    one = call(api, "get", f"/api/v1/nps-surveys/{made.json()['id']}").json()
    assert one["by_score"] == [0] * 11
    assert_problem(call(api, "post", "/api/v1/nps-surveys", {"name": "Nobody"}), 422, field="tag")
    agent = api_client(make_user("agent", role="Service desk"))
    assert (
        call(agent, "post", "/api/v1/nps-surveys", {"name": "X", "tag": "VIP"}).status_code == 403
    )

"""Assignment of new tickets: the first matching rule picks the team (category, channel, a word,
the customer's tag), in turn or by fewest open tickets, passing over members marked away (who
say so from the sidebar); leads' round-robin passes them over too."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.notifications.models import Notification
from centric.tickets.models import AssignmentRule, TicketCategory
from centric.tickets.services import ticket_create
from centric.tickets.settings_services import assignment_rule_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    desk, tech = make_team("Service"), make_team("Technicians")
    return {
        "desk": desk,
        "tech": tech,
        "ngozi": make_user("ngozi", role="Service desk", team=desk),
        "obi": make_user("obi", role="Service desk", team=tech),
        "ife": make_user("ife", role="Service desk", team=tech),
        "tunde": make_user("tunde", role="Service desk", team=tech),
    }


def _new(world, subject, **fields):
    caller = fields.pop("person", None) or make_person(actor=world["ngozi"], email="c@example.com")
    return ticket_create(actor=world["ngozi"], subject=subject, person=caller, **fields)


def test_round_robin_by_category_skips_who_is_away_and_tells_the_assignee(world):
    repairs = TicketCategory.objects.create(name="Repairs")
    assignment_rule_save(name="Repairs", team_id=world["tech"].pk, category_id=repairs.pk)
    world["ife"].is_away = True
    world["ife"].save()

    owners = [_new(world, f"Broken {n}", category=repairs).owner for n in range(3)]

    assert owners == [world["obi"], world["tunde"], world["obi"]]  # Ife is away
    assert (
        Notification.objects.filter(user=world["obi"], title__startswith="New ticket").count() == 2
    )
    unmatched = _new(world, "A question")
    assert (unmatched.owner, unmatched.team) == (world["ngozi"], world["desk"])  # no rule


def test_least_loaded_keyword_channel_and_tier_rules(world):

    assignment_rule_save(
        name="Refunds", team_id=world["tech"].pk, keyword="refund", method="least_loaded"
    )
    first = _new(world, "I want a REFUND")
    second = _new(world, "Refund please")
    assert {first.owner, second.owner} == {world["obi"], world["ife"]}  # one each, fewest open
    assignment_rule_save(
        name="WhatsApp", team_id=world["desk"].pk, channel="whatsapp", method="team"
    )
    waiting = _new(world, "Hello", channel="whatsapp")
    assert waiting.team == world["desk"] and waiting.owner is None  # the team picks it up


def test_a_tier_rule_reads_the_customers_tags(world):
    from centric.customers.services import person_update

    vip = make_person(actor=world["ngozi"], first_name="Chief", email="chief@example.com")
    person_update(vip, actor=world["ngozi"], tags=["VIP"])
    assignment_rule_save(name="VIPs", team_id=world["tech"].pk, customer_tag="vip")
    assert _new(world, "Generator", person=vip).team == world["tech"]
    assert _new(world, "Generator").team == world["desk"]


def test_rules_through_the_api_and_the_away_button(world, admin_user, api_client, client):
    admin = api_client(admin_user)
    made = call(
        admin,
        "post",
        "/api/v1/ticket-assignment-rules",
        {"name": "All to tech", "team_id": world["tech"].pk, "method": "least_loaded"},
    )
    assert made.status_code == 201
    assert_problem(
        call(admin, "post", "/api/v1/ticket-assignment-rules", {"name": "Bad", "team_id": 999999}),
        422,
        field="team_id",
    )
    assert (
        call(admin, "delete", f"/api/v1/ticket-assignment-rules/{made.json()['id']}").status_code
        == 204
    )
    assert not AssignmentRule.objects.filter(is_active=True).exists()

    client.force_login(world["obi"])
    assert "Mark me away" in client.get("/").text
    assert client.post("/staff/away/", {"away": "1"}).status_code == 302
    world["obi"].refresh_from_db()
    assert world["obi"].is_away and "I'm back" in client.get("/").text
    client.post("/staff/away/", {"away": "0"})
    world["obi"].refresh_from_db()
    assert not world["obi"].is_away


def test_lead_round_robin_passes_over_who_is_away(world):
    from centric.leads.models import AssignmentRule as LeadRule
    from centric.leads.services import lead_create

    LeadRule.objects.create(name="All", team=world["tech"])
    world["obi"].is_away = True
    world["obi"].save()
    owners = [
        lead_create(actor=world["ngozi"], first_name=f"L{n}", phone=f"0803123450{n}").owner
        for n in range(2)
    ]
    assert owners == [world["ife"], world["tunde"]]

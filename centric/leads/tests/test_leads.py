"""Leads: captured by hand and by the API, scored by the business's rules with decay and
explained, handed out round-robin by source and territory, and converted in one step — to the
customer on file when the matcher finds them, never a duplicate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from centric.core.api.testing import assert_problem, call
from centric.customers.models import Person
from centric.customers.testing import make_person
from centric.interactions.models import Interaction
from centric.leads.conversion import lead_convert
from centric.leads.models import AssignmentRule, Lead, LeadEvent, ScoringRule
from centric.leads.scoring import decayed
from centric.leads.services import lead_event_record, rescore_all, scoring_rule_save
from centric.leads.testing import make_lead
from centric.notifications.models import Notification
from centric.sales.testing import make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, abuja = make_team("Sales Lagos"), make_team("Sales Abuja")
    return {
        "ada": make_user("ada", team=sales),
        "chidi": make_user("chidi", team=sales),
        "musa": make_user("musa", team=abuja),
        "zainab": make_user("zainab", team=abuja),
        "admin": make_user("admin", role="Administrator", team=sales),
        "abuja": abuja,
    }


def _rules():
    for rule in (
        ScoringRule(
            name="Referral", kind="attribute", attribute="source", value="referral", points=20
        ),
        ScoringRule(
            name="Big budget",
            kind="attribute",
            attribute="budget_at_least",
            value="1000000",
            points=15,
        ),
        ScoringRule(name="Decision maker", kind="attribute", attribute="decision_maker", points=10),
        ScoringRule(
            name="Opened the price list",
            kind="behaviour",
            behaviour="opened_price_list",
            points=10,
            half_life_days=7,
        ),
    ):
        scoring_rule_save(rule)


def test_the_score_adds_the_rules_that_apply_and_explains_them(world):
    _rules()

    lead = make_lead(
        owner=world["ada"],
        source="referral",
        budget=Decimal("2500000"),
        decision_maker=True,
        first_name="Amaka",
        last_name="Eze",
    )

    assert lead.score == 45
    assert [line["why"] for line in lead.score_details] == [
        "Source is Referral",
        "Budget of at least 1000000",
        "Is the decision maker",
    ]


def test_behaviour_points_decay_and_a_retried_event_counts_once(world):
    _rules()
    lead = make_lead(owner=world["ada"])
    week_ago = timezone.now() - dt.timedelta(days=7)

    lead_event_record(lead=lead, key="opened_price_list", occurred_at=week_ago, external_id="m-1")
    lead_event_record(lead=lead, key="opened_price_list", occurred_at=week_ago, external_id="m-1")
    lead.refresh_from_db()

    assert LeadEvent.objects.filter(lead=lead).count() == 1
    assert lead.score == 5  # 10 points, one half-life ago
    assert decayed(10, dt.timedelta(days=14), 7) == pytest.approx(2.5)
    assert decayed(10, dt.timedelta(days=400), None) == 10
    # A day later, the daily rescoring lowers it again.
    LeadEvent.objects.filter(lead=lead).update(occurred_at=week_ago - dt.timedelta(days=7))
    rescore_all()
    lead.refresh_from_db()
    assert lead.score == 2  # 2.5 rounded


def test_an_event_in_the_future_is_refused(world):
    lead = make_lead(owner=world["ada"])

    with pytest.raises(ValidationError):
        lead_event_record(
            lead=lead, key="opened_price_list", occurred_at=timezone.now() + dt.timedelta(days=1)
        )
    assert not LeadEvent.objects.exists()


def test_new_leads_go_round_the_team_by_territory(world):
    AssignmentRule.objects.create(name="Abuja", territory="Abuja", team=world["abuja"])

    owners = [lead_create_by_api_user(world, territory="abuja").owner for _ in range(3)]
    lagos = lead_create_by_api_user(world, territory="Lagos")

    assert owners == [world["musa"], world["zainab"], world["musa"]]
    assert lagos.owner == world["admin"]  # no rule matched: the creator keeps it
    (told,) = Notification.objects.filter(user=world["zainab"])
    assert told.title.startswith("New lead:")


def lead_create_by_api_user(world, **fields):
    from centric.leads.services import lead_create

    return lead_create(
        actor=world["admin"], first_name="Garba", last_name="Bello", phone="0803 555 0101", **fields
    )


def test_a_lead_needs_a_name_and_a_way_to_reach_it(world, api_client):
    api = api_client(world["ada"])

    no_contact = call(api, "post", "/api/v1/leads", {"first_name": "Bisi"})
    bad_phone = call(api, "post", "/api/v1/leads", {"first_name": "Bisi", "phone": "12"})
    made = call(
        api,
        "post",
        "/api/v1/leads",
        {
            "first_name": "Bisi",
            "last_name": "Adeyemi",
            "phone": "0803 555 0142",
            "source": "whatsapp",
        },
    )

    assert_problem(no_contact, 422, field="phone")
    assert_problem(bad_phone, 422, field="phone")
    assert made.status_code == 201, made.content
    assert Lead.objects.get().phone_normalized == "+2348035550142"


def test_converting_links_to_the_customer_already_on_file(world):
    existing = make_person(
        actor=world["ada"],
        first_name="Chinedu",
        last_name="Okafor",
        phone="+2348035550177",
        email="chinedu.okafor@example.com",
    )
    lead = make_lead(
        owner=world["ada"],
        first_name="Chinedu",
        last_name="Okafor",
        phone="0803 555 0177",
        email="CHINEDU.OKAFOR@example.com",
        organisation_name="Okafor Hardware",
        need="50 bags of cement",
        budget=Decimal("450000"),
        notes="Met at the Trade Fair",
    )
    lead_event_record(lead=lead, key="asked_for_quote")
    make_pipeline()

    result = lead_convert(lead, actor=world["ada"])

    assert result.person == existing and not result.person_is_new
    assert Person.objects.count() == 1  # no duplicate
    assert result.deal is not None and result.deal.amount == Decimal("450000.00")
    assert result.deal.person == existing and result.deal.organisation.name == "Okafor Hardware"
    timeline = Interaction.objects.filter(person=existing)
    assert timeline.filter(subject="Converted from a lead").exists()
    assert timeline.filter(subject="Asked for quote").exists()
    lead.refresh_from_db()
    assert lead.status == "converted" and lead.converted_person == existing
    with pytest.raises(ValidationError):
        lead_convert(lead, actor=world["ada"])


def test_converting_a_new_person_without_a_deal(world):
    lead = make_lead(owner=world["ada"], first_name="Ifeoma", last_name="Nwankwo")

    result = lead_convert(lead, actor=world["ada"], create_deal=False)

    assert result.person_is_new and result.deal is None
    assert result.person.first_name == "Ifeoma" and result.person.owner == world["ada"]
    assert result.person.contact_points.filter(value_normalized=lead.phone_normalized).exists()


def test_the_api_converts_and_refuses_a_second_time(world, api_client):
    make_pipeline()
    lead = make_lead(owner=world["ada"], first_name="Emeka", last_name="Obi")
    api = api_client(world["ada"])

    matches = call(api, "get", f"/api/v1/leads/{lead.pk}/matches")
    done = call(api, "post", f"/api/v1/leads/{lead.pk}/convert", {"deal_title": "Uniforms"})
    again = call(api, "post", f"/api/v1/leads/{lead.pk}/convert", {})

    assert matches.status_code == 200 and matches.json() == []
    assert done.status_code == 201, done.content
    assert done.json()["person_is_new"] is True and done.json()["deal_id"]
    assert_problem(again, 422)


def test_a_lead_others_may_not_see_is_a_404(world, api_client, client):
    lead = make_lead(owner=world["musa"])

    assert call(api_client(world["ada"]), "get", f"/api/v1/leads/{lead.pk}").status_code == 404
    assert (
        call(api_client(world["ada"]), "post", f"/api/v1/leads/{lead.pk}/convert", {}).status_code
        == 404
    )
    client.force_login(world["ada"])
    assert client.get(f"/leads/{lead.pk}/convert/").status_code == 404


def test_the_pages_convert_and_show_the_score(world, client):
    _rules()
    make_pipeline()
    lead = make_lead(owner=world["ada"], source="referral", first_name="Kemi", last_name="Bello")
    client.force_login(world["ada"])

    detail = client.get(f"/leads/{lead.pk}/")
    client.post(f"/leads/{lead.pk}/events/", {"key": "opened_price_list"})
    form = client.get(f"/leads/{lead.pk}/convert/")
    converted = client.post(
        f"/leads/{lead.pk}/convert/",
        {
            "person": "auto",
            "create_deal": "on",
            "deal_title": "School uniforms",
            "amount": "120,000",
        },
    )

    assert "Source is Referral" in detail.text and "Convert" in detail.text
    assert "No one on file matches" in form.text
    assert converted.status_code == 302 and "/sales/deals/" in converted["Location"]
    lead.refresh_from_db()
    assert lead.converted_deal.amount == Decimal("120000.00") and lead.score == 30


def test_my_day_lists_new_leads_best_first(world, client):
    _rules()
    make_lead(owner=world["ada"], first_name="Low", last_name="Score")
    make_lead(owner=world["ada"], first_name="High", last_name="Score", source="referral")
    client.force_login(world["ada"])

    page = client.get("/")

    text = page.text
    assert "New leads for you" in text
    assert text.index("High Score") < text.index("Low Score")


def test_scoring_rules_are_for_administrators(world, client, api_client):
    client.force_login(world["ada"])

    assert client.get("/leads/scoring/").status_code == 403
    refused = call(
        api_client(world["ada"]),
        "post",
        "/api/v1/lead-scoring-rules",
        {"name": "x", "kind": "attribute", "attribute": "has_email", "points": 5},
    )
    assert refused.status_code == 403
    made = call(
        api_client(world["admin"]),
        "post",
        "/api/v1/lead-scoring-rules",
        {"name": "Email", "kind": "attribute", "attribute": "has_email", "points": 5},
    )
    assert made.status_code == 201
    bad = call(
        api_client(world["admin"]),
        "post",
        "/api/v1/lead-scoring-rules",
        {"name": "x", "kind": "attribute", "attribute": "star_sign", "points": 5},
    )
    assert_problem(bad, 422, field="attribute")

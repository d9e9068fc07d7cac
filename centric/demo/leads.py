"""The demo business's leads: scoring rules (with decay) and an assignment rule, and leads from
WhatsApp, referrals, walk-ins and the website — new, contacted and a few converted, one of them
a customer already on file — so the leads pages, scores and My day have something real."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from centric.demo.generator import DemoBuilder

LEAD_PREFIX = "demo-lead-"
# People and organisations that converting the demo's leads made.
MADE_PREFIX = "demo-from-lead-"
RULES = [
    ("Referred by a customer", "attribute", "source", "referral", "", 20, None),
    ("Budget of ₦1m or more", "attribute", "budget_at_least", "1000000", "", 15, None),
    ("Talks to the decision maker", "attribute", "decision_maker", "", "", 10, None),
    ("Buying this month", "attribute", "timeframe", "this_month", "", 10, None),
    ("Opened the price list", "behaviour", "", "", "opened_price_list", 10, 7),
    ("Replied within a day", "behaviour", "", "", "replied_within_a_day", 15, 14),
    ("Did not reply", "behaviour", "", "", "no_reply", -10, 14),
]
NEEDS = [
    "Generator servicing for the office",
    "Uniforms for 40 pupils",
    "POS terminals for three shops",
    "Monthly supply of rice and oil",
    "Office chairs and desks",
    "Solar inverter for the clinic",
]
TERRITORIES = ["Lagos Island", "Lagos Mainland", "Abuja", "Port Harcourt", "Ibadan"]
SOURCES = ["whatsapp", "whatsapp", "referral", "walk_in", "website", "phone", "social"]


def _email(first: str, last: str, number: int) -> str:
    from unidecode import unidecode

    local = ".".join("".join(c for c in unidecode(part) if c.isalnum()) for part in (first, last))
    return f"{local}{number}@example.com".lower()


def build_leads(builder: DemoBuilder) -> None:
    from centric.demo import data
    from centric.leads.conversion import lead_convert
    from centric.leads.models import AssignmentRule, Lead, LeadEvent, ScoringRule
    from centric.leads.services import lead_create, rescore_all

    rng = builder.rng
    for index, (name, kind, attribute, value, behaviour, points, half) in enumerate(RULES):
        ScoringRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "attribute": attribute,
                "value": value,
                "behaviour": behaviour,
                "points": points,
                "half_life_days": half,
                "position": index,
            },
        )
    sales_team = builder.owners[0].team
    if sales_team is not None:
        AssignmentRule.objects.get_or_create(
            name="WhatsApp leads go round Sales",
            defaults={"source": "whatsapp", "team": sales_team},
        )
    sellers = builder.owners[:3]
    for number in range(60):
        first = rng.choice(data.YORUBA_FIRST + data.IGBO_FIRST + data.HAUSA_FIRST)
        last = rng.choice(data.YORUBA_LAST + data.IGBO_LAST + data.HAUSA_LAST)
        source = rng.choice(SOURCES)
        organisation = rng.choice(data.ORGANISATIONS)[0] if rng.random() < 0.4 else ""
        lead = lead_create(
            actor=rng.choice(sellers),
            # WhatsApp leads come unowned: the assignment rule hands them out.
            owner=None if source == "whatsapp" else rng.choice(sellers),
            first_name=first,
            last_name=last,
            organisation_name=organisation,
            phone=f"{rng.choice(data.NG_PREFIXES)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
            email=_email(first, last, number) if rng.random() < 0.6 else "",
            source=source,
            territory=rng.choice(TERRITORIES),
            budget=Decimal(rng.randrange(5, 400) * 10_000) if rng.random() < 0.7 else None,
            need=rng.choice(NEEDS),
            decision_maker=rng.random() < 0.5,
            timeframe=rng.choice(["", "this_month", "this_quarter", "later"]),
            status=rng.choice(["new", "new", "new", "contacted", "qualified"]),
            external_id=f"{LEAD_PREFIX}{number:03d}",
        )
        created = builder.now - dt.timedelta(days=rng.randrange(0, 45), hours=rng.randrange(24))
        Lead.objects.filter(pk=lead.pk).update(created_at=created, assigned_at=created)
        for key in rng.sample(
            ["opened_price_list", "replied_within_a_day", "no_reply"], k=rng.randrange(0, 3)
        ):
            LeadEvent.objects.create(
                lead=lead,
                key=key,
                occurred_at=created + dt.timedelta(hours=rng.randrange(1, 72)),
                detail="",
            )
    rescore_all()
    # A few qualified leads converted; one of them a customer on file already (no duplicate).
    for lead in Lead.objects.filter(external_id__startswith=LEAD_PREFIX, status="qualified")[:4]:
        _mark_demo(lead_convert(lead, actor=lead.owner, create_deal=True))
    from centric.customers.models import ContactPoint

    point = (
        ContactPoint.objects.filter(
            kind="phone", person__external_id__startswith="demo-p-", person__owner__isnull=False
        )
        .select_related("person__owner")
        .order_by("person__external_id")
        .first()
    )
    if point is not None and point.person is not None:
        existing = point.person
        lead = lead_create(
            actor=existing.owner,
            owner=existing.owner,
            first_name=existing.first_name,
            last_name=existing.last_name,
            phone=point.value,
            source="referral",
            need="Wants a second order",
            external_id=f"{LEAD_PREFIX}returning",
        )
        _mark_demo(lead_convert(lead, actor=existing.owner, create_deal=False))
    builder.counts["leads"] = Lead.objects.filter(external_id__startswith=LEAD_PREFIX).count()


def _mark_demo(conversion: Any) -> None:
    """What a conversion made is the demo's too, so `centric demo --reset` removes it."""
    from centric.customers.models import Organisation, Person
    from centric.sales.models import Deal

    key = conversion.lead.external_id.removeprefix(LEAD_PREFIX)
    if conversion.person_is_new:
        Person.objects.filter(pk=conversion.person.pk).update(external_id=f"{MADE_PREFIX}p-{key}")
    organisation = conversion.organisation
    if organisation is not None and not organisation.external_id:
        Organisation.objects.filter(pk=organisation.pk).update(external_id=f"{MADE_PREFIX}o-{key}")
    if conversion.deal is not None:
        Deal.objects.filter(pk=conversion.deal.pk).update(external_id=f"demo-deal-lead-{key}")


def remove_leads() -> None:
    from centric.customers.models import Organisation, Person
    from centric.leads.models import Lead

    Lead.objects.filter(external_id__startswith=LEAD_PREFIX).delete()
    Lead.history.filter(external_id__startswith=LEAD_PREFIX).delete()
    Person.objects.filter(external_id__startswith=MADE_PREFIX).delete()
    Organisation.objects.filter(external_id__startswith=MADE_PREFIX).delete()

"""The demo business's sales: two pipelines and deals with its customers, each owned by the
person's owner (so whoever sees the customer sees the deal), spread over the past months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from centric.demo.generator import DemoBuilder

DEAL_PREFIX = "demo-deal-"
PIPELINES: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "Retail",
        [
            {"name": "New enquiry", "probability": 10},
            {"name": "Qualified", "probability": 30},
            {"name": "Price list sent", "probability": 50, "required_fields": ["amount"]},
            {
                "name": "Negotiation",
                "probability": 75,
                "required_fields": ["amount", "expected_close_on"],
            },
            {"name": "Closed won", "probability": 100, "outcome": "won"},
            {"name": "Closed lost", "probability": 0, "outcome": "lost"},
        ],
    ),
    (
        "Corporate accounts",
        [
            {"name": "Discovery", "probability": 15},
            {"name": "Site visit", "probability": 35, "required_fields": ["next_step"]},
            {"name": "Proposal", "probability": 60, "required_fields": ["amount"]},
            {
                "name": "Tender",
                "probability": 80,
                "required_fields": ["amount", "expected_close_on"],
            },
            {"name": "Closed won", "probability": 100, "outcome": "won"},
            {"name": "Closed lost", "probability": 0, "outcome": "lost"},
        ],
    ),
]
PRODUCTS = [
    "Solar inverter 5kVA",
    "Office chairs (20)",
    "POS terminals",
    "Bulk rice order",
    "Generator servicing contract",
    "Staff uniforms",
    "Water dispenser lease",
    "Catering for end-of-year party",
]
LOST_REASONS = [
    ("Price too high", False),
    ("Went with a competitor", True),
    ("No budget this year", False),
    ("No reply after the quote", False),
]
COMPETITORS = ["Jumia", "Konga", "Balogun market traders", "Slot Systems"]
NEXT_STEPS = ["Call back on Monday", "Send the price list on WhatsApp", "Visit the shop", ""]


def build_sales(builder: DemoBuilder) -> None:
    from centric.sales.choices import StageOutcome
    from centric.sales.models import Competitor, Deal, DealStageChange, LostReason, Pipeline
    from centric.sales.services import deal_create, pipeline_create

    rng = builder.rng
    reasons = [
        LostReason.objects.get_or_create(
            name=name, defaults={"names_competitor": names, "position": index}
        )[0]
        for index, (name, names) in enumerate(LOST_REASONS)
    ]
    competitors = [Competitor.objects.get_or_create(name=name)[0] for name in COMPETITORS]
    pipelines = [
        Pipeline.objects.filter(name=name).first()
        or pipeline_create(name=name, stages=stages, position=index)
        for index, (name, stages) in enumerate(PIPELINES)
    ]
    owners = {user.pk: user for user in builder.owners}
    people = [p for p in builder.people_rows if p.owner_id is not None and p.owner_id in owners]
    count = min(300, len(people) // 3)
    lost = 0
    for number in range(count):
        person = rng.choice(people)
        assert person.owner_id is not None  # only owned people were picked
        owner = owners[person.owner_id]
        pipeline = pipelines[0] if rng.random() < 0.7 else pipelines[1]
        stages = list(pipeline.open_stages())
        stage = rng.choices(stages, weights=[30, 20, 15, 10, 15, 10][: len(stages)])[0]
        created = builder.now - dt.timedelta(days=rng.randrange(1, 365), hours=rng.randrange(24))
        lost_reason = competitor = None
        if stage.outcome == StageOutcome.LOST:
            # Half the losses go to a competitor (every other one, so a small demo has some).
            lost += 1
            lost_reason = reasons[1] if lost % 2 else rng.choice([reasons[0], *reasons[2:]])
            competitor = rng.choice(competitors) if lost_reason.names_competitor else None
        deal = deal_create(
            actor=owner,
            title=f"{rng.choice(PRODUCTS)} — {person.first_name} {person.last_name}",
            pipeline=pipeline,
            stage=stage,
            amount=Decimal(rng.randrange(15, 4000) * 1000),
            expected_close_on=(created + dt.timedelta(days=rng.randrange(14, 120))).date(),
            person=person,
            next_step=rng.choice(NEXT_STEPS) or ("Agree a date" if stage.required_fields else ""),
            lost_reason=lost_reason,
            competitor=competitor,
            owner=owner,
            team=owner.team,
            external_id=f"{DEAL_PREFIX}{number:04d}",
        )
        later = min(created + dt.timedelta(days=rng.randrange(1, 30)), builder.now)
        closed = later if deal.closed_at else None
        Deal.objects.filter(pk=deal.pk).update(
            created_at=created, stage_entered_at=closed or created, closed_at=closed
        )
        DealStageChange.objects.filter(deal=deal).update(changed_at=created)
    builder.counts["deals"] = count


def remove_sales() -> None:
    from centric.sales.models import Competitor, Deal, LostReason, Pipeline

    Deal.objects.filter(external_id__startswith=DEAL_PREFIX).delete()
    Deal.history.filter(external_id__startswith=DEAL_PREFIX).delete()
    names = [name for name, _stages in PIPELINES]
    Pipeline.objects.filter(name__in=names, deals__isnull=True).delete()
    LostReason.objects.filter(name__in=[n for n, _c in LOST_REASONS], deals__isnull=True).delete()
    Competitor.objects.filter(name__in=COMPETITORS, deals__isnull=True).delete()

"""The demo business's service desk: tickets from customers of every team, worked by the
Service team (who look up any caller), some answered, some with internal notes, some solved —
so the ticket list, a ticket's conversation and the customers' timelines show something real."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from centric.demo.generator import DemoBuilder

TICKET_PREFIX = "demo-ticket-"
REQUESTS = [
    ("Generator will not start after servicing", "phone", "high"),
    ("Inverter beeps every few minutes", "whatsapp", "normal"),
    ("Delivery to Lekki has not arrived", "phone", "urgent"),
    ("Wrong size of solar panel delivered", "email", "normal"),
    ("Request for a receipt for the last payment", "email", "low"),
    ("Battery drains overnight", "whatsapp", "high"),
    ("Installer did not come on the agreed day", "phone", "high"),
    ("Price list for churches and schools", "walk_in", "low"),
]
CATEGORIES = ["Repairs", "Delivery", "Billing", "Installation"]
REPLIES = [
    "Sorry about this. Please send a photo of the control panel on WhatsApp and we will book a technician.",
    "Thank you for your patience: the driver is on his way and will call you.",
]
NOTES = [
    "Checked the warranty: still covered until March.",
    "Back office confirms the part is in stock.",
]


def build_service_levels(builder: DemoBuilder) -> None:
    """A Lagos office calendar (weekdays 8–5, Saturday mornings, Nigeria's public holidays)
    and four policies; skipped when the business has set its own."""
    from centric.tickets.models import BusinessCalendar, SlaPolicy
    from centric.tickets.sla_settings import calendar_save, policy_save

    if not BusinessCalendar.objects.exists():
        week = {str(day): [["08:00", "17:00"]] for day in range(5)}
        week["5"] = [["09:00", "13:00"]]
        calendar_save(
            name="Lagos office",
            week=week,
            holiday_country="NG",
            is_default=True,
            team_ids=[builder.teams["Service"].pk],
        )
    if SlaPolicy.objects.exists():
        return
    escalate = builder.teams["Management"].pk
    for name, priority, tag, first, solved in (
        ("Urgent", "urgent", "", 60, 8 * 60),
        ("VIP customers", "", "VIP", 2 * 60, 16 * 60),
        ("High", "high", "", 4 * 60, 24 * 60),
        ("Standard", "", "", 8 * 60, 40 * 60),
    ):
        policy_save(
            name=name,
            priority=priority,
            customer_tag=tag,
            first_response_minutes=first,
            resolution_minutes=solved,
            escalate_to_team_id=escalate if priority == "urgent" else None,
        )


GOODWILL_REASONS = ["Late delivery", "Faulty item", "Installer missed the visit", "Billing error"]


def build_goodwill(builder: DemoBuilder, tickets: list[Any]) -> None:
    """Reasons, the Service desk's limits (₦20,000 a time, ₦100,000 a month each), and goodwill
    on some tickets: most within the limit, one waiting for the admin's approval."""
    from decimal import Decimal

    from django.contrib.auth.models import Group

    from centric.goodwill.models import GoodwillReason
    from centric.goodwill.services import goodwill_answer, goodwill_create
    from centric.goodwill.settings_services import limit_save

    reasons = [GoodwillReason.objects.get_or_create(name=name)[0] for name in GOODWILL_REASONS]
    limit_save(
        role=Group.objects.get(name="Service desk"),
        per_action=Decimal("20000"),
        per_period=Decimal("100000"),
    )
    plan = [
        ("credit", "5000"),
        ("discount", "10000"),
        ("replacement", "18000"),
        ("refund", "45000"),
    ]
    for number, ticket in enumerate(tickets[: len(plan) * 2]):
        kind, amount = plan[number % len(plan)]
        action = goodwill_create(
            actor=ticket.owner,
            kind=kind,
            amount=amount,
            reason=reasons[number % len(reasons)],
            ticket=ticket,
            note="Offered on the phone; the customer accepted.",
        )
        if action.status == "pending" and number >= len(plan):
            goodwill_answer(
                action, actor=builder.users["admin"], approve=True, note="Loyal customer"
            )


ARTICLES = [
    (
        "Inverter beeps every few minutes",
        "Repairs",
        "public",
        "A beep every few minutes means the **battery is low**.\n\n1. Switch off heavy loads "
        "(pressing iron, pumping machine).\n2. Check that the battery terminals are tight.\n"
        "3. If it still beeps after an hour of NEPA light, call us on WhatsApp.",
    ),
    (
        "Delivery times in Lagos",
        "Delivery",
        "public",
        "| Area | Usual time |\n|---|---|\n| Lekki, Ajah | 1–2 days |\n| Ikeja, Yaba | next day |"
        "\n| Outside Lagos | 3–5 days |",
    ),
    (
        "How to ask for a receipt",
        "Billing",
        "public",
        "Reply to your order email with the word *receipt*, or ask us on WhatsApp.",
    ),
    (
        "Warranty check before booking a technician",
        "Repairs",
        "internal",
        "Look up the order's date: panels carry **2 years**, inverters **1 year**. Out of "
        "warranty: quote the call-out fee before booking.",
    ),
]


def build_knowledge(builder: DemoBuilder) -> None:
    """A few articles, public (the help pages) and internal, skipped when some exist."""
    from centric.knowledge.models import Article, ArticleCategory
    from centric.knowledge.services import article_create

    if Article.objects.exists():
        return
    author = builder.users["service"]
    for title, category, audience, body in ARTICLES:
        article_create(
            actor=author,
            title=title,
            body=body,
            category=ArticleCategory.objects.get_or_create(name=category)[0],
            audience=audience,
            status="published",
        )


def build_tickets(builder: DemoBuilder) -> None:
    from centric.customers.models import Person
    from centric.tickets.models import TicketCategory, TicketStatus
    from centric.tickets.replies import ticket_message_add
    from centric.tickets.services import ticket_create, ticket_update
    from centric.tickets.statuses import ensure_default_statuses

    rng = builder.rng
    ensure_default_statuses()
    build_service_levels(builder)
    categories = [TicketCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES]
    statuses = {status.kind: status for status in TicketStatus.objects.order_by("-position")}
    agents = [builder.users["service"], builder.users["service2"]]
    callers = list(
        Person.objects.filter(external_id__startswith="demo-p-", merged_into__isnull=True)
        .exclude(primary_email="")
        .order_by("id")[:60]
    )
    made = []
    for number, caller in enumerate(callers[:40]):
        agent = agents[number % 2]
        subject, channel, priority = REQUESTS[number % len(REQUESTS)]
        ticket = ticket_create(
            actor=agent,
            subject=subject,
            description=f"{caller.first_name} called about this.",
            person=caller,
            channel=channel,
            priority=priority,
            category=rng.choice(categories),
            owner=agent,
            team=agent.team,
            external_id=f"{TICKET_PREFIX}{number:03d}",
        )
        made.append(ticket)
        if number % 3 == 0:
            ticket_message_add(ticket, actor=agent, kind="internal", body=rng.choice(NOTES))
        if number % 2 == 0:
            ticket_message_add(ticket, actor=agent, kind="public", body=rng.choice(REPLIES))
            ticket = ticket_update(ticket, actor=agent, status=statuses["pending_customer"])
        if number % 5 == 0:
            ticket_update(ticket, actor=agent, status=statuses["solved"])
    builder.counts["tickets"] = min(len(callers), 40)
    build_goodwill(builder, made)
    build_knowledge(builder)


def remove_tickets() -> None:
    from centric.goodwill.models import GoodwillAction
    from centric.tickets.models import Ticket

    GoodwillAction.objects.filter(ticket__external_id__startswith=TICKET_PREFIX).delete()
    Ticket.objects.filter(external_id__startswith=TICKET_PREFIX).delete()
    Ticket.history.filter(external_id__startswith=TICKET_PREFIX).delete()

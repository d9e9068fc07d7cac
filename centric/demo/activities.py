"""The demo business's activities: for each owner, calls, meetings and visits about their deals'
customers — some overdue, some today, the rest ahead — a weekly repeating task, and a few
done ones on the customers' timelines, so My day, the calendar feed and the panels show
something real."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from centric.demo.generator import DemoBuilder

ACTIVITY_PREFIX = "demo-activity-"
PLANS = [
    ("call", "Call {first} about the price list", 15),
    ("call", "Follow up with {first} on WhatsApp", 10),
    ("meeting", "Meet {first} to agree the order", 60),
    ("visit", "Visit {first}'s shop", 90),
    ("task", "Send {first} the delivery schedule", 0),
]
OUTCOMES = ["Will pay on Friday", "Asked for a discount", "No answer, try again", "Agreed"]


def build_activities(builder: DemoBuilder) -> None:
    from django.utils import timezone

    from centric.activities.models import Activity
    from centric.activities.services import activity_complete, activity_create
    from centric.sales.models import Deal

    rng = builder.rng
    owners = {user.pk: user for user in builder.owners}
    deals = list(
        Deal.objects.filter(
            external_id__startswith="demo-deal-", closed_at__isnull=True, person__isnull=False
        ).select_related("person")[:240]
    )
    today = timezone.localtime(builder.now).replace(hour=8, minute=0, second=0, microsecond=0)
    number = 0
    for deal in deals:
        owner = owners.get(deal.owner_id or 0)
        if owner is None or deal.person is None:
            continue
        kind, title, minutes = rng.choice(PLANS)
        # A spread from a week back to three weeks ahead, in working hours.
        day = today + dt.timedelta(days=rng.randrange(-7, 21), hours=rng.randrange(1, 9))
        activity = activity_create(
            actor=owner,
            kind=kind,
            title=title.format(first=deal.person.first_name),
            due_at=day,
            all_day=kind == "task",
            duration_minutes=minutes,
            deal=deal,
            remind_minutes_before=30 if kind != "task" and day > builder.now else None,
            owner=owner,
            team=owner.team,
            external_id=f"{ACTIVITY_PREFIX}{number:04d}",
        )
        number += 1
        if day < builder.now and rng.random() < 0.5:
            activity_complete(activity, actor=owner, outcome=rng.choice(OUTCOMES))
    for owner in builder.owners:
        activity_create(
            actor=owner,
            kind="task",
            title="Weekly: check stock before the Monday calls",
            due_at=today + dt.timedelta(days=(7 - today.weekday()) % 7),
            all_day=True,
            recurrence="weekly",
            owner=owner,
            team=owner.team,
            external_id=f"{ACTIVITY_PREFIX}weekly-{owner.pk}",
        )
    builder.counts["activities"] = Activity.objects.filter(
        external_id__startswith=ACTIVITY_PREFIX
    ).count()


def remove_activities() -> None:
    from centric.activities.models import Activity

    Activity.objects.filter(external_id__startswith=ACTIVITY_PREFIX).delete()
    Activity.history.filter(external_id__startswith=ACTIVITY_PREFIX).delete()

"""Reminders, delivered by the worker at their time: an in-app notification and an email
through Django's email backend.

Saving an activity with a reminder enqueues `deliver_reminder` to run at `remind_at`. The task
delivers only what still holds: a reminder whose activity was done, deleted or moved (a new
`remind_at`, with its own task) is stale and skipped, and one already delivered is not delivered
again, so a retried or duplicated task notifies once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task, task_backends

from centric.activities.models import Activity
from centric.notifications.services import notify

logger = logging.getLogger(__name__)


@task()
def deliver_reminder(activity_id: int, remind_at: str) -> str:
    return reminder_deliver(activity_id, dt.datetime.fromisoformat(remind_at))


def schedule_reminder(activity_id: int, remind_at: dt.datetime) -> None:
    """Enqueue the reminder to run at its time. A backend that cannot defer (the immediate
    one of `CENTRIC_IMMEDIATE_TASKS`) delivers a reminder that is already due at once."""
    backend = task_backends[deliver_reminder.backend]
    if backend.supports_defer:
        deliver_reminder.using(run_after=remind_at).enqueue(activity_id, remind_at.isoformat())
    elif remind_at <= timezone.now():
        deliver_reminder.enqueue(activity_id, remind_at.isoformat())


def _when(activity: Activity) -> str:
    due = timezone.localtime(activity.due_at)
    if activity.all_day:
        return date_format(due, "DATE_FORMAT")
    return date_format(due, "DATETIME_FORMAT")


def _about(activity: Activity) -> str:
    names = [
        str(record) for record in (activity.person, activity.organisation, activity.deal) if record
    ]
    return ", ".join(names)


@transaction.atomic
def reminder_deliver(activity_id: int, remind_at: dt.datetime) -> str:
    """Deliver one reminder if it still holds; returns what happened ("sent", "stale"…)."""
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("owner", "person", "organisation", "deal")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        return "gone"
    if activity.done_at is not None or activity.remind_at != remind_at:
        return "stale"
    if activity.reminded_at is not None:
        return "already sent"
    owner: Any = activity.owner
    activity.reminded_at = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(reminded_at=activity.reminded_at)
    if owner is None or not owner.is_active:
        return "no one to remind"
    if not Activity.objects.visible_to(owner).filter(pk=activity.pk).exists():
        return "hidden from its owner"  # e.g. its customer moved to a team they cannot see
    path = reverse("activities:activity_detail", args=[activity.pk])
    title = _("Reminder: %(title)s") % {"title": activity.title}
    about = _about(activity)
    body = _("Due %(when)s") % {"when": _when(activity)} + (f" · {about}" if about else "")
    notify(
        user=owner,
        title=title,
        body=body,
        url=path,
        key=f"activity-reminder:{activity.pk}:{remind_at.isoformat()}",
    )
    if owner.email:
        text = "\n\n".join(
            part for part in (body, activity.notes, f"{settings.CENTRIC_BASE_URL}{path}") if part
        )
        transaction.on_commit(lambda: _email(owner.email, title, text))
    return "sent"


def _email(to: str, subject: str, text: str) -> None:
    """Send after the notification is saved; a mail server that is down is logged, and the
    in-app notification stands."""
    try:
        send_mail(subject, text, None, [to])
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("Reminder email to %s failed: %s", to, error)

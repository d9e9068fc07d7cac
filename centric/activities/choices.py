from django.db import models
from django.utils.translation import gettext_lazy as _

from centric.interactions.choices import Channel, Kind


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")


class Recurrence(models.TextChoices):
    """How a recurring activity repeats: done, it is followed by the next occurrence."""

    NONE = "", _("Does not repeat")
    DAILY = "daily", _("Every day")
    WEEKDAYS = "weekdays", _("Every weekday (Monday to Friday)")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    YEARLY = "yearly", _("Every year")


# What a done activity becomes on the customer's timeline: its kind and channel there.
TIMELINE_KIND = {
    ActivityKind.TASK: (Kind.TASK, Channel.OTHER),
    ActivityKind.CALL: (Kind.CALL, Channel.PHONE),
    ActivityKind.MEETING: (Kind.MEETING, Channel.IN_PERSON),
    ActivityKind.VISIT: (Kind.VISIT, Channel.VISIT),
}

# Reminder choices offered on the form, in minutes before the due time.
REMINDER_CHOICES = [
    (None, _("No reminder")),
    (0, _("At the due time")),
    (10, _("10 minutes before")),
    (30, _("30 minutes before")),
    (60, _("1 hour before")),
    (24 * 60, _("1 day before")),
]

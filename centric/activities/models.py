"""Activities: the tasks, calls, meetings and visits a seller's day is made of.

An activity is owned (its owner and team) and may be about a person, an organisation and a
deal: like a deal it is visible to those who may see it by its owner and team *and* may see the
customer it is about (decision 0066). Done, it lands on the customer's timeline.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.activities.choices import ActivityKind, Recurrence
from centric.core.models import OwnedRecord
from centric.customers.about import (
    ACCESS_COPIES,
    RULE_COLUMNS,
    AboutCustomer,
    AboutCustomerQuerySet,
)
from centric.customers.models import Organisation, Person
from centric.sales.models import Deal

MAX_DURATION_MINUTES = 14 * 24 * 60


class ActivityQuerySet(AboutCustomerQuerySet["Activity"]):
    def open(self) -> ActivityQuerySet:
        return self.filter(done_at__isnull=True)


ActivityManager = models.Manager.from_queryset(ActivityQuerySet)


class Activity(OwnedRecord, AboutCustomer):
    kind = models.CharField(
        _("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.TASK
    )
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"), default=timezone.now)
    # A task due on a day, not at a time (shown as an all-day event in calendars).
    all_day = models.BooleanField(_("all day"), default=False)
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    remind_minutes_before = models.PositiveIntegerField(
        _("remind me (minutes before)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DURATION_MINUTES)],
    )
    # When the reminder is due (due_at less the minutes), and when it was delivered.
    remind_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, default="", blank=True
    )
    recurrence_interval = models.PositiveSmallIntegerField(
        _("repeat every"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("e.g. 2 with “Every week”: every other week."),
    )
    # The occurrence this one follows (a recurring activity, done, is followed by one only).
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="following",
        editable=False,
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    outcome = models.CharField(_("outcome"), max_length=500, blank=True, editable=False)
    # The timeline entry the activity became when it was done.
    interaction = models.ForeignKey(
        "interactions.Interaction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="activities")
    history = HistoricalRecords(
        excluded_fields=["updated_at", "remind_at", "reminded_at", *ACCESS_COPIES]
    )

    objects = ActivityManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "team"], name="activity_owner_team"),
            # My day: a user's (or a team's) open activities by due time.
            # Counted from the index alone (INCLUDE: what the counts and the rule read).
            models.Index(
                fields=["owner", "due_at", "id"],
                include=["all_day", *RULE_COLUMNS],
                condition=Q(done_at__isnull=True),
                name="activity_open_by_owner",
            ),
            models.Index(
                fields=["team", "due_at", "id"],
                include=["all_day", *RULE_COLUMNS],
                condition=Q(done_at__isnull=True),
                name="activity_open_by_team",
            ),
            # The reminders still to deliver.
            models.Index(
                fields=["remind_at"],
                condition=Q(remind_at__isnull=False, reminded_at__isnull=True),
                name="activity_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        """Open and past its time (an all-day task: past its day)."""
        if self.done_at is not None:
            return False
        now = timezone.now()
        if self.all_day:
            return timezone.localdate(self.due_at) < timezone.localdate(now)
        return self.due_at < now

    @property
    def ends_at(self) -> dt.datetime:
        return self.due_at + dt.timedelta(minutes=self.duration_minutes)


class CalendarFeed(models.Model):
    """A user's activities as an iCalendar feed at a secret URL (Google Calendar, Outlook and
    phones subscribe to it). Only a SHA-256 hash of the secret is kept; a new feed revokes the
    old one, and a deactivated user's feed answers nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} calendar feed"

"""The service desk's tickets: a customer's request, worked by a team and an assignee (its owner)
through the business's statuses, with public replies and internal notes.

A ticket is owned and about a customer (`AboutCustomer`): visible to those its owner and team
rule allows *and* who may see its person and organisation (decision 0066).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord
from centric.customers.about import (
    ACCESS_COPIES,
    RULE_COLUMNS,
    AboutCustomer,
    AboutCustomerQuerySet,
)
from centric.customers.models import Organisation, Person
from centric.tickets.choices import Channel, MessageKind, Priority, StatusKind


class TicketStatus(models.Model):
    """A status from the business's list ("Waiting for parts"), each of a kind the clocks read."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    kind = models.CharField(_("meaning"), max_length=30, choices=StatusKind.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("ticket statuses")

    def __str__(self) -> str:
        return self.name


class TicketCategory(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = _("ticket categories")

    def __str__(self) -> str:
        return self.name


# What the queues' filters read besides their keys: the visibility rule's columns and whether a
# ticket was merged away (the list hides those), so counting a queue never visits the table.
QUEUE_COLUMNS = [*RULE_COLUMNS, "merged_into"]


class TicketQuerySet(AboutCustomerQuerySet["Ticket"]):
    """Tickets: owned, and narrowed by their person and organisation."""


TicketManager = models.Manager.from_queryset(TicketQuerySet)


class Ticket(OwnedRecord, AboutCustomer):
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=20_000)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    status = models.ForeignKey(
        TicketStatus, verbose_name=_("status"), on_delete=models.PROTECT, related_name="tickets"
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    category = models.ForeignKey(
        TicketCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    channel = models.CharField(
        _("came by"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    quote = models.ForeignKey(
        "quotes.Quote",
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # Stamped by the services: the first public reply, and when it was last solved/closed.
    first_response_at = models.DateTimeField(
        _("first answered at"), null=True, blank=True, editable=False
    )
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="tickets")
    # Tickets about the same thing (both ways), and the one this duplicate was merged into.
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_tickets",
        editable=False,
    )
    # The SLA's clocks (`tickets.sla`): the policy that applies, the business seconds counted
    # while the clocks ran (up to `sla_clock_at`; null while paused or stopped), the targets'
    # due times (null when paused, met or not set), warnings and breaches, and the next moment
    # the worker's scan must look at the ticket (indexed: the scan reads only those due).
    sla_policy = models.ForeignKey(
        "tickets.SlaPolicy",
        verbose_name=_("service level"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        editable=False,
    )
    sla_used_seconds = models.PositiveIntegerField(default=0, editable=False)
    sla_clock_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_due_at = models.DateTimeField(
        _("first answer due"), null=True, blank=True, editable=False
    )
    resolution_due_at = models.DateTimeField(
        _("solution due"), null=True, blank=True, editable=False
    )
    first_response_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_response_breached_at = models.DateTimeField(
        _("first answer late since"), null=True, blank=True, editable=False
    )
    resolution_breached_at = models.DateTimeField(
        _("solution late since"), null=True, blank=True, editable=False
    )
    sla_next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How often a solved or closed ticket was opened again (the reopen rate reads it).
    reopened_count = models.PositiveIntegerField(_("reopened"), default=0, editable=False)
    # When the satisfaction survey went to the customer (once per solving).
    rating_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            *ACCESS_COPIES,
            "sla_used_seconds",
            "sla_clock_at",
            "sla_next_check_at",
            "first_response_warned_at",
            "resolution_warned_at",
            "rating_asked_at",
        ]
    )

    objects = TicketManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "team"], name="ticket_owner_team"),
            # A team's and an agent's queue: the tickets not closed, newest first.
            models.Index(
                fields=["team", "-created_at", "id"],
                include=QUEUE_COLUMNS,
                condition=Q(closed_at__isnull=True),
                name="ticket_open_by_team",
            ),
            models.Index(
                fields=["owner", "-created_at", "id"],
                include=QUEUE_COLUMNS,
                condition=Q(closed_at__isnull=True),
                name="ticket_open_by_owner",
            ),
            # The queue by due time: open tickets, the next target first (NULLs last).
            models.Index(
                fields=["first_response_due_at", "resolution_due_at", "id"],
                include=QUEUE_COLUMNS,
                condition=Q(closed_at__isnull=True),
                name="ticket_open_by_due",
            ),
            models.Index(
                fields=["sla_next_check_at"],
                condition=Q(sla_next_check_at__isnull=False),
                name="ticket_sla_next_check",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"T-{self.pk:05d}" if self.pk else "T-new"


class TicketMessage(models.Model):
    """A public reply (sent to the customer) or an internal note (never sent) on a ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=MessageKind.choices)
    body = models.TextField(max_length=20_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A public reply's email: where it went, its Message-ID (the customer's answer refers to
    # it), when it left, and why it did not.
    to_email = models.CharField(max_length=254, blank=True)
    message_id = models.CharField(max_length=250, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_message_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.ticket_id}"


class Macro(models.Model):
    """A canned reply, and what it sets on the ticket ("Asked for a photo": pending customer).

    The reply's placeholders name the customer's and the ticket's data — `{first_name}`,
    `{first_name|there}` with a fallback for a missing value (see `tickets.macros`)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    body = models.TextField(_("reply"), blank=True, max_length=10_000)
    set_status = models.ForeignKey(
        TicketStatus,
        verbose_name=_("sets the status to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_priority = models.CharField(
        _("sets the priority to"), max_length=10, choices=Priority.choices, blank=True
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssignmentRule(models.Model):
    """Which team gets a new ticket without an assignee, and who in it: the first active rule
    whose conditions all hold (blank: any) — category, channel, a word in the subject or
    description, a tag on the customer (their tier: "VIP") — gives it to the team, in turn or
    to the member with the fewest open tickets; members marked away are passed over."""

    class Method(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("In turn")
        LEAST_LOADED = "least_loaded", _("Fewest open tickets")
        TEAM = "team", _("The team only (someone picks it up)")

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    category = models.ForeignKey(
        TicketCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("came by"), max_length=10, choices=Channel.choices, blank=True)
    keyword = models.CharField(_("word in the subject or description"), max_length=60, blank=True)
    customer_tag = models.CharField(_("customer's tag (tier)"), max_length=60, blank=True)
    team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.ROUND_ROBIN)
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class BusinessCalendar(models.Model):
    """When a team is at work: weekly opening hours in a time zone, the country's public
    holidays (the `holidays` package) and the business's own closed days. SLA targets count
    only these hours; a team without a calendar uses the default one, and with none at all the
    clocks run round the clock."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=60, default="Africa/Lagos")
    # {"0": [["08:00", "17:00"]], …, "6": []}: Monday is 0; several spans a day for a break.
    week = models.JSONField(_("opening hours"), default=dict)
    always_open = models.BooleanField(_("open round the clock"), default=False)
    holiday_country = models.CharField(_("public holidays of"), max_length=2, blank=True)
    holiday_subdivision = models.CharField(_("state or region"), max_length=10, blank=True)
    # [{"date": "2026-12-24", "name": "Stock count"}]; with "open": true, a public holiday the
    # business works after all (an estimated Eid the government declared on another day).
    closed_days = models.JSONField(_("closed days"), default=list, blank=True)
    is_default = models.BooleanField(_("default for teams without one"), default=False)
    teams: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.CENTRIC_TEAM_MODEL, blank=True, related_name="business_calendars"
    )

    class Meta:
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets a ticket is held to, in business hours: the first active policy (by position)
    whose conditions hold — priority, a tag on the customer (their tier) — applies."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    customer_tag = models.CharField(_("customer's tag (tier)"), max_length=60, blank=True)
    first_response_minutes = models.PositiveIntegerField(
        _("first answer within (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("solved within (business minutes)"), null=True, blank=True
    )
    warn_before_minutes = models.PositiveIntegerField(
        _("warn this many minutes before"), default=30
    )
    escalate_to_team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL,
        verbose_name=_("on breach, move to team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name


class SlaEvent(models.Model):
    """A step of a ticket's SLA, shown on the ticket: started, paused, warned, breached…"""

    class Clock(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First answer")
        RESOLUTION = "resolution", _("Solution")
        BOTH = "both", _("Both clocks")

    class Step(models.TextChoices):
        STARTED = "started", _("started")
        PAUSED = "paused", _("paused while pending the customer")
        RESUMED = "resumed", _("resumed")
        STOPPED = "stopped", _("stopped")
        POLICY = "policy", _("policy changed")
        MET = "met", _("met")
        WARNED = "warned", _("about to be late")
        BREACHED = "breached", _("late")
        ESCALATED = "escalated", _("escalated")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_events")
    clock = models.CharField(max_length=20, choices=Clock.choices)
    step = models.CharField(max_length=20, choices=Step.choices)
    at = models.DateTimeField(default=timezone.now)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="sla_event_by_ticket")]

    def __str__(self) -> str:
        return f"{self.get_clock_display()} {self.get_step_display()}"


class SatisfactionRating(models.Model):
    """A customer's rating of a solved ticket (CSAT, 1–5, with an optional comment), given from
    the signed link in the email sent when it was solved. One per ticket: rating again changes
    it. The agent, team and category are kept as they were, for the results."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2_000)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey(
        TicketCategory, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["rated_at"], name="rating_by_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 on {self.ticket_id}"


class NpsSurvey(models.Model):
    """A Net Promoter survey sent by email to a chosen group: the people with a tag and/or in a
    lifecycle stage (among those its sender may see, never to one who refused marketing email)."""

    name = models.CharField(_("name"), max_length=100)
    question = models.CharField(_("question"), max_length=300)
    tag = models.CharField(_("people tagged"), max_length=60, blank=True)
    lifecycle_stage = models.CharField(_("in the lifecycle stage"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class NpsResponse(models.Model):
    """One person's invitation to a survey, and their answer (0–10) once given."""

    survey = models.ForeignKey(NpsSurvey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nps_responses")
    email = models.CharField(max_length=254)
    sent_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=2_000)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "person"], name="nps_one_per_person"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=10), name="nps_score_0_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.person_id} {self.score}"

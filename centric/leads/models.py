"""Leads: people who may become customers, before they are on file as one.

A lead is owned (owner and team, the one visibility rule), scored by the business's rules
(points for what it is and, decaying over time, for what it did), assigned by the business's
rules, and converted in one step into a person (the existing one when the identity matcher
finds them), an organisation and a deal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord
from centric.customers.models import Organisation, Person
from centric.leads.choices import LeadSource, LeadStatus, RuleKind, Timeframe
from centric.sales.models import CURRENCY_CODE, Deal


class Lead(OwnedRecord):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # The phone in E.164 (+2348031234567), for matching and finding.
    phone_normalized = models.CharField(max_length=20, blank=True, editable=False)
    source = models.CharField(
        _("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.OTHER
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    territory = models.CharField(
        _("territory"), max_length=100, blank=True, help_text=_("e.g. Lagos Island, Abuja, Kano")
    )
    # Qualification: budget, need, authority, timeframe.
    budget = models.DecimalField(
        _("budget"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="NGN", validators=[CURRENCY_CODE]
    )
    need = models.CharField(_("what they need"), max_length=500, blank=True)
    decision_maker = models.BooleanField(_("decision maker"), default=False)
    timeframe = models.CharField(
        _("buying when"), max_length=20, choices=Timeframe.choices, default="", blank=True
    )
    notes = models.TextField(_("notes"), blank=True, max_length=10_000)
    disqualified_reason = models.CharField(_("why disqualified"), max_length=200, blank=True)
    score = models.IntegerField(_("score"), default=0, editable=False)
    # [{"rule": name, "points": n, "why": words}] behind the score, newest reading.
    score_details = models.JSONField(default=list, blank=True, editable=False)
    scored_at = models.DateTimeField(null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True, editable=False)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)
    converted_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    converted_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    converted_deal = models.ForeignKey(
        Deal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="leads")
    history = HistoricalRecords(excluded_fields=["updated_at", "score_details", "scored_at"])

    class Meta(OwnedRecord.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "team"], name="lead_owner_team"),
            # My day: new leads assigned to me, newest first.
            models.Index(fields=["owner", "status", "-assigned_at"], name="lead_owner_status"),
            models.Index(fields=["-score", "-id"], name="lead_score"),
            models.Index(fields=["email"], name="lead_email"),
            models.Index(fields=["phone_normalized"], name="lead_phone"),
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or self.organisation_name or self.email or self.phone or f"Lead {self.pk}"


class LeadEvent(models.Model):
    """Something a lead did ("opened the price list"): scored by behaviour rules, decaying."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    key = models.SlugField(_("behaviour"), max_length=50)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    # The sender's id for the event, so a retried delivery records it once.
    external_id = models.CharField(max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "external_id"],
                condition=Q(external_id__isnull=False),
                name="lead_event_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.key}"


class ScoringRule(models.Model):
    """Points for what a lead is (`attribute` equals `value`) or did (`behaviour`), the latter
    halving every `half_life_days` (no decay when empty)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    attribute = models.CharField(_("attribute"), max_length=30, blank=True)
    value = models.CharField(_("value"), max_length=100, blank=True)
    behaviour = models.SlugField(_("behaviour"), max_length=50, blank=True)
    points = models.SmallIntegerField(
        _("points"), validators=[MinValueValidator(-100), MaxValueValidator(100)]
    )
    half_life_days = models.PositiveSmallIntegerField(
        _("halves every (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentRule(models.Model):
    """Who gets a new lead without an owner: the first active rule whose source and territory
    match (blank: any) hands it round-robin to the active members of its team."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices, blank=True)
    territory = models.CharField(_("territory"), max_length=100, blank=True)
    team = models.ForeignKey(
        settings.CENTRIC_TEAM_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The member who got the last lead: the next one goes to the member after them.
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

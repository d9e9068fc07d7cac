"""Sales: pipelines of stages the business defines, and the deals that move through them.

A deal is owned (its owner and team) and about a customer: it is visible to those who may see
it by its owner and team *and* may see the person and organisation it is about (the one rule:
nothing about a person reaches someone who may not see that person).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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
from centric.sales.choices import StageOutcome

CURRENCY_CODE = RegexValidator(r"^[A-Z]{3}$", _("Give the currency as its ISO code, e.g. NGN."))


class Pipeline(models.Model):
    """A sales process ("Retail", "Corporate accounts"): ordered stages a deal moves through."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def open_stages(self) -> models.QuerySet[Stage]:
        return self.stages.filter(is_retired=False).order_by("position", "id")


class Stage(models.Model):
    """One step of a pipeline, with its win probability and what a deal needs to enter it.

    A stage is retired, never deleted, once a deal has been in it: history and reports keep
    naming it."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )
    # Names from choices.REQUIRABLE_FIELDS that must be filled for a deal to enter the stage.
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    # Items a deal must have ticked to enter the stage ("Credit check passed").
    checklist = models.JSONField(_("checklist"), default=list, blank=True)
    is_retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_unique_name"),
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="stage_probability_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LostReason(models.Model):
    """Why a deal was lost, from the business's own list ("Price too high", "Went with a
    competitor"); a reason marked `names_competitor` asks which competitor won."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    names_competitor = models.BooleanField(_("asks which competitor"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Competitor(models.Model):
    """A business the customers may choose instead ("Jumia", "the market at Balogun")."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


# What the board, My day and the forecast add up, read from their indexes.
SUMMED = ["amount", "currency"]


class DealQuerySet(AboutCustomerQuerySet["Deal"]):
    """Deals: owned, and narrowed by their person and organisation (decision 0066)."""


DealManager = models.Manager.from_queryset(DealQuerySet)


class Deal(OwnedRecord, AboutCustomer):
    """A sale in progress: what it is worth, where it stands, who it is with."""

    title = models.CharField(_("title"), max_length=200)
    pipeline = models.ForeignKey(
        Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT, related_name="deals"
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    # Decimal, never float: money is counted in the currency's minor unit.
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="NGN", validators=[CURRENCY_CODE]
    )
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    # The checklist items of its pipeline's stages the deal has ticked (their names).
    checklist = models.JSONField(_("ticked checklist items"), default=list, blank=True)
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.ForeignKey(
        LostReason,
        verbose_name=_("lost reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    competitor = models.ForeignKey(
        Competitor,
        verbose_name=_("lost to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
    )
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="deals")
    history = HistoricalRecords(excluded_fields=["updated_at", *ACCESS_COPIES])

    objects = DealManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        ordering = ["-created_at", "-id"]
        constraints = [
            *OwnedRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="deal_amount_not_negative"
            ),
        ]
        # The board, My day and the forecast count and sum from these alone (INCLUDE): the
        # open deals are a small part of all of them, so the open ones have their own.
        indexes = [
            models.Index(fields=["owner", "team"], name="deal_owner_team"),
            models.Index(
                fields=["pipeline", "team", "stage", "expected_close_on", "id"],
                include=[*SUMMED, *RULE_COLUMNS],
                condition=Q(closed_at__isnull=True),
                name="deal_open_board",
            ),
            models.Index(
                fields=["pipeline", "team", "stage", "closed_at", "id"],
                include=[*SUMMED, *RULE_COLUMNS],
                condition=Q(closed_at__isnull=False),
                name="deal_closed_board",
            ),
            models.Index(
                fields=["owner", "expected_close_on", "id"],
                include=[*SUMMED, "stage", "next_step", *RULE_COLUMNS],
                condition=Q(closed_at__isnull=True),
                name="deal_open_by_owner",
            ),
            models.Index(
                fields=["team", "expected_close_on", "id"],
                include=[*SUMMED, "stage", "next_step", *RULE_COLUMNS],
                condition=Q(closed_at__isnull=True),
                name="deal_open_by_team",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DealStageChange(models.Model):
    """A deal entering a stage: kept for every move, with the time spent in the one before."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds_in_previous = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["deal", "changed_at", "id"]
        indexes = [models.Index(fields=["to_stage", "changed_at"], name="stagechange_to_when")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"


class ExchangeRate(models.Model):
    """What one unit of `currency` is worth in the business's currency from `valid_on` (until
    a later rate): totals across currencies convert at the rate of their day, never a float."""

    currency = models.CharField(_("currency"), max_length=3, validators=[CURRENCY_CODE])
    rate = models.DecimalField(
        _("rate"),
        max_digits=20,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
        help_text=_("Units of the business's currency for one unit of this one."),
    )
    valid_on = models.DateField(_("valid from"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["currency", "-valid_on"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_on"], name="rate_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.valid_on})"


class DealContact(models.Model):
    """A person on a deal besides its main contact, with the part they play."""

    class Role(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("Decision maker")
        BUYER = "buyer", _("Buyer")
        INFLUENCER = "influencer", _("Influencer")
        USER = "user", _("User")
        TECHNICAL = "technical", _("Technical buyer")
        FINANCE = "finance", _("Finance / pays")
        OTHER = "other", _("Other")

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="deal_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OTHER)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["deal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "person"], name="deal_contact_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.deal_id} ({self.role})"

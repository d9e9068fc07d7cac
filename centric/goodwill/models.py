"""Goodwill actions: what an agent gives a customer to put a wrong right (a credit, a refund, a
replacement, a discount), up to the limits of their role; above them an approver answers.

An action is owned (its agent) and about a customer (`AboutCustomer`): visible to those its
owner and team rule allows *and* who may see its person and organisation (decision 0066).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord
from centric.customers.about import ACCESS_COPIES, AboutCustomer, AboutCustomerQuerySet
from centric.customers.models import Organisation, Person


class Kind(models.TextChoices):
    CREDIT = "credit", _("Account credit")
    REFUND = "refund", _("Refund")
    REPLACEMENT = "replacement", _("Replacement")
    DISCOUNT = "discount", _("Discount on the next order")


class Status(models.TextChoices):
    GRANTED = "granted", _("Granted (within the limit)")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


GIVEN = (Status.GRANTED, Status.APPROVED)


class Period(models.TextChoices):
    DAY = "day", _("a day")
    WEEK = "week", _("a week")
    MONTH = "month", _("a month")


class GoodwillReason(models.Model):
    """Why goodwill was given ("Late delivery"): the business's list, for the report."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class GoodwillLimit(models.Model):
    """What a role may give without asking: at most `per_action` at a time and `per_period` in
    total per agent in a day, week or month (of one kind, or of any). A member of several roles
    has the most generous limit; with none, every action waits for approval."""

    role = models.ForeignKey(
        "auth.Group", verbose_name=_("role"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    per_action = models.DecimalField(_("at most per action"), max_digits=18, decimal_places=2)
    per_period = models.DecimalField(_("at most in total"), max_digits=18, decimal_places=2)
    period = models.CharField(_("per"), max_length=10, choices=Period.choices, default="month")

    class Meta:
        ordering = ["role__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["role", "kind"], name="goodwill_limit_role_kind")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.get_kind_display() or _('any kind')}"


class GoodwillQuerySet(AboutCustomerQuerySet["GoodwillAction"]):
    """Goodwill actions: owned, and narrowed by their person and organisation."""


GoodwillManager = models.Manager.from_queryset(GoodwillQuerySet)


class GoodwillAction(OwnedRecord, AboutCustomer):
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, editable=False)
    reason = models.ForeignKey(
        GoodwillReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="actions"
    )
    note = models.TextField(_("note"), blank=True, max_length=2_000)
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goodwill_actions",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goodwill_actions",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goodwill_actions",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, editable=False)
    # Why it waits ("above the ₦20,000 per action of Service desk"), and the approver's answer.
    limit_note = models.CharField(_("why it waits"), max_length=300, blank=True, editable=False)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    answer_note = models.CharField(_("answer"), max_length=500, blank=True, editable=False)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True, editable=False)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="goodwill_actions")
    history = HistoricalRecords(excluded_fields=["updated_at", *ACCESS_COPIES])

    objects = GoodwillManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        ordering = ["-created_at", "-id"]
        permissions = [("approve_goodwillaction", "Can approve goodwill above the limits")]
        indexes = [
            models.Index(fields=["owner", "team"], name="goodwill_owner_team"),
            models.Index(fields=["owner", "kind", "given_at"], name="goodwill_owner_given"),
            models.Index(fields=["status", "-created_at"], name="goodwill_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.currency} {self.amount:,.2f}"

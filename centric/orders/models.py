"""Orders: an accepted quote becomes an order for the back office, which reports fulfilment
and payment back. Owned and narrowed by the customer, like the quote it comes from."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord
from centric.customers.about import ACCESS_COPIES, AboutCustomer, AboutCustomerQuerySet
from centric.customers.models import Organisation, Person
from centric.quotes.models import Quote
from centric.sales.models import CURRENCY_CODE, Deal


class Fulfilment(models.TextChoices):
    NEW = "new", _("New")
    PROCESSING = "processing", _("Being prepared")
    PARTLY = "partly_fulfilled", _("Partly delivered")
    FULFILLED = "fulfilled", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.TextChoices):
    UNPAID = "unpaid", _("Not paid")
    PARTLY = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


class OrderQuerySet(AboutCustomerQuerySet["Order"]):
    """Orders: owned, and narrowed by the person and organisation they are for."""


OrderManager = models.Manager.from_queryset(OrderQuerySet)


class Order(OwnedRecord, AboutCustomer):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    # One order per quote (the constraint below): accepting twice makes no second order.
    quote = models.ForeignKey(
        Quote,
        verbose_name=_("quote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="NGN", validators=[CURRENCY_CODE]
    )
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=3, default=0)
    fulfilment_status = models.CharField(
        _("fulfilment"), max_length=20, choices=Fulfilment.choices, default=Fulfilment.NEW
    )
    payment_status = models.CharField(
        _("payment"), max_length=20, choices=Payment.choices, default=Payment.UNPAID
    )
    amount_paid = models.DecimalField(_("amount paid"), max_digits=18, decimal_places=3, default=0)
    # The back office's own id for the order, once it reports one.
    back_office_reference = models.CharField(_("back-office reference"), max_length=100, blank=True)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="orders")
    history = HistoricalRecords(excluded_fields=["updated_at", *ACCESS_COPIES])

    objects = OrderManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        ordering = ["-placed_at", "-id"]
        constraints = [
            *OwnedRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["quote"],
                condition=models.Q(quote__isnull=False),
                name="order_once_per_quote",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "team"], name="order_owner_team"),
            models.Index(fields=["fulfilment_status", "placed_at"], name="order_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class OrderStatusUpdate(models.Model):
    """A report from the back office, kept as sent; its `reference` (theirs) makes a retried
    report a no-op."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="updates")
    reference = models.CharField(max_length=100)
    fulfilment_status = models.CharField(max_length=20, choices=Fulfilment.choices, blank=True)
    payment_status = models.CharField(max_length=20, choices=Payment.choices, blank=True)
    amount_paid = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "reference"], name="order_update_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.reference}"

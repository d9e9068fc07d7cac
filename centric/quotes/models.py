"""Products, price lists, tax rates and quotes.

The catalogue (products, price lists per currency, tax rates) belongs to the business: anyone
who may see quotes reads it, administrators change it. A quote is owned and about a customer:
visible like a deal (its owner and team, narrowed by the person and organisation it is for).
Every amount is a decimal rounded to the currency's minor unit (`quotes.money`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord
from centric.customers.about import ACCESS_COPIES, AboutCustomer, AboutCustomerQuerySet
from centric.customers.models import Organisation, Person
from centric.sales.models import CURRENCY_CODE, Deal

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class TaxRate(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, validators=PERCENT)
    is_default = models.BooleanField(_("default for new products"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2_000)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("e.g. bag, piece, hour")
    )
    tax_rate = models.ForeignKey(
        TaxRate, verbose_name=_("tax"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PriceList(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, default="NGN", validators=[CURRENCY_CODE]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"


class Price(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    unit_price = models.DecimalField(
        _("unit price"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["price_list", "product__name"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="price_once_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.unit_price}"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class QuoteQuerySet(AboutCustomerQuerySet["Quote"]):
    """Quotes: owned, and narrowed by the person and organisation they are for."""


QuoteManager = models.Manager.from_queryset(QuoteQuerySet)


class Quote(OwnedRecord, AboutCustomer):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    deal = models.ForeignKey(
        Deal,
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
    )
    price_list = models.ForeignKey(
        PriceList, verbose_name=_("price list"), null=True, blank=True, on_delete=models.PROTECT
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="NGN", validators=[CURRENCY_CODE]
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=QuoteStatus.choices,
        default=QuoteStatus.DRAFT,
        editable=False,
    )
    issued_on = models.DateField(_("issued on"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.TextField(_("notes for the customer"), blank=True, max_length=5_000)
    terms = models.TextField(_("terms"), blank=True, max_length=5_000)
    subtotal = models.DecimalField(max_digits=18, decimal_places=3, default=0, editable=False)
    discount_total = models.DecimalField(max_digits=18, decimal_places=3, default=0, editable=False)
    tax_total = models.DecimalField(max_digits=18, decimal_places=3, default=0, editable=False)
    total = models.DecimalField(max_digits=18, decimal_places=3, default=0, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_to = models.EmailField(blank=True, editable=False)
    # Changes whenever the quote is sent again or accepted: a link carries the one it was made
    # with, so an old link cannot accept a changed quote, nor one link accept twice.
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.CharField(_("accepted by"), max_length=200, blank=True, editable=False)
    accepted_via = models.CharField(max_length=10, blank=True, editable=False)
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="quotes")
    history = HistoricalRecords(excluded_fields=["updated_at", *ACCESS_COPIES])

    objects = QuoteManager()  # type: ignore[assignment,misc]  # narrows OwnedRecord's manager

    class Meta(OwnedRecord.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "team"], name="quote_owner_team"),
            models.Index(fields=["deal", "status"], name="quote_deal_status"),
        ]
        constraints = [
            *OwnedRecord.Meta.constraints,
            models.CheckConstraint(condition=Q(total__gte=0), name="quote_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    tax_rate = models.DecimalField(
        _("tax (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    tax_name = models.CharField(max_length=100, blank=True)
    # Worked out by `quotes.pricing` and kept, so a changed tax rate never changes a sent quote.
    net = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    discount = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    tax = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=3, default=0)

    class Meta:
        ordering = ["quote", "position", "id"]

    def __str__(self) -> str:
        return self.description


class DealProduct(models.Model):
    """A product on a deal (what the customer is being sold), priced in the deal's currency;
    a quote made from the deal starts with these lines."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["deal", "id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price

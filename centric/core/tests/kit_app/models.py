"""The test app's record type."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from centric.core.models import OwnedRecord


class Voucher(OwnedRecord):
    """A gift voucher the business issues: a code, a value, an expiry date."""

    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=120)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(_("currency"), max_length=3, default="NGN")
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # A link to another record of a registered type (the kit's record links).
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    tags = models.ManyToManyField("extras.Tag", blank=True, related_name="vouchers")
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta(OwnedRecord.Meta):
        ordering = ["code", "id"]
        constraints = [
            *OwnedRecord.Meta.constraints,
            models.UniqueConstraint(fields=["code"], name="voucher_unique_code"),
            models.CheckConstraint(condition=Q(value__gte=0), name="voucher_value_not_negative"),
        ]
        indexes = [models.Index(fields=["owner", "team"], name="voucher_owner_team")]

    def __str__(self) -> str:
        return f"{self.code} ({self.title})"

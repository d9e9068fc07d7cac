"""Amounts in other currencies, in the business's: each converts at the rate valid on its day
(the latest `ExchangeRate` on or before it). A currency with no rate is left out of the
converted total and named, never guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.sales.models import ExchangeRate

CENT = Decimal("0.01")


def base_currency() -> str:
    return str(settings.CENTRIC_DEFAULT_CURRENCY)


def rates_on(day: dt.date, currencies: Iterable[str]) -> dict[str, Decimal]:
    """The rate of each currency on `day` (one query); the base currency is 1."""
    wanted = {c for c in currencies if c != base_currency()}
    rates = {base_currency(): Decimal(1)}
    if not wanted:
        return rates
    for currency, rate in (
        ExchangeRate.objects.filter(currency__in=wanted, valid_on__lte=day)
        .order_by("currency", "-valid_on")
        .values_list("currency", "rate")
    ):
        rates.setdefault(currency, rate)
    return rates


@dataclass
class Converted:
    total: Decimal = Decimal("0.00")
    # Currencies with no rate on the day: their amounts are not in `total`.
    missing: dict[str, Decimal] = field(default_factory=dict)


def convert(amounts: dict[str, Decimal], day: dt.date) -> Converted:
    """The sum of `amounts` (currency → amount) in the business's currency."""
    rates = rates_on(day, amounts)
    result = Converted()
    for currency, amount in amounts.items():
        rate = rates.get(currency)
        if rate is None:
            result.missing[currency] = amount
        else:
            result.total += amount * rate
    result.total = result.total.quantize(CENT)
    return result


@transaction.atomic
def exchange_rate_set(*, currency: str, rate: Decimal, valid_on: dt.date) -> ExchangeRate:
    currency = currency.strip().upper()
    if currency == base_currency():
        raise ValidationError({"currency": _("This is the business's own currency.")})
    if rate <= 0:
        raise ValidationError({"rate": _("A rate is more than 0.")})
    # Judged before anything is written (a rate too long for the column is a clear error).
    ExchangeRate(currency=currency, rate=rate, valid_on=valid_on).full_clean(validate_unique=False)
    found, _created = ExchangeRate.objects.update_or_create(
        currency=currency, valid_on=valid_on, defaults={"rate": rate}
    )
    return found

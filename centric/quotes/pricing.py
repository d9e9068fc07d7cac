"""A quote's arithmetic, in one place: per line, net = quantity × unit price, less its discount,
plus its tax on what is left; each rounded to the currency's minor unit, then summed. No float
anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from centric.quotes.money import round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


def line_amounts(
    *,
    quantity: Decimal,
    unit_price: Decimal,
    discount_percent: Decimal,
    tax_rate: Decimal,
    currency: str,
) -> LineAmounts:
    net = round_money(quantity * unit_price, currency)
    discount = round_money(net * discount_percent / HUNDRED, currency)
    tax = round_money((net - discount) * tax_rate / HUNDRED, currency)
    return LineAmounts(net, discount, tax, net - discount + tax)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


def totals(lines: list[LineAmounts]) -> Totals:
    zero = Decimal(0)
    return Totals(
        subtotal=sum((line.net for line in lines), zero),
        discount=sum((line.discount for line in lines), zero),
        tax=sum((line.tax for line in lines), zero),
        total=sum((line.total for line in lines), zero),
    )

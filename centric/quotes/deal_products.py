"""Products on a deal: added from the catalogue at a price list's price in the deal's currency
(or a price typed), optionally setting the deal's amount to their sum; a quote made from the deal
starts with them as its lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.quotes.models import DealProduct, Price, Product
from centric.quotes.money import round_money
from centric.sales.models import Deal
from centric.sales.services import deal_update


def _list_price(product: Product, currency: str) -> Decimal | None:
    price = (
        Price.objects.filter(
            product=product, price_list__currency=currency, price_list__is_active=True
        )
        .order_by("price_list__name")
        .first()
    )
    return price.unit_price if price else None


def deal_products_total(deal: Deal) -> Decimal:
    return round_money(sum((p.amount for p in deal.products.all()), Decimal(0)), deal.currency)


@transaction.atomic
def deal_product_add(
    *,
    deal: Deal,
    product: Product,
    quantity: Decimal,
    unit_price: Decimal | None = None,
    actor: Any,
    update_amount: bool = False,
) -> DealProduct:
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity is more than 0.")})
    if not product.is_active:
        raise ValidationError({"product": _("This product is no longer sold.")})
    price = unit_price if unit_price is not None else _list_price(product, deal.currency)
    if price is None:
        raise ValidationError(
            {
                "unit_price": _("No price list in %(currency)s has “%(product)s”: give its price.")
                % {"currency": deal.currency, "product": product.name}
            }
        )
    line = DealProduct(deal=deal, product=product, quantity=quantity, unit_price=price)
    line.full_clean()
    line.save()
    if update_amount:
        deal_update(deal, actor=actor, amount=deal_products_total(deal))
    return line


@transaction.atomic
def deal_product_remove(
    *, deal: Deal, line_id: int, actor: Any, update_amount: bool = False
) -> bool:
    removed, _kinds = DealProduct.objects.filter(deal=deal, pk=line_id).delete()
    if removed and update_amount:
        deal_update(deal, actor=actor, amount=deal_products_total(deal))
    return bool(removed)

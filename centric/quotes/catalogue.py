"""The catalogue's write path: products, price lists, prices and tax rates."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.quotes.models import Price, PriceList, Product, TaxRate


def product_create(
    *, code: str, name: str, unit: str = "", description: str = "", tax_rate: TaxRate | None = None
) -> Product:
    code = code.strip().upper()
    if Product.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("Another product has this code.")})
    if tax_rate is None:
        tax_rate = TaxRate.objects.filter(is_default=True, is_active=True).first()
    product = Product(
        code=code, name=name.strip(), unit=unit.strip(), description=description, tax_rate=tax_rate
    )
    product.full_clean()
    product.save()
    return product


def price_list_create(*, name: str, currency: str = "NGN") -> PriceList:
    price_list = PriceList(name=name.strip(), currency=(currency or "NGN").upper())
    if PriceList.objects.filter(name__iexact=price_list.name).exists():
        raise ValidationError({"name": _("Another price list has this name.")})
    price_list.full_clean()
    price_list.save()
    return price_list


@transaction.atomic
def price_set(*, price_list: PriceList, product: Product, unit_price: Decimal) -> Price:
    if unit_price < 0:
        raise ValidationError({"unit_price": _("A price is 0 or more.")})
    price, _created = Price.objects.update_or_create(
        price_list=price_list, product=product, defaults={"unit_price": unit_price}
    )
    price.full_clean()
    return price


def tax_rate_create(*, name: str, rate: Decimal, is_default: bool = False) -> TaxRate:
    tax = TaxRate(name=name.strip(), rate=rate, is_default=is_default)
    tax.full_clean()
    with transaction.atomic():
        if is_default:
            TaxRate.objects.filter(is_default=True).update(is_default=False)
        tax.save()
    return tax

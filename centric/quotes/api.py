"""Quotes' own operations in the REST API (their CRUD is the record kit's `/quotes`): lines,
sending, accepting, declining and the PDF; and the catalogue (products, price lists, taxes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.records import record_for, record_get
from centric.core.api.types import ApiRequest, Id
from centric.core.records import registry
from centric.quotes.catalogue import price_list_create, price_set, product_create, tax_rate_create
from centric.quotes.models import PriceList, Product, Quote, QuoteLine, TaxRate
from centric.quotes.pdf import quote_pdf
from centric.quotes.services import (
    quote_decline,
    quote_line_add,
    quote_line_remove,
    quote_mark_accepted,
    quote_send,
)

actions_router = Router()
products_router = Router()
price_lists_router = Router()
tax_rates_router = Router()

Money = Field(..., ge=0, max_digits=16, decimal_places=3)


def _quote(request: ApiRequest, quote_id: Id) -> Quote:
    require_model_perm(request.auth, Quote, "change")
    quote: Quote = record_for(registry.get(Quote), request.auth, quote_id, "change")
    return quote


class QuoteLineIn(Schema):
    product_id: Id | None = None
    description: str = Field("", max_length=300)
    quantity: Decimal = Field(Decimal(1), gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal | None = Field(
        None, ge=0, max_digits=16, decimal_places=3, description="Default: the price list's."
    )
    discount_percent: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    tax_rate: Decimal | None = Field(
        None, ge=0, le=100, max_digits=5, decimal_places=2, description="Default: the product's."
    )
    version: int | None = Field(None, ge=1)


class QuoteLineOut(Schema):
    id: int
    position: int
    product_id: Id | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate: Decimal
    net: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


class QuoteTotalsOut(Schema):
    id: int
    number: str
    status: str
    version: int
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[QuoteLineOut]

    @staticmethod
    def resolve_lines(obj: Quote) -> list[Any]:
        return list(obj.lines.all())


@actions_router.get(
    "/{quote_id}/lines", response=QuoteTotalsOut, summary="A quote's lines and totals"
)
def get_lines(request: ApiRequest, quote_id: Id) -> Quote:
    require_model_perm(request.auth, Quote, "view")
    quote: Quote = record_get(registry.get(Quote), request.auth, quote_id)
    return quote


@actions_router.post(
    "/{quote_id}/lines",
    response={201: QuoteTotalsOut},
    summary="Add a line (from the catalogue or typed)",
)
def add_line(request: ApiRequest, quote_id: Id, payload: QuoteLineIn) -> Status:
    quote = _quote(request, quote_id)
    product = None
    if payload.product_id is not None:
        product = Product.objects.filter(pk=payload.product_id).first()
        if product is None:
            raise ValidationError({"product_id": "There is no such product."})
    quote_line_add(
        quote,
        actor=request.auth,
        product=product,
        description=payload.description,
        quantity=payload.quantity,
        unit_price=payload.unit_price,
        discount_percent=payload.discount_percent,
        tax_rate=payload.tax_rate,
        expected_version=payload.version,
    )
    return Status(201, Quote.objects.get(pk=quote.pk))


@actions_router.delete(
    "/{quote_id}/lines/{line_id}", response=QuoteTotalsOut, summary="Remove a line"
)
def remove_line(request: ApiRequest, quote_id: Id, line_id: Id) -> Quote:
    quote = _quote(request, quote_id)
    line = QuoteLine.objects.get(pk=line_id, quote=quote)
    return quote_line_remove(line, actor=request.auth)


class SendIn(Schema):
    to: str = Field("", max_length=254, description="Default: the customer's primary email.")
    message: str = Field("", max_length=2_000)


@actions_router.post(
    "/{quote_id}/send",
    response=QuoteTotalsOut,
    summary="Email the quote with its PDF and acceptance link",
)
def send_quote(request: ApiRequest, quote_id: Id, payload: SendIn) -> Quote:
    if payload.to:
        from django.core.validators import validate_email

        try:
            validate_email(payload.to)
        except ValidationError:
            raise ValidationError({"to": "Give a valid email address."}) from None
    return quote_send(
        _quote(request, quote_id), actor=request.auth, to=payload.to, message=payload.message
    )


class AcceptIn(Schema):
    name: str = Field("", max_length=200, description="Who accepted (by phone, in the shop…).")


@actions_router.post(
    "/{quote_id}/accept", response=QuoteTotalsOut, summary="Mark the quote accepted"
)
def accept_quote(request: ApiRequest, quote_id: Id, payload: AcceptIn) -> Quote:
    return quote_mark_accepted(_quote(request, quote_id), actor=request.auth, name=payload.name)


@actions_router.post(
    "/{quote_id}/decline", response=QuoteTotalsOut, summary="Mark the quote declined"
)
def decline_quote(request: ApiRequest, quote_id: Id) -> Quote:
    return quote_decline(_quote(request, quote_id), actor=request.auth)


@actions_router.get(
    "/{quote_id}/pdf",
    summary="The quote as a PDF",
    response={200: None},
    openapi_extra={
        "responses": {"200": {"content": {"application/pdf": {}}, "description": "PDF"}}
    },
)
def get_pdf(request: ApiRequest, quote_id: Id) -> HttpResponse:
    require_model_perm(request.auth, Quote, "view")
    quote: Quote = record_get(registry.get(Quote), request.auth, quote_id)
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response


# --- catalogue -------------------------------------------------------------------------------


class TaxRateIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    rate: Decimal = Field(..., ge=0, le=100, max_digits=5, decimal_places=2)
    is_default: bool = False


class TaxRateOut(TaxRateIn):
    id: int
    is_active: bool


class ProductIn(Schema):
    code: str = Field(..., min_length=1, max_length=50)
    name: str = Field(..., min_length=1, max_length=200)
    unit: str = Field("", max_length=30)
    description: str = Field("", max_length=2_000)
    tax_rate_id: Id | None = None


class ProductOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    description: str
    tax_rate_id: Id | None
    is_active: bool


class PriceListIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    currency: str = Field("NGN", pattern=r"^[A-Z]{3}$")


class PriceOut(Schema):
    product_id: Id
    unit_price: Decimal


class PriceListOut(Schema):
    id: int
    name: str
    currency: str
    is_active: bool
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(obj: PriceList) -> list[Any]:
        return list(obj.prices.all())


class PriceIn(Schema):
    product_id: Id
    unit_price: Decimal = Money


@tax_rates_router.get("", response=list[TaxRateOut], summary="List tax rates")
def list_tax_rates(request: ApiRequest) -> list[TaxRate]:
    require_model_perm(request.auth, Quote, "view")
    return list(TaxRate.objects.filter(is_active=True))


@tax_rates_router.post("", response={201: TaxRateOut}, summary="Add a tax rate")
def create_tax_rate(request: ApiRequest, payload: TaxRateIn) -> Status:
    require_model_perm(request.auth, TaxRate, "add")
    if TaxRate.objects.filter(name__iexact=payload.name.strip()).exists():
        raise ValidationError({"name": "A tax rate with this name exists already."})
    return Status(201, tax_rate_create(**payload.dict()))


@products_router.get("", response=list[ProductOut], summary="List products")
def list_products(request: ApiRequest) -> list[Product]:
    require_model_perm(request.auth, Quote, "view")
    return list(Product.objects.filter(is_active=True)[:1000])


@products_router.post("", response={201: ProductOut}, summary="Add a product")
def create_product(request: ApiRequest, payload: ProductIn) -> Status:
    require_model_perm(request.auth, Product, "add")
    tax = None
    if payload.tax_rate_id is not None:
        tax = TaxRate.objects.filter(pk=payload.tax_rate_id).first()
        if tax is None:
            raise ValidationError({"tax_rate_id": "There is no such tax rate."})
    values = payload.dict(exclude={"tax_rate_id"})
    return Status(201, product_create(**values, tax_rate=tax))


@price_lists_router.get(
    "", response=list[PriceListOut], summary="List price lists and their prices"
)
def list_price_lists(request: ApiRequest) -> list[PriceList]:
    require_model_perm(request.auth, Quote, "view")
    return list(PriceList.objects.filter(is_active=True).prefetch_related("prices"))


@price_lists_router.post("", response={201: PriceListOut}, summary="Add a price list")
def create_price_list(request: ApiRequest, payload: PriceListIn) -> Status:
    require_model_perm(request.auth, PriceList, "add")
    return Status(201, price_list_create(name=payload.name, currency=payload.currency))


@price_lists_router.put(
    "/{price_list_id}/prices", response=PriceOut, summary="Set a product's price on the list"
)
def set_price(request: ApiRequest, price_list_id: Id, payload: PriceIn) -> Any:
    require_model_perm(request.auth, PriceList, "change")
    price_list = PriceList.objects.get(pk=price_list_id)
    product = Product.objects.filter(pk=payload.product_id).first()
    if product is None:
        raise ValidationError({"product_id": "There is no such product."})
    return price_set(price_list=price_list, product=product, unit_price=payload.unit_price)


# --- products on deals -----------------------------------------------------------------------

deal_products_router = Router()


class DealProductIn(Schema):
    deal_id: Id
    product_id: Id
    quantity: Decimal = Field(Decimal(1), gt=0, max_digits=12, decimal_places=3)
    unit_price: Decimal | None = Field(
        None, ge=0, max_digits=16, decimal_places=3, description="Default: a price list's."
    )
    update_amount: bool = Field(False, description="Set the deal's amount to its products' sum.")


class DealProductOut(Schema):
    id: int
    deal_id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal


def _deal_for(request: ApiRequest, deal_id: int, action: str) -> Any:
    from centric.sales.models import Deal

    if action == "view":
        return record_get(registry.get(Deal), request.auth, deal_id)
    require_model_perm(request.auth, Deal, "change")
    return record_for(registry.get(Deal), request.auth, deal_id, "change")


@deal_products_router.get("", response=list[DealProductOut], summary="A deal's products")
def list_deal_products(request: ApiRequest, deal_id: Id) -> list[Any]:
    deal = _deal_for(request, deal_id, "view")
    return list(deal.products.all())


@deal_products_router.post("", response={201: DealProductOut}, summary="Put a product on a deal")
def add_deal_product(request: ApiRequest, payload: DealProductIn) -> Status:
    from centric.quotes.deal_products import deal_product_add

    deal = _deal_for(request, payload.deal_id, "change")
    product = Product.objects.filter(pk=payload.product_id).first()
    if product is None:
        raise ValidationError({"product_id": "There is no such product."})
    line = deal_product_add(
        deal=deal,
        product=product,
        quantity=payload.quantity,
        unit_price=payload.unit_price,
        actor=request.auth,
        update_amount=payload.update_amount,
    )
    return Status(201, line)


@deal_products_router.delete(
    "/{line_id}", response={204: None}, summary="Take a product off a deal"
)
def remove_deal_product(request: ApiRequest, line_id: Id, update_amount: bool = False) -> Status:
    from centric.quotes.deal_products import deal_product_remove
    from centric.quotes.models import DealProduct

    line = DealProduct.objects.filter(pk=line_id).first()
    if line is None:
        raise DealProduct.DoesNotExist
    deal = _deal_for(request, line.deal_id, "change")
    deal_product_remove(deal=deal, line_id=line_id, actor=request.auth, update_amount=update_amount)
    return Status(204, None)

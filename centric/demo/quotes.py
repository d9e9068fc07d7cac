"""The demo business's catalogue and quotes: VAT at 7.5%, products on a naira retail price list
and a dollar export list, and quotes on open and won deals — drafts, sent, accepted — so the
quote pages, PDFs and the deal pages have something real."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from centric.demo.generator import DemoBuilder

QUOTE_PREFIX = "demo-quote-"
PRODUCTS = [
    ("INV-5K", "Solar inverter 5kVA", "piece", "1450000", "1050"),
    ("BAT-200", "Lithium battery 200Ah", "piece", "620000", "450"),
    ("CHR-OFF", "Office chair, mesh back", "piece", "85000", "62"),
    ("POS-T1", "POS terminal", "piece", "145000", "105"),
    ("RICE-50", "Rice, 50 kg bag", "bag", "78000", None),
    ("UNI-SET", "Staff uniform set", "set", "18500", None),
    ("GEN-SVC", "Generator servicing (per visit)", "visit", "45000", None),
    ("DLV-LAG", "Delivery within Lagos", "trip", "15000", None),
]


def build_quotes(builder: DemoBuilder) -> None:
    from centric.quotes.catalogue import (
        price_list_create,
        price_set,
        product_create,
        tax_rate_create,
    )
    from centric.quotes.models import PriceList, Product, TaxRate
    from centric.quotes.services import (
        quote_create,
        quote_line_add,
        quote_mark_accepted,
        quote_send,
    )
    from centric.sales.models import Deal

    rng = builder.rng
    vat = TaxRate.objects.filter(name="VAT 7.5%").first() or tax_rate_create(
        name="VAT 7.5%", rate=Decimal("7.5"), is_default=True
    )
    retail = PriceList.objects.filter(name="Retail (NGN)").first() or price_list_create(
        name="Retail (NGN)", currency="NGN"
    )
    export = PriceList.objects.filter(name="Export (USD)").first() or price_list_create(
        name="Export (USD)", currency="USD"
    )
    products = []
    for code, name, unit, naira, dollars in PRODUCTS:
        product = Product.objects.filter(code=code).first() or product_create(
            code=code, name=name, unit=unit, tax_rate=vat
        )
        price_set(price_list=retail, product=product, unit_price=Decimal(naira))
        if dollars:
            price_set(price_list=export, product=product, unit_price=Decimal(dollars))
        products.append(product)
    deals = list(
        Deal.objects.filter(
            external_id__startswith="demo-deal-", person__isnull=False, currency="NGN"
        )
        .select_related("person", "stage", "owner")
        .order_by("external_id")[:40]
    )
    for number, deal in enumerate(deals):
        if deal.owner is None or deal.person is None:
            continue
        quote = quote_create(
            actor=deal.owner,
            title=deal.title.split(" — ")[0],
            deal=deal,
            price_list=retail,
            notes="Prices include delivery to one address in Lagos." if number % 3 == 0 else "",
            terms="50% on order, 50% on delivery. Valid for 30 days.",
            external_id=f"{QUOTE_PREFIX}{number:03d}",
        )
        for product in rng.sample(products, k=rng.randrange(1, 4)):
            quote_line_add(
                quote,
                actor=deal.owner,
                product=product,
                quantity=Decimal(rng.choice([1, 2, 5, 10, 20])),
                discount_percent=Decimal(rng.choice([0, 0, 0, 5, 10])),
            )
        if deal.stage.outcome == "won":
            quote_mark_accepted(quote, actor=deal.owner, name=f"{deal.person.first_name}, by phone")
        elif number % 5 == 1 and deal.person.primary_email:
            quote_send(quote, actor=deal.owner)
    builder.counts["quotes"] = len(deals)
    _report_orders(builder)


def _report_orders(builder: DemoBuilder) -> None:
    """The back office has started on the demo's orders (accepted quotes became orders)."""
    from centric.orders.models import Order
    from centric.orders.services import order_status_report

    orders = Order.objects.filter(quote__external_id__startswith=QUOTE_PREFIX).order_by("pk")
    for index, order in enumerate(orders):
        if index % 3 == 0:
            order_status_report(
                order,
                reference=f"demo-so-{order.pk}",
                fulfilment_status="fulfilled",
                payment_status="paid",
                back_office_reference=f"SO-{1000 + index}",
            )
        elif index % 3 == 1:
            order_status_report(
                order, reference=f"demo-so-{order.pk}", fulfilment_status="processing"
            )
    builder.counts["orders"] = orders.count()


def remove_quotes() -> None:
    from centric.orders.models import Order
    from centric.quotes.models import Quote

    Order.objects.filter(quote__external_id__startswith=QUOTE_PREFIX).delete()

    Quote.objects.filter(external_id__startswith=QUOTE_PREFIX).delete()
    Quote.history.filter(external_id__startswith=QUOTE_PREFIX).delete()

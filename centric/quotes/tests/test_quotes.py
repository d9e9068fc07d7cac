"""Quotes: lines from the price list with Nigerian VAT at 7.5%, discounts and rounding to the
minor unit without floats; a PDF that reads like a business document; sent by email with the PDF
and a signed link the customer accepts once, before it expires, and only for the quote as sent."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.interactions.models import Interaction
from centric.quotes.catalogue import price_list_create, price_set, product_create, tax_rate_create
from centric.quotes.models import Quote
from centric.quotes.money import format_money, round_money
from centric.quotes.pricing import line_amounts
from centric.quotes.services import (
    quote_accept_by_link,
    quote_line_add,
    quote_mark_accepted,
    quote_send,
    quote_update,
)
from centric.quotes.testing import make_quote
from centric.sales.testing import make_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    ada = make_user("ada", team=sales, first_name="Ada")
    vat = tax_rate_create(name="VAT 7.5%", rate=Decimal("7.5"), is_default=True)
    retail = price_list_create(name="Retail", currency="NGN")
    cement = product_create(code="cem-50", name="Cement, 50 kg bag", unit="bag")
    price_set(price_list=retail, product=cement, unit_price=Decimal("9850"))
    return {
        "ada": ada,
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
        "vat": vat,
        "retail": retail,
        "cement": cement,
        "person": make_person(
            actor=ada, first_name="Chinedu", last_name="Okafor", email="chinedu@example.com"
        ),
    }


def _quote(world, **fields):
    return make_quote(
        owner=world["ada"],
        person=world["person"],
        price_list=world["retail"],
        title="Cement",
        **fields,
    )


def test_the_arithmetic_is_decimal_and_rounds_half_up_to_the_minor_unit():
    amounts = line_amounts(
        quantity=Decimal("3"),
        unit_price=Decimal("333.335"),
        discount_percent=Decimal("10"),
        tax_rate=Decimal("7.5"),
        currency="NGN",
    )
    assert (amounts.net, amounts.discount, amounts.tax, amounts.total) == (
        Decimal("1000.01"),
        Decimal("100.00"),
        Decimal("67.50"),
        Decimal("967.51"),
    )
    assert round_money(Decimal("10.5"), "JPY") == Decimal("11")
    assert round_money(Decimal("1.0005"), "KWD") == Decimal("1.001")
    assert format_money(Decimal("1075000"), "NGN") == "₦1,075,000.00"


def test_a_line_takes_the_price_list_price_and_the_products_vat(world):
    quote = _quote(world)

    quote_line_add(quote, actor=world["ada"], product=world["cement"], quantity=Decimal(100))
    quote.refresh_from_db()

    # 100 × ₦9,850 = ₦985,000, VAT 7.5% = ₦73,875.
    assert (quote.subtotal, quote.tax_total, quote.total) == (
        Decimal("985000.000"),
        Decimal("73875.000"),
        Decimal("1058875.000"),
    )
    line = quote.lines.get()
    assert line.tax_name == "VAT 7.5%" and line.description == "Cement, 50 kg bag"


def test_a_product_off_the_price_list_needs_its_price(world):
    quote = _quote(world)
    sand = product_create(code="sand", name="Sharp sand, tonne")

    with pytest.raises(ValidationError) as refused:
        quote_line_add(quote, actor=world["ada"], product=sand)
    assert "not on the price list Retail" in refused.value.messages[0]
    assert not quote.lines.exists()


def test_the_pdf_reads_like_a_business_document(world):
    quote = _quote(world)
    quote_line_add(quote, actor=world["ada"], product=world["cement"], quantity=Decimal(2))

    with override_settings(
        CENTRIC_BUSINESS_NAME="Okeke Building Supplies Ltd",
        CENTRIC_BUSINESS_ADDRESS="14 Oba Akran Avenue, Ikeja, Lagos",
        CENTRIC_BUSINESS_TAX_ID="12345678-0001",
    ):
        from centric.quotes.pdf import quote_pdf

        pdf = quote_pdf(quote)

    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (
        "Okeke Building Supplies Ltd",
        "14 Oba Akran Avenue",
        "12345678-0001",
        quote.number,
        "Chinedu Okafor",
        "Cement, 50 kg bag",
        "VAT 7.5%",
        "₦21,177.50",
    ):
        assert expected in text, expected


def _link(message) -> str:
    found = re.search(r"https?://\S+/quotes/accept/(\S+)/", message.body)
    assert found, message.body
    return found.group(1)


def test_sending_emails_the_pdf_and_a_link_that_accepts_once(world, client):
    quote = _quote(world)
    quote_line_add(quote, actor=world["ada"], product=world["cement"], quantity=Decimal(10))

    quote_send(quote, actor=world["ada"])

    (message,) = mail.outbox
    assert message.to == ["chinedu@example.com"]
    (name, content, kind) = message.attachments[0]
    assert name == f"{quote.number}.pdf" and kind == "application/pdf" and content[:5] == b"%PDF-"
    token = _link(message)
    page = client.get(f"/quotes/accept/{token}/")
    assert page.status_code == 200 and "Accept this quote" in page.text
    accepted = client.post(f"/quotes/accept/{token}/", {"name": "Chinedu Okafor"})
    assert "the quote is accepted" in accepted.text
    quote.refresh_from_db()
    assert quote.status == "accepted" and quote.accepted_by == "Chinedu Okafor"
    assert quote.accepted_via == "link"
    with pytest.raises(ValidationError):
        quote_accept_by_link(token, name="Someone else")
    assert (
        Interaction.objects.filter(person=world["person"], subject__contains="accepted").count()
        == 1
    )


def test_a_changed_quote_makes_the_old_link_useless(world, client):
    quote = _quote(world)
    quote_line_add(quote, actor=world["ada"], product=world["cement"], quantity=Decimal(10))
    quote_send(quote, actor=world["ada"])
    token = _link(mail.outbox[0])

    quote_line_add(
        quote, actor=world["ada"], description="Delivery to Lekki", unit_price=Decimal("15000")
    )

    assert client.get(f"/quotes/accept/{token}/").status_code == 410
    with pytest.raises(ValidationError):
        quote_accept_by_link(token, name="Chinedu")
    assert Quote.objects.get(pk=quote.pk).status == "draft"


def test_an_expired_quote_cannot_be_accepted(world, client):
    quote = _quote(world, valid_until=timezone.localdate() + dt.timedelta(days=1))
    quote_line_add(quote, actor=world["ada"], product=world["cement"])
    quote_send(quote, actor=world["ada"])
    token = _link(mail.outbox[0])
    Quote.objects.filter(pk=quote.pk).update(
        issued_on=timezone.localdate() - dt.timedelta(days=40),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )

    page = client.get(f"/quotes/accept/{token}/")

    assert page.status_code == 410 and "expired" in page.text
    assert client.get("/quotes/accept/forged-token/").status_code == 404


def test_a_quote_about_a_hidden_customer_is_a_404(world, api_client, client):
    secret = make_person(actor=world["bola"], first_name="Ngozi")
    hidden = make_quote(owner=world["ada"], person=secret, title="Secret")

    assert call(api_client(world["ada"]), "get", f"/api/v1/quotes/{hidden.pk}").status_code == 404
    client.force_login(world["ada"])
    assert client.get(f"/quotes/{hidden.pk}/pdf/").status_code == 404
    assert client.post(f"/quotes/{hidden.pk}/do/", {"action": "send"}).status_code == 404


def test_a_quote_from_a_deal_is_for_its_customer(world):
    deal = make_deal(owner=world["ada"], person=world["person"])

    quote = make_quote(owner=world["ada"], deal=deal, title="From the deal")

    assert quote.person == world["person"] and quote.number.startswith("Q-")


def test_accepted_quotes_are_kept(world):
    quote = _quote(world)
    quote_line_add(quote, actor=world["ada"], product=world["cement"])
    quote_mark_accepted(quote, actor=world["ada"], name="Chinedu, by phone")

    with pytest.raises(ValidationError):
        quote_update(quote, actor=world["ada"], title="Changed")
    with pytest.raises(ValidationError):
        quote_line_add(quote, actor=world["ada"], product=world["cement"])


def test_the_api_builds_sends_and_prints_a_quote(world, api_client):
    api = api_client(world["ada"])
    made = call(
        api,
        "post",
        "/api/v1/quotes",
        {"title": "Blocks", "person_id": world["person"].pk, "price_list_id": world["retail"].pk},
    )
    assert made.status_code == 201, made.content
    quote_id = made.json()["id"]

    line = call(
        api,
        "post",
        f"/api/v1/quotes/{quote_id}/lines",
        {"product_id": world["cement"].pk, "quantity": "4", "discount_percent": "5"},
    )
    bad = call(
        api, "post", f"/api/v1/quotes/{quote_id}/lines", {"description": "x", "quantity": "-1"}
    )
    sent = call(api, "post", f"/api/v1/quotes/{quote_id}/send", {})
    pdf = call(api, "get", f"/api/v1/quotes/{quote_id}/pdf")

    assert line.status_code == 201, line.content
    # 4 × 9,850 = 39,400; less 5% = 37,430; VAT 7.5% = 2,807.25.
    assert line.json()["total"] == "40237.250"
    assert_problem(bad, 422, field="quantity")
    assert sent.json()["status"] == "sent" and len(mail.outbox) == 1
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_the_catalogue_is_the_administrators(world, api_client, client):
    refused = call(api_client(world["ada"]), "post", "/api/v1/products", {"code": "x", "name": "X"})
    made = call(
        api_client(world["admin"]),
        "post",
        "/api/v1/products",
        {"code": "blk-9", "name": "9-inch block"},
    )
    priced = call(
        api_client(world["admin"]),
        "put",
        f"/api/v1/price-lists/{world['retail'].pk}/prices",
        {"product_id": made.json()["id"], "unit_price": "650"},
    )
    client.force_login(world["ada"])
    page = client.get("/quotes/catalogue/")

    assert refused.status_code == 403
    assert made.status_code == 201 and made.json()["tax_rate_id"] == world["vat"].pk
    assert priced.json()["unit_price"] == "650"
    assert "9-inch block" in page.text and "Add a product" not in page.text


def test_closed_won_can_require_an_accepted_quote(world):
    from centric.sales.services import deal_move, stage_update

    deal = make_deal(owner=world["ada"], person=world["person"])
    won = stage_update(
        deal.pipeline.stages.get(name="Closed won"), required_fields=["accepted_quote"]
    )

    with pytest.raises(ValidationError) as refused:
        deal_move(deal, actor=world["ada"], stage=won)
    assert refused.value.message_dict == {
        "accepted_quote": ["“Closed won” needs an accepted quote."]
    }

    quote = make_quote(owner=world["ada"], deal=deal, title="Cement", price_list=world["retail"])
    quote_line_add(quote, actor=world["ada"], product=world["cement"])
    quote_mark_accepted(quote, actor=world["ada"], name="Chinedu")
    deal.refresh_from_db()
    assert deal_move(deal, actor=world["ada"], stage=won).stage == won


def test_products_on_a_deal_set_its_amount_and_start_its_quote(world, api_client, client):
    deal = make_deal(owner=world["ada"], person=world["person"], amount=None)
    api = api_client(world["ada"])

    added = call(
        api,
        "post",
        "/api/v1/deal-products",
        {
            "deal_id": deal.pk,
            "product_id": world["cement"].pk,
            "quantity": "20",
            "update_amount": True,
        },
    )
    usd_deal = make_deal(owner=world["ada"], person=world["person"], currency="USD")
    no_price = call(
        api,
        "post",
        "/api/v1/deal-products",
        {"deal_id": usd_deal.pk, "product_id": world["cement"].pk},
    )
    client.force_login(world["ada"])
    page = client.get(f"/sales/deals/{deal.pk}/")
    quote = make_quote(owner=world["ada"], deal=deal, title="From the deal")

    assert added.status_code == 201, added.content
    deal.refresh_from_db()
    assert deal.amount == Decimal("197000.00")  # 20 × ₦9,850
    assert_problem(no_price, 422, field="unit_price")
    assert "Cement, 50 kg bag" in page.text and "₦197,000.00" in page.text
    (line,) = quote.lines.all()
    assert line.quantity == Decimal(20) and quote.total == Decimal("211775.000")  # with VAT
    hidden = make_deal(owner=world["bola"], title="Not Ada's")
    refused = call(
        api,
        "post",
        "/api/v1/deal-products",
        {"deal_id": hidden.pk, "product_id": world["cement"].pk},
    )
    assert refused.status_code == 404

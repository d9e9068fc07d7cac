"""Orders: an accepted quote becomes one order (once), the back office is told by webhook and
reports fulfilment and payment through the API, idempotent by its reference; the status shows on
the order, the queue and the customer's timeline; orders follow their customer's visibility."""

from __future__ import annotations

from decimal import Decimal

import pytest

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.interactions.models import Interaction
from centric.orders.models import Order
from centric.orders.services import order_from_quote, order_status_report
from centric.quotes.services import quote_line_add, quote_mark_accepted
from centric.quotes.testing import make_quote
from centric.sales.services import deal_move, stage_update
from centric.sales.testing import make_deal
from centric.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    ada = make_user("ada", team=sales)
    return {
        "ada": ada,
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
        "person": make_person(actor=ada, first_name="Chinedu", last_name="Okafor"),
    }


def _accepted(world, **fields):
    quote = make_quote(owner=world["ada"], person=world["person"], title="Cement", **fields)
    quote_line_add(
        quote,
        actor=world["ada"],
        description="Cement, 50 kg",
        quantity=Decimal(100),
        unit_price=Decimal("9850"),
        tax_rate=Decimal("7.5"),
    )
    return quote_mark_accepted(quote, actor=world["ada"], name="Chinedu, by phone")


def test_an_accepted_quote_becomes_one_order_and_tells_the_back_office(world):
    quote = _accepted(world)

    order = Order.objects.get(quote=quote)
    again = order_from_quote(quote, actor=world["ada"])

    assert again == order and Order.objects.count() == 1
    assert order.number.startswith("O-") and order.total == Decimal("1058875.000")
    assert order.person == world["person"] and order.owner == world["ada"]
    assert Interaction.objects.filter(person=world["person"], kind="purchase").count() == 1


def test_the_back_office_hears_of_the_order(world):
    from centric.webhooks.models import WebhookEndpoint

    # Queued only (the worker delivers; delivery is tested in centric/webhooks).

    WebhookEndpoint.objects.create(
        name="ERP", url="https://erp.example.com/hooks", secret="whsec_x", events=["order.created"]
    )

    quote = _accepted(world)

    (delivery,) = WebhookDelivery.objects.filter(event="order.created")
    order = delivery.payload["order"]
    assert order["number"] == Order.objects.get(quote=quote).number
    assert delivery.payload["customer"]["name"] == "Chinedu Okafor"
    assert delivery.payload["lines"][0]["total"] == "1058875.000"


def test_status_reports_are_idempotent_by_their_reference(world):
    order = Order.objects.get(quote=_accepted(world))

    first, created = order_status_report(
        order, reference="erp-77", fulfilment_status="processing", back_office_reference="SO-1001"
    )
    repeat, again = order_status_report(order, reference="erp-77", fulfilment_status="fulfilled")
    order.refresh_from_db()

    assert created and not again and repeat == first
    assert order.fulfilment_status == "processing" and order.back_office_reference == "SO-1001"
    order_status_report(order, reference="erp-78", amount_paid=Decimal("500000"))
    order.refresh_from_db()
    assert order.payment_status == "partly_paid"
    timeline = Interaction.objects.filter(person=world["person"], kind="purchase")
    assert timeline.count() == 3  # placed, processing, partly paid


def test_the_api_takes_reports_from_the_back_office(world, api_client):
    order = Order.objects.get(quote=_accepted(world))
    api = api_client(world["admin"])
    path = f"/api/v1/orders/{order.pk}/status-reports"

    made = call(
        api,
        "post",
        path,
        {"reference": "pay-1", "payment_status": "paid", "amount_paid": "1058875"},
    )
    retried = call(
        api,
        "post",
        path,
        {"reference": "pay-1", "payment_status": "paid", "amount_paid": "1058875"},
    )
    bad = call(api, "post", path, {"reference": "x", "fulfilment_status": "teleported"})
    empty = call(api, "post", path, {"reference": "y"})

    assert made.status_code == 201 and made.json()["payment_status"] == "paid"
    assert retried.status_code == 200 and retried.json()["version"] == made.json()["version"]
    assert_problem(bad, 422, field="fulfilment_status")
    assert_problem(empty, 422)
    assert (
        call(
            api_client(world["ada"]), "post", path, {"reference": "z", "payment_status": "paid"}
        ).status_code
        == 403
    )


def test_orders_follow_their_customers_visibility(world, api_client, client):
    order = Order.objects.get(quote=_accepted(world))

    assert call(api_client(world["bola"]), "get", f"/api/v1/orders/{order.pk}").status_code == 404
    client.force_login(world["bola"])
    assert order.number not in client.get("/orders/queue/").text
    client.force_login(world["ada"])
    queue = client.get("/orders/queue/")
    assert order.number in queue.text and "Chinedu Okafor" in queue.text


def test_closed_won_can_require_an_order(world):
    deal = make_deal(owner=world["ada"], person=world["person"])
    won = stage_update(deal.pipeline.stages.get(name="Closed won"), required_fields=["order"])

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        deal_move(deal, actor=world["ada"], stage=won)
    assert refused.value.message_dict == {"order": ["“Closed won” needs an order."]}
    _accepted(world, deal=deal)
    deal.refresh_from_db()
    assert deal_move(deal, actor=world["ada"], stage=won).stage == won

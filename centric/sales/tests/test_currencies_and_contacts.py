"""Deals in other currencies convert at dated exchange rates in the board, forecast and results
(a currency without a rate is named, never guessed); the people on a deal with their roles,
visible only to those who may see each person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.sales.contacts import deal_contact_add, visible_contacts
from centric.sales.exchange import convert, exchange_rate_set
from centric.sales.reports import forecast, performance
from centric.sales.selectors import board
from centric.sales.services import deal_move
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "ada": make_user("ada", team=sales, first_name="Ada", last_name="Obi"),
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
    }


def test_amounts_convert_at_the_rate_of_their_day():
    exchange_rate_set(currency="USD", rate=Decimal("1500"), valid_on=dt.date(2026, 1, 1))
    exchange_rate_set(currency="USD", rate=Decimal("1600.5"), valid_on=dt.date(2026, 6, 1))

    january = convert({"USD": Decimal("10"), "NGN": Decimal("1000")}, dt.date(2026, 3, 15))
    july = convert({"USD": Decimal("10")}, dt.date(2026, 7, 1))
    unknown = convert({"GHS": Decimal("10")}, dt.date(2026, 7, 1))

    assert january.total == Decimal("16000.00")
    assert july.total == Decimal("16005.00")
    assert unknown.total == Decimal("0.00") and unknown.missing == {"GHS": Decimal("10")}
    with pytest.raises(ValidationError):
        exchange_rate_set(currency="NGN", rate=Decimal("1"), valid_on=dt.date(2026, 1, 1))


def test_the_board_and_forecast_convert_other_currencies(world):
    pipeline = make_pipeline()
    today = timezone.localdate()
    close = today + dt.timedelta(days=20)
    exchange_rate_set(currency="USD", rate=Decimal("1500"), valid_on=today - dt.timedelta(days=3))
    make_deal(owner=world["ada"], amount=Decimal("300000"), expected_close_on=close)
    make_deal(owner=world["ada"], amount=Decimal("100"), currency="USD", expected_close_on=close)
    make_deal(owner=world["ada"], amount=Decimal("50"), currency="GHS", expected_close_on=close)

    (new, *_rest) = board(world["ada"], pipeline)
    report = forecast(world["ada"], start=today, months=2)

    # 300,000 + 100 × 1,500 at today's rate; the cedi deal has no rate.
    assert new.totals == {
        "NGN": Decimal("300000.00"),
        "USD": Decimal("100.00"),
        "GHS": Decimal("50.00"),
    }
    assert new.converted is None  # GHS has no rate: no converted total rather than a wrong one
    assert report.total.value == Decimal("450000.00") and report.total.deals == 2
    assert report.other_currencies == {"GHS": 1}


def test_results_convert_won_deals_at_the_rate_of_their_month(world):
    pipeline = make_pipeline()
    won = pipeline.stages.get(name="Closed won")
    today = timezone.localdate()
    exchange_rate_set(currency="USD", rate=Decimal("1400"), valid_on=today.replace(day=1))
    deal = make_deal(owner=world["ada"], amount=Decimal("1000"), currency="USD")
    deal_move(deal, actor=world["ada"], stage=won)

    report = performance(world["ada"], start=today - dt.timedelta(days=5), end=today)

    assert report.total.won_value == Decimal("1400000.00")
    assert report.total.average_won == Decimal("1400000.00")


def test_the_api_sets_rates_for_administrators(world, api_client):
    body = {"currency": "USD", "rate": "1550.25", "valid_on": "2026-11-01"}

    refused = call(api_client(world["ada"]), "put", "/api/v1/exchange-rates", body)
    made = call(api_client(world["admin"]), "put", "/api/v1/exchange-rates", body)
    bad = call(api_client(world["admin"]), "put", "/api/v1/exchange-rates", {**body, "rate": "0"})

    assert refused.status_code == 403
    assert made.status_code == 200 and Decimal(made.json()["rate"]) == Decimal("1550.25")
    assert_problem(bad, 422, field="rate")


def test_people_on_a_deal_show_only_to_those_who_may_see_them(world, api_client, client):
    chinedu = make_person(actor=world["ada"], first_name="Chinedu")
    deal = make_deal(owner=world["ada"], person=chinedu, title="Office furniture")
    buyer = make_person(actor=world["ada"], first_name="Amaka", last_name="Eze")
    hidden = make_person(actor=world["bola"], first_name="Ngozi")
    deal_contact_add(deal=deal, person=hidden, role="finance")

    api = api_client(world["ada"])
    added = call(
        api, "post", f"/api/v1/deals/{deal.pk}/contacts", {"person_id": buyer.pk, "role": "buyer"}
    )
    secret = call(
        api, "post", f"/api/v1/deals/{deal.pk}/contacts", {"person_id": hidden.pk, "role": "buyer"}
    )
    listed = call(api, "get", f"/api/v1/deals/{deal.pk}/contacts")
    client.force_login(world["ada"])
    page = client.get(f"/sales/deals/{deal.pk}/")

    assert added.status_code == 201 and added.json()["role"] == "buyer"
    assert_problem(secret, 422, field="person_id")
    assert [c["name"] for c in listed.json()] == ["Amaka Eze"]
    assert "Amaka Eze" in page.text and "Ngozi" not in page.text
    assert [c.person for c in visible_contacts(world["ada"], deal)] == [buyer]
    with pytest.raises(ValidationError):
        deal_contact_add(deal=deal, person=chinedu, role="buyer")  # the main contact already
    removed = call(api, "delete", f"/api/v1/deals/{deal.pk}/contacts/{added.json()['id']}")
    assert removed.status_code == 204


def test_the_deal_page_adds_a_person_with_a_role(world, client):
    deal = make_deal(owner=world["ada"], title="Generator")
    person = make_person(actor=world["ada"], first_name="Tunde", last_name="Bakare")
    client.force_login(world["ada"])

    client.post(
        f"/sales/deals/{deal.pk}/contacts/",
        {"contact-person": person.pk, "contact-role": "decision_maker", "contact-note": "MD"},
    )

    (contact,) = visible_contacts(world["ada"], deal)
    assert (contact.person, contact.role, contact.note) == (person, "decision_maker", "MD")


def test_the_exchange_rates_page_shows_todays_rates_and_sets_one(world, client):
    from centric.sales.models import ExchangeRate

    make_deal(owner=world["ada"], amount=Decimal("100"), currency="GHS")
    exchange_rate_set(currency="USD", rate=Decimal("1500"), valid_on=dt.date(2026, 1, 1))
    client.force_login(world["ada"])

    page = client.get("/sales/exchange-rates/")
    assert page.status_code == 200
    assert dict(page.context["today_rates"]) == {"GHS": None, "USD": Decimal("1500")}
    assert "No rate yet" in page.text and 'name="rate"' not in page.text  # a seller reads
    assert client.post("/sales/exchange-rates/", {"currency": "GHS"}).status_code == 403

    client.force_login(world["admin"])
    today = timezone.localdate().isoformat()
    for bad, field_words in (
        ({"currency": "cedi", "rate": "120", "valid_on": today}, "ISO code"),
        ({"currency": "GHS", "rate": "-1", "valid_on": today}, "more than 0"),
        ({"currency": "GHS", "rate": "1e999", "valid_on": today}, "digits"),
        ({"currency": "GHS", "rate": "abc", "valid_on": today}, "as a number"),
        ({"currency": "GHS", "rate": "120", "valid_on": "yesterday"}, "day the rate"),
        ({"currency": "NGN", "rate": "1", "valid_on": today}, "own currency"),
    ):
        refused = client.post("/sales/exchange-rates/", bad)
        assert refused.status_code == 200 and field_words in refused.text, bad
    assert not ExchangeRate.objects.filter(currency__in=["GHS", "NGN"]).exists()

    done = client.post(
        "/sales/exchange-rates/", {"currency": "ghs", "rate": "1,120.50", "valid_on": today}
    )
    assert done.status_code == 302
    assert ExchangeRate.objects.get(currency="GHS").rate == Decimal("1120.50")
    again = client.get("/sales/exchange-rates/")
    assert dict(again.context["today_rates"])["GHS"] == Decimal("1120.50")

"""Closing a deal: lost with a reason from the business's list, and when the reason is a
competitor, which one, so "deals lost to competitors" is a real report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.sales.models import Competitor, Deal, LostReason
from centric.sales.services import deal_move
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "ada": make_user("ada", first_name="Ada", last_name="Obi", team=sales),
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
        "price": LostReason.objects.create(name="Price too high"),
        "rival": LostReason.objects.create(name="Went with a competitor", names_competitor=True),
        "jumia": Competitor.objects.create(name="Jumia"),
        "market": Competitor.objects.create(name="Balogun market"),
    }


def _lost(deal):
    return deal.pipeline.stages.get(name="Closed lost")


def test_a_deal_is_lost_only_with_a_reason_and_the_competitor_it_names(world):
    deal = make_deal(owner=world["ada"])

    with pytest.raises(ValidationError) as no_reason:
        deal_move(deal, actor=world["ada"], stage=_lost(deal))
    assert no_reason.value.message_dict == {"lost_reason": ["Say why the deal was lost."]}
    with pytest.raises(ValidationError) as no_rival:
        deal_move(deal, actor=world["ada"], stage=_lost(deal), lost_reason=world["rival"])
    assert set(no_rival.value.message_dict) == {"competitor"}
    deal.refresh_from_db()
    assert (deal.stage.name, deal.lost_reason, deal.closed_at) == ("New", None, None)

    lost = deal_move(
        deal,
        actor=world["ada"],
        stage=_lost(deal),
        lost_reason=world["rival"],
        competitor=world["jumia"],
    )
    assert (lost.lost_reason, lost.competitor) == (world["rival"], world["jumia"])
    assert lost.closed_at is not None

    # Reopened, the reasons it was lost no longer hold.
    reopened = deal_move(lost, actor=world["ada"], stage=lost.pipeline.stages.get(name="New"))
    assert (reopened.lost_reason, reopened.competitor, reopened.closed_at) == (None, None, None)


def test_a_reason_is_for_a_lost_deal_and_a_competitor_for_a_reason_that_names_one(world):
    deal = make_deal(owner=world["ada"])
    with pytest.raises(ValidationError, match="lost stage"):
        deal_move(
            deal,
            actor=world["ada"],
            stage=deal.pipeline.stages.get(name="Qualified"),
            lost_reason=world["price"],
        )
    with pytest.raises(ValidationError) as refused:
        deal_move(
            deal,
            actor=world["ada"],
            stage=_lost(deal),
            lost_reason=world["price"],
            competitor=world["jumia"],
        )
    assert set(refused.value.message_dict) == {"competitor"}


def test_the_api_closes_a_deal_as_lost_with_its_reason(world, api_client):
    deal = make_deal(owner=world["ada"])
    api = api_client(world["ada"])
    url = f"/api/v1/deals/{deal.pk}"

    assert_problem(call(api, "patch", url, {"stage_id": _lost(deal).pk}), 422, field="lost_reason")
    done = call(
        api,
        "patch",
        url,
        {
            "stage_id": _lost(deal).pk,
            "lost_reason_id": world["rival"].pk,
            "competitor_id": world["jumia"].pk,
        },
    )
    assert done.status_code == 200, done.content
    assert (done.json()["lost_reason_id"], done.json()["competitor_id"]) == (
        world["rival"].pk,
        world["jumia"].pk,
    )
    by_competitor = call(api, "get", f"/api/v1/deals?competitor_id={world['jumia'].pk}")
    assert [d["id"] for d in by_competitor.json()["items"]] == [deal.pk]
    names = [r["name"] for r in call(api, "get", "/api/v1/lost-reasons").json()]
    assert names == ["Price too high", "Went with a competitor"]


def test_competitors_and_reasons_are_added_by_those_allowed(world, api_client):
    seller, admin = api_client(world["ada"]), api_client(world["admin"])
    assert call(seller, "post", "/api/v1/competitors", {"name": "Konga"}).status_code == 403
    assert call(admin, "post", "/api/v1/competitors", {"name": "Konga"}).status_code == 201
    assert_problem(
        call(admin, "post", "/api/v1/competitors", {"name": " konga "}), 422, field="name"
    )
    made = call(admin, "post", "/api/v1/lost-reasons", {"name": "No budget"})
    assert made.status_code == 201 and made.json()["names_competitor"] is False


def _lose(world, owner, competitor, amount, days_ago, person=None):
    deal = make_deal(owner=owner, amount=Decimal(amount), person=person)
    deal = deal_move(
        deal,
        actor=owner,
        stage=_lost(deal),
        lost_reason=world["rival"],
        competitor=competitor,
    )
    Deal.objects.filter(pk=deal.pk).update(closed_at=timezone.now() - dt.timedelta(days=days_ago))
    return deal


def test_the_report_counts_what_was_lost_to_whom_by_month_and_owner(world, api_client, client):
    ada = world["ada"]
    _lose(world, ada, world["jumia"], "100000.00", 0)
    _lose(world, ada, world["jumia"], "50000.00", 0)
    _lose(world, ada, world["market"], "20000.00", 0)
    _lose(world, ada, world["market"], "99.00", 400)  # outside the default twelve months
    hidden = make_person(actor=world["bola"])
    _lose(world, ada, world["jumia"], "7000000.00", 0, person=hidden)  # about a hidden person
    make_deal(owner=ada)  # open: not lost

    rows = call(api_client(ada), "get", "/api/v1/sales-reports/lost-to-competitors").json()

    this_month = timezone.localdate().replace(day=1).isoformat()
    assert rows == [
        {
            "competitor": "Balogun market",
            "month": this_month,
            "owner": "Ada Obi",
            "deals": 1,
            "currency": "NGN",
            "value": "20000.00",
        },
        {
            "competitor": "Jumia",
            "month": this_month,
            "owner": "Ada Obi",
            "deals": 2,
            "currency": "NGN",
            "value": "150000.00",
        },
    ]
    client.force_login(ada)
    page = client.get("/sales/reports/lost-to-competitors/")
    assert [b.competitor for b in page.context["bars"]] == ["Jumia", "Balogun market"]
    assert "7,000,000" not in page.text and "7000000" not in page.text
    csv = client.get("/sales/reports/lost-to-competitors/", {"format": "csv"})
    lines = csv.content.decode().strip().splitlines()
    assert lines[0] == "Competitor,Month,Owner,Deals,Currency,Value lost"
    assert len(lines) == 3
    bad = call(
        api_client(ada),
        "get",
        "/api/v1/sales-reports/lost-to-competitors?start=2026-05-01&end=2026-01-01",
    )
    assert_problem(bad, 422, field="start")


def test_dropping_a_card_on_the_lost_column_asks_why_on_the_deal_form(world, client):
    pipeline = make_pipeline()
    deal = make_deal(owner=world["ada"], pipeline=pipeline)
    client.force_login(world["ada"])

    response = client.post(
        f"/sales/deals/{deal.pk}/move/", {"stage": _lost(deal).pk, "version": deal.version}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/sales/deals/{deal.pk}/edit/?stage={_lost(deal).pk}"
    deal.refresh_from_db()
    assert deal.stage.name == "New"

    form = client.get(response["Location"])
    assert form.status_code == 200
    assert form.context["form"].initial["stage"] == str(_lost(deal).pk)
    assert "Say why" in form.text

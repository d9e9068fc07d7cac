"""Forecast and results: weighted by the stages' win probabilities, by month and owner or team;
win rate, average won deal, days to win and stage conversion over a period; every number links
to deals the list filters to; CSV and XLSX downloads; the same in the API; only visible deals."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from centric.core.api.testing import call
from centric.customers.testing import make_person
from centric.sales.models import Deal
from centric.sales.reports import forecast, performance
from centric.sales.services import deal_move
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "ada": make_user("ada", team=sales, first_name="Ada", last_name="Obi"),
        "chidi": make_user("chidi", team=sales, first_name="Chidi", last_name="Eze"),
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
    }


def _next_month(months: int = 1) -> dt.date:
    today = timezone.localdate().replace(day=15)
    index = today.month - 1 + months
    return today.replace(year=today.year + index // 12, month=index % 12 + 1)


def _stage(pipeline, name):
    return pipeline.stages.get(name=name)


def test_the_forecast_weighs_open_deals_by_their_stage(world):
    pipeline = make_pipeline()
    close = _next_month()
    new = make_deal(owner=world["ada"], amount=Decimal("1000000"), expected_close_on=close)
    proposal = make_deal(owner=world["ada"], amount=Decimal("500000"), expected_close_on=close)
    deal_move(proposal, actor=world["ada"], stage=_stage(pipeline, "Proposal"))
    make_deal(owner=world["chidi"], amount=Decimal("200000"), expected_close_on=_next_month(2))
    make_deal(
        owner=world["chidi"], amount=Decimal("90000"), currency="USD", expected_close_on=close
    )
    make_deal(owner=world["chidi"], amount=Decimal("70000"))  # no close date
    secret = make_person(actor=world["bola"], first_name="Ngozi")
    make_deal(owner=world["ada"], person=secret, amount=Decimal("9999999"), expected_close_on=close)

    report = forecast(world["ada"], start=timezone.localdate(), months=3)

    month = close.replace(day=1)
    (ada,) = [row for row in report.rows if row.label == "Ada Obi"]
    # 1,000,000 × 10% + 500,000 × 60%; the hidden customer's deal is not counted.
    assert ada.cells[month].weighted == Decimal("400000.00")
    assert ada.cells[month].value == Decimal("1500000.00")
    assert report.totals[_next_month(2).replace(day=1)].weighted == Decimal("20000.00")
    assert report.other_currencies == {"USD": 1}
    assert report.without_close_date == 1
    assert ada.cells[month].filters == {
        "close_month": f"{month:%Y-%m}",
        "outcome": "open",
        "owner": str(world["ada"].pk),
    }
    by_team = forecast(world["ada"], start=timezone.localdate(), months=3, by="team")
    assert [row.label for row in by_team.rows] == ["Sales"]
    assert new.pk  # used


def test_results_win_rate_size_cycle_and_conversion(world):
    pipeline = make_pipeline()
    won_stage, lost_stage = _stage(pipeline, "Closed won"), _stage(pipeline, "Closed lost")
    from centric.sales.models import LostReason

    reason = LostReason.objects.create(name="Price too high")
    for amount in ("300000", "500000"):
        deal = make_deal(owner=world["ada"], amount=Decimal(amount))
        deal = deal_move(deal, actor=world["ada"], stage=_stage(pipeline, "Qualified"))
        Deal.objects.filter(pk=deal.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
        deal.refresh_from_db()
        deal_move(deal, actor=world["ada"], stage=won_stage)
    lost = make_deal(owner=world["ada"])
    deal_move(lost, actor=world["ada"], stage=lost_stage, lost_reason=reason)
    make_deal(owner=world["chidi"])  # still open
    today = timezone.localdate()

    report = performance(
        world["ada"], start=today - dt.timedelta(days=30), end=today, pipeline=pipeline
    )

    assert (report.total.won, report.total.lost) == (2, 1)
    assert report.total.win_rate == pytest.approx(66.7)
    assert report.total.average_won == Decimal("400000.00")
    assert report.total.cycle_days == pytest.approx(10.0, abs=0.1)
    reach = {stage.name: stage for stage in report.stages}
    assert reach["New"].reached == 4
    assert reach["Qualified"].reached == 2 and reach["Qualified"].conversion == 50.0
    assert reach["Closed won"].reached == 2


def test_the_page_links_numbers_to_the_deals_behind_them(world, client):
    make_pipeline()
    close = _next_month()
    make_deal(
        owner=world["ada"],
        title="Solar inverter",
        amount=Decimal("800000"),
        expected_close_on=close,
    )
    make_deal(
        owner=world["ada"],
        title="Office chairs",
        amount=Decimal("100000"),
        expected_close_on=_next_month(3),
    )
    client.force_login(world["ada"])

    page = client.get("/sales/reports/")
    link = f"/sales/deals/?close_month={close:%Y-%m}&amp;outcome=open&amp;owner={world['ada'].pk}"
    deals = client.get(link.replace("&amp;", "&"))
    bad = client.get("/sales/deals/?close_month=July")

    assert page.status_code == 200 and link in page.text
    assert "Solar inverter" in deals.text and "Office chairs" not in deals.text
    assert "Expected close: " in deals.text  # the active filter is shown, with a way to drop it
    assert "Give the month as YYYY-MM." in bad.text


def test_downloads_as_csv_and_xlsx(world, client):
    make_pipeline()
    make_deal(owner=world["ada"], amount=Decimal("800000"), expected_close_on=_next_month())
    client.force_login(world["ada"])

    text = client.get("/sales/reports/", {"download": "forecast.csv"}).content.decode()
    xlsx = client.get("/sales/reports/results/", {"download": "results.xlsx"})

    assert text.splitlines()[0].startswith("Owner,")
    assert "Ada Obi" in text and "80000.00" in text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Owner", "Won", "Lost"]
    assert xlsx["Content-Disposition"] == 'attachment; filename="sales-results.xlsx"'


def test_the_api_gives_the_same_figures(world, api_client):
    make_pipeline()
    close = _next_month()
    make_deal(owner=world["ada"], amount=Decimal("1000000"), expected_close_on=close)
    api = api_client(world["ada"])

    body = call(
        api, "get", f"/api/v1/sales-reports/forecast?start={timezone.localdate()}&months=2"
    ).json()
    results = call(api, "get", "/api/v1/sales-reports/results").json()
    refused = call(api, "get", "/api/v1/sales-reports/forecast?months=99")

    (row,) = body["rows"]
    assert row["name"] == "Ada Obi" and row["weighted"] == "100000.00"
    assert results["total"]["won"] == 0 and results["stages"][0]["reached"] == 1
    assert refused.status_code == 422


def test_the_board_filters_by_team_and_the_forecast_runs_a_fixed_number_of_queries(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_pipeline()
    close = _next_month()
    make_deal(
        owner=world["ada"], title="Sales deal", amount=Decimal("1000"), expected_close_on=close
    )
    make_deal(
        owner=world["admin"], team=world["bola"].team, title="Service deal", expected_close_on=close
    )
    client.force_login(world["admin"])

    board = client.get("/sales/", {"team": world["ada"].team_id})
    assert "Sales deal" in board.text and "Service deal" not in board.text

    api = client
    api.get("/sales/reports/")
    with CaptureQueriesContext(connection) as few:
        api.get("/sales/reports/")
    for number in range(12):
        make_deal(
            owner=world["chidi"],
            title=f"More {number}",
            amount=Decimal("5000"),
            expected_close_on=_next_month(number % 3 + 1),
        )
    with CaptureQueriesContext(connection) as many:
        page = api.get("/sales/reports/")
    assert page.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]

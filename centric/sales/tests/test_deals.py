"""Deals on the business's pipeline: stage requirements, the kept stage history, concurrent
moves, visibility through the customer, and the same rules on the board, the API and in
services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centric.core.api.testing import assert_problem, call
from centric.core.errors import ConcurrentEditError
from centric.customers.testing import make_person
from centric.sales.models import Deal, DealStageChange, Pipeline
from centric.sales.selectors import CARDS_PER_STAGE
from centric.sales.services import deal_create, deal_move, deal_update
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "sales": sales,
        "ada": make_user("ada", team=sales),
        "chidi": make_user("chidi", team=sales),
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
    }


def _stage(pipeline: Pipeline, name: str):
    return pipeline.stages.get(name=name)


def test_a_deal_starts_in_the_first_stage_with_its_entry_kept(world):
    deal = make_deal(owner=world["ada"], amount=None)

    assert deal.stage.name == "New" and deal.currency == "NGN"
    (change,) = DealStageChange.objects.filter(deal=deal)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        None,
        deal.stage,
        world["ada"],
    )


def test_a_stage_refuses_a_deal_that_lacks_what_it_needs_and_nothing_changes(world):
    deal = make_deal(owner=world["ada"], amount=None)
    proposal = _stage(deal.pipeline, "Proposal")

    with pytest.raises(ValidationError) as refused:
        deal_move(deal, actor=world["ada"], stage=proposal, expected_version=deal.version)

    assert refused.value.message_dict == {"amount": ["“Proposal” needs an amount."]}
    deal.refresh_from_db()
    assert (deal.stage.name, deal.version) == ("New", 1)
    assert DealStageChange.objects.filter(deal=deal).count() == 1

    # Given the amount in the same change, the deal enters the stage.
    moved = deal_update(
        deal, actor=world["ada"], stage=proposal, amount=Decimal("1500000.00"), expected_version=1
    )
    assert (moved.stage, moved.amount, moved.version) == (proposal, Decimal("1500000.00"), 2)


def test_a_deal_in_a_stage_cannot_lose_what_the_stage_needs(world):
    pipeline = make_pipeline()
    deal = make_deal(owner=world["ada"], stage=_stage(pipeline, "Proposal"), pipeline=pipeline)

    with pytest.raises(ValidationError) as refused:
        deal_update(deal, actor=world["ada"], amount=None)

    assert "amount" in refused.value.message_dict
    deal.refresh_from_db()
    assert deal.amount == Decimal("250000.00")


def test_every_move_is_kept_with_the_time_spent_in_the_stage_before(world):
    deal = make_deal(owner=world["ada"])
    Deal.objects.filter(pk=deal.pk).update(
        stage_entered_at=deal.stage_entered_at - dt.timedelta(days=3)
    )
    deal.refresh_from_db()

    qualified = _stage(deal.pipeline, "Qualified")
    deal = deal_move(deal, actor=world["chidi"], stage=qualified)
    won = deal_move(deal, actor=world["chidi"], stage=_stage(deal.pipeline, "Closed won"))

    changes = list(DealStageChange.objects.filter(deal=deal).order_by("id"))
    assert [c.to_stage.name for c in changes] == ["New", "Qualified", "Closed won"]
    assert changes[1].from_stage.name == "New"
    assert 3 * 86400 <= changes[1].seconds_in_previous < 3 * 86400 + 60
    assert changes[1].changed_by == world["chidi"]
    assert won.closed_at is not None
    # Back to an open stage: no longer closed.
    reopened = deal_move(won, actor=world["chidi"], stage=qualified)
    assert reopened.closed_at is None


def test_two_people_moving_one_deal_at_once_do_not_lose_a_change_silently(world):
    deal = make_deal(owner=world["ada"])
    seen_by_both = deal.version
    deal_move(
        deal,
        actor=world["ada"],
        stage=_stage(deal.pipeline, "Qualified"),
        expected_version=seen_by_both,
    )

    with pytest.raises(ConcurrentEditError):
        deal_move(
            deal,
            actor=world["chidi"],
            stage=_stage(deal.pipeline, "Proposal"),
            expected_version=seen_by_both,
        )
    deal.refresh_from_db()
    assert deal.stage.name == "Qualified"


def test_a_stage_of_another_pipeline_or_a_retired_one_is_refused(world):
    deal = make_deal(owner=world["ada"])
    other = make_pipeline("Corporate accounts")
    with pytest.raises(ValidationError, match="another pipeline"):
        deal_move(deal, actor=world["ada"], stage=_stage(other, "Qualified"))
    retired = _stage(deal.pipeline, "Qualified")
    retired.is_retired = True
    retired.save()
    with pytest.raises(ValidationError, match="retired"):
        deal_move(deal, actor=world["ada"], stage=retired)


def test_currency_is_an_iso_code_and_amounts_are_never_negative(world):
    pipeline = make_pipeline()
    with pytest.raises(ValidationError) as bad:
        deal_create(
            actor=world["ada"],
            title="Bad",
            pipeline=pipeline,
            amount=Decimal("-1"),
            currency="naira",
        )
    assert set(bad.value.message_dict) == {"amount", "currency"}
    assert not Deal.objects.exists()


def test_a_deal_about_a_person_one_may_not_see_is_hidden_even_from_its_owner(
    world, api_client, client
):
    """Anything about a person is visible only to those who may see that person."""
    secret = make_person(actor=world["bola"], first_name="Ngozi", last_name="Eze")
    hidden = make_deal(owner=world["ada"], person=secret, title="Ngozi's order")
    shown = make_deal(owner=world["ada"], title="Walk-in order")

    assert list(Deal.objects.visible_to(world["ada"])) == [shown]
    api = api_client(world["ada"])
    assert call(api, "get", f"/api/v1/deals/{hidden.pk}").status_code == 404
    assert call(api, "get", f"/api/v1/deals/{shown.pk}").status_code == 200
    client.force_login(world["ada"])
    board = client.get("/sales/")
    assert "Walk-in order" in board.text and "Ngozi" not in board.text
    assert client.get(f"/sales/deals/{hidden.pk}/").status_code == 404
    moved = client.post(
        f"/sales/deals/{hidden.pk}/move/",
        {"stage": _stage(hidden.pipeline, "Qualified").pk, "version": 1},
    )
    assert moved.status_code == 404
    # Bola sees the person but not Sales' deal (owner and team rule still applies).
    assert not Deal.objects.visible_to(world["bola"]).exists()
    # Whoever sees every customer and every deal sees both.
    assert set(Deal.objects.visible_to(world["admin"])) == {hidden, shown}
    assert call(api_client(world["admin"]), "get", f"/api/v1/deals/{hidden.pk}").status_code == 200


def test_the_api_moves_a_deal_with_the_same_requirements(world, api_client):
    deal = make_deal(owner=world["ada"], amount=None)
    proposal = _stage(deal.pipeline, "Proposal")
    api = api_client(world["ada"])

    refused = call(
        api, "patch", f"/api/v1/deals/{deal.pk}", {"stage_id": proposal.pk}, HTTP_IF_MATCH='"1"'
    )
    body = assert_problem(refused, 422, field="amount")
    assert "needs an amount" in str(body["errors"])
    deal.refresh_from_db()
    assert deal.stage.name == "New"

    moved = call(
        api, "patch", f"/api/v1/deals/{deal.pk}", {"stage_id": proposal.pk, "amount": "750000.00"}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage_id"] == proposal.pk
    assert moved.json()["amount"] == "750000.00"


def test_pipelines_are_listed_to_sellers_and_created_by_administrators(world, api_client):
    make_pipeline()
    listed = call(api_client(world["ada"]), "get", "/api/v1/pipelines")
    assert listed.status_code == 200
    (retail,) = listed.json()
    assert [s["name"] for s in retail["stages"]][:3] == ["New", "Qualified", "Proposal"]
    assert retail["stages"][2]["required_fields"] == ["amount"]

    body = {
        "name": "Corporate accounts",
        "stages": [
            {"name": "Discovery", "probability": 20},
            {"name": "Tender", "probability": 50, "required_fields": ["amount", "organisation"]},
            {"name": "Won", "probability": 100, "outcome": "won"},
        ],
    }
    assert call(api_client(world["ada"]), "post", "/api/v1/pipelines", body).status_code == 403
    created = call(api_client(world["admin"]), "post", "/api/v1/pipelines", body)
    assert created.status_code == 201, created.content
    assert [s["name"] for s in created.json()["stages"]] == ["Discovery", "Tender", "Won"]
    again = call(api_client(world["admin"]), "post", "/api/v1/pipelines", body)
    assert_problem(again, 422, field="name")
    bad = {**body, "name": "Odd", "stages": [{"name": "X", "required_fields": ["colour"]}]}
    assert_problem(call(api_client(world["admin"]), "post", "/api/v1/pipelines", bad), 422)
    assert not Pipeline.objects.filter(name="Odd").exists()


def test_the_board_shows_each_stage_with_its_count_and_total(world, client):
    pipeline = make_pipeline()
    make_deal(owner=world["ada"], amount=Decimal("100000.50"))
    make_deal(owner=world["chidi"], amount=Decimal("200000.00"))
    make_deal(owner=world["ada"], amount=Decimal("50.00"), currency="USD")
    make_deal(owner=world["ada"], stage=_stage(pipeline, "Proposal"), title="Big one")
    client.force_login(world["ada"])

    page = client.get("/sales/", {"pipeline": pipeline.pk})

    columns = {c.stage.name: c for c in page.context["columns"]}
    assert columns["New"].count == 3
    assert columns["New"].totals == {"NGN": Decimal("300000.50"), "USD": Decimal("50.00")}
    assert [d.title for d in columns["Proposal"].deals] == ["Big one"]
    mine = client.get("/sales/", {"pipeline": pipeline.pk, "owner": "me"})
    assert {c.stage.name: c.count for c in mine.context["columns"]}["New"] == 2


def test_a_full_column_shows_its_first_cards_and_links_to_the_rest(world, client):
    pipeline = make_pipeline()
    shown = CARDS_PER_STAGE + 5
    for day in range(shown):
        make_deal(owner=world["ada"], expected_close_on=dt.date(2027, 1, 1) + dt.timedelta(day))
    make_deal(owner=world["ada"], title="Undated")
    client.force_login(world["ada"])

    page = client.get("/sales/", {"pipeline": pipeline.pk, "owner": "me"})

    (new, *_rest) = page.context["columns"]
    assert new.count == shown + 1 and len(new.deals) == CARDS_PER_STAGE and new.more == 6
    # The soonest to close first, the undated last.
    dates = [deal.expected_close_on for deal in new.deals]
    assert dates == sorted(dates) and dates[0] == dt.date(2027, 1, 1)
    assert escape(new.list_url) in page.text
    listed = client.get(new.list_url)
    assert listed.status_code == 200 and "Undated" in listed.text
    assert f"stage={new.stage.pk}" in new.list_url and "owner=me" in new.list_url


def test_the_won_column_shows_the_last_30_days_most_recent_first(world, client):
    from django.utils import timezone

    pipeline = make_pipeline()
    won = _stage(pipeline, "Closed won")
    for title, days_ago in (("Week ago", 7), ("Yesterday", 1), ("Last quarter", 90)):
        deal = deal_move(make_deal(owner=world["ada"], title=title), actor=world["ada"], stage=won)
        closed = timezone.now() - dt.timedelta(days=days_ago)
        Deal.objects.filter(pk=deal.pk).update(closed_at=closed)
    client.force_login(world["ada"])

    columns = {c.stage.name: c for c in client.get("/sales/").context["columns"]}

    assert [deal.title for deal in columns["Closed won"].deals] == ["Yesterday", "Week ago"]
    assert columns["Closed won"].count == 2 and columns["Closed won"].totals["NGN"] == 500000
    assert "closed_from=" in columns["Closed won"].list_url


def test_the_board_makes_as_many_queries_for_twelve_deals_as_for_two(world, client):
    pipeline = make_pipeline()
    client.force_login(world["ada"])
    counts = []
    for extra in (2, 10):
        for _ in range(extra):
            make_deal(owner=world["ada"], person=make_person(actor=world["ada"]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sales/", {"pipeline": pipeline.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_moving_on_the_board_says_what_is_missing(world, client):
    deal = make_deal(owner=world["ada"], amount=None)
    client.force_login(world["ada"])

    refused = client.post(
        f"/sales/deals/{deal.pk}/move/",
        {"stage": _stage(deal.pipeline, "Proposal").pk, "version": deal.version},
        follow=True,
    )
    assert "“Proposal” needs an amount." in refused.text
    deal.refresh_from_db()
    assert deal.stage.name == "New"

    moved = client.post(
        f"/sales/deals/{deal.pk}/move/",
        {"stage": _stage(deal.pipeline, "Qualified").pk, "version": deal.version},
        follow=True,
    )
    assert "moved to Qualified" in moved.text
    stale = client.post(
        f"/sales/deals/{deal.pk}/move/",
        {"stage": _stage(deal.pipeline, "New").pk, "version": 1},
        follow=True,
    )
    assert "changed by someone else" in stale.text
    deal.refresh_from_db()
    assert deal.stage.name == "Qualified"

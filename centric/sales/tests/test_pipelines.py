"""Setting up pipelines: stages renamed, added, re-ordered and retired without losing history or
breaking reports; checklist items a deal must tick; the same rules on the pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from centric.core.api.testing import assert_problem, call
from centric.sales.models import DealStageChange, Pipeline, Stage
from centric.sales.services import deal_move, deal_update, stage_update, stages_reorder
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales = make_team("Sales")
    return {
        "ada": make_user("ada", team=sales),
        "admin": make_user("admin", role="Administrator", team=sales),
    }


def test_a_renamed_stage_keeps_its_history(world):
    deal = make_deal(owner=world["ada"])
    qualified = deal.pipeline.stages.get(name="Qualified")
    deal_move(deal, actor=world["ada"], stage=qualified)

    stage_update(qualified, name="Needs confirmed")

    change = DealStageChange.objects.filter(deal=deal).latest("id")
    assert change.to_stage.name == "Needs confirmed"


def test_a_stage_with_open_deals_is_retired_only_once_they_move_on(world):
    deal = make_deal(owner=world["ada"])
    new = deal.stage

    with pytest.raises(ValidationError) as refused:
        stage_update(new, is_retired=True)
    assert "1 open deals are in “New”" in refused.value.messages[0]

    deal_move(deal, actor=world["ada"], stage=deal.pipeline.stages.get(name="Qualified"))
    retired = stage_update(new, is_retired=True)
    assert retired.is_retired and Stage.objects.filter(pk=new.pk).exists()
    assert DealStageChange.objects.filter(to_stage=new).exists()  # history still names it
    new.refresh_from_db()
    with pytest.raises(ValidationError):
        deal_move(deal, actor=world["ada"], stage=new)  # a retired stage takes no deal


def test_the_last_open_stage_stays(world):
    pipeline = make_pipeline()
    open_stages = list(pipeline.stages.filter(outcome="open"))
    for stage in open_stages[:-1]:
        stage_update(stage, is_retired=True)

    with pytest.raises(ValidationError) as refused:
        stage_update(open_stages[-1], is_retired=True)
    assert refused.value.messages == ["A pipeline keeps at least one open stage."]


def test_reordering_needs_every_stage_once():
    pipeline = make_pipeline()
    ids = list(pipeline.stages.values_list("pk", flat=True))

    stages_reorder(pipeline, stage_ids=list(reversed(ids)))

    assert list(pipeline.stages.order_by("position").values_list("pk", flat=True)) == ids[::-1]
    with pytest.raises(ValidationError):
        stages_reorder(pipeline, stage_ids=ids[:-1])
    with pytest.raises(ValidationError):
        stages_reorder(pipeline, stage_ids=[ids[0], *ids[:-1]])


def test_a_checklist_item_must_be_ticked_to_enter_the_stage(world):
    deal = make_deal(owner=world["ada"])
    proposal = deal.pipeline.stages.get(name="Proposal")
    stage_update(proposal, checklist=["Credit check passed", "  ", "Credit check passed"])
    proposal.refresh_from_db()
    assert proposal.checklist == ["Credit check passed"]

    with pytest.raises(ValidationError) as refused:
        deal_move(deal, actor=world["ada"], stage=proposal)
    assert refused.value.message_dict == {
        "checklist": ["“Proposal” needs “Credit check passed” ticked."]
    }

    deal = deal_update(deal, actor=world["ada"], checklist=["Credit check passed"])
    moved = deal_move(deal, actor=world["ada"], stage=proposal)
    assert moved.stage == proposal
    with pytest.raises(ValidationError):
        deal_update(moved, actor=world["ada"], checklist=["Something made up"])


def test_pages_edit_a_pipeline(world, client):
    pipeline = make_pipeline()
    qualified = pipeline.stages.get(name="Qualified")
    client.force_login(world["admin"])

    assert client.get(f"/sales/pipelines/{pipeline.pk}/").status_code == 200
    client.post(
        f"/sales/pipelines/{pipeline.pk}/stages/{qualified.pk}/",
        {
            "action": "save",
            "name": "Needs confirmed",
            "probability": "35",
            "required_fields": ["next_step"],
            "checklist": "Budget confirmed\r\nDecision maker met\r\n",
        },
    )
    client.post(f"/sales/pipelines/{pipeline.pk}/stages/{qualified.pk}/", {"action": "up"})
    client.post(
        f"/sales/pipelines/{pipeline.pk}/stages/",
        {"name": "Site visit", "probability": "40", "outcome": "open"},
    )
    bad = client.post(
        f"/sales/pipelines/{pipeline.pk}/stages/{qualified.pk}/",
        {"action": "save", "name": "Needs confirmed", "probability": "150"},
        follow=True,
    )

    qualified.refresh_from_db()
    assert (qualified.name, qualified.probability) == ("Needs confirmed", 35)
    assert qualified.required_fields == ["next_step"]
    assert qualified.checklist == ["Budget confirmed", "Decision maker met"]
    names = list(pipeline.stages.order_by("position", "id").values_list("name", flat=True))
    assert names[:2] == ["Needs confirmed", "New"] and names[-1] == "Site visit"
    assert "whole number from 0 to 100" in bad.text


def test_only_administrators_edit_pipelines(world, client, api_client):
    pipeline = make_pipeline()
    client.force_login(world["ada"])

    assert client.get("/sales/pipelines/").status_code == 403
    refused = call(
        api_client(world["ada"]), "patch", f"/api/v1/pipelines/{pipeline.pk}", {"name": "X"}
    )
    assert refused.status_code == 403
    assert Pipeline.objects.get(pk=pipeline.pk).name == "Retail"


def test_the_api_edits_a_pipeline(world, api_client):
    pipeline = make_pipeline()
    api = api_client(world["admin"])
    stage_ids = list(pipeline.stages.values_list("pk", flat=True))
    deal = make_deal(owner=world["ada"])

    renamed = call(api, "patch", f"/api/v1/pipelines/{pipeline.pk}", {"name": "Shop sales"})
    added = call(
        api,
        "post",
        f"/api/v1/pipelines/{pipeline.pk}/stages",
        {"name": "Demo", "probability": 45, "checklist": ["Demo booked"]},
    )
    order = call(
        api,
        "put",
        f"/api/v1/pipelines/{pipeline.pk}/stage-order",
        {"stage_ids": [added.json()["id"], *stage_ids]},
    )
    refused = call(
        api,
        "patch",
        f"/api/v1/pipelines/{pipeline.pk}/stages/{deal.stage_id}",
        {"is_retired": True},
    )
    ticked = call(
        api_client(world["ada"]),
        "patch",
        f"/api/v1/deals/{deal.pk}",
        {"checklist": ["Demo booked"], "stage_id": added.json()["id"]},
    )

    assert renamed.json()["name"] == "Shop sales"
    assert added.status_code == 201 and added.json()["checklist"] == ["Demo booked"]
    assert order.json()["stages"][0]["name"] == "Demo"
    assert_problem(refused, 422, field="is_retired")
    assert ticked.status_code == 200, ticked.content
    assert ticked.json()["checklist"] == ["Demo booked"]


def test_the_deal_page_ticks_the_checklist(world, client):
    deal = make_deal(owner=world["ada"])
    stage_update(deal.pipeline.stages.get(name="Proposal"), checklist=["Samples delivered"])
    client.force_login(world["ada"])

    page = client.get(f"/sales/deals/{deal.pk}/")
    client.post(
        f"/sales/deals/{deal.pk}/checklist/",
        {"ticked": ["Samples delivered"], "version": deal.version},
    )

    assert "Samples delivered" in page.text
    deal.refresh_from_db()
    assert deal.checklist == ["Samples delivered"]

"""Activities' own operations in the REST API (their CRUD is the record kit's `/activities`):
marking one done, and the caller's calendar feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.activities.calendar import (
    calendar_feed_create,
    calendar_feed_live,
    calendar_feed_revoke,
)
from centric.activities.models import Activity, CalendarFeed
from centric.activities.services import activity_complete
from centric.core.api.permissions import require_model_perm
from centric.core.api.records import record_for
from centric.core.api.types import ApiRequest, Id
from centric.core.records import registry

actions_router = Router()
calendar_router = Router()


class CompleteIn(Schema):
    outcome: str = Field("", max_length=500, description="What came of it, for the timeline.")
    version: int | None = Field(None, ge=1, description="The version read; refused if changed.")


class CompleteOut(Schema):
    id: int
    version: int
    done_at: dt.datetime
    outcome: str
    interaction_id: Id | None = Field(None, description="Its entry on the customer's timeline.")
    next_activity_id: Id | None = Field(None, description="The next occurrence, if it repeats.")


@actions_router.post(
    "/{activity_id}/complete",
    response=CompleteOut,
    summary="Mark an activity done",
    description=(
        "It lands on its customer's timeline and a repeating one is followed by its next "
        "occurrence. Done twice, it stays done once (the second call answers the first)."
    ),
)
def complete_activity(request: ApiRequest, activity_id: Id, payload: CompleteIn) -> dict[str, Any]:
    require_model_perm(request.auth, Activity, "change")
    activity = record_for(registry.get(Activity), request.auth, activity_id, "change")
    done = activity_complete(
        activity, actor=request.auth, outcome=payload.outcome, expected_version=payload.version
    )
    following = Activity.objects.filter(previous=done).values_list("pk", flat=True).first()
    return {
        "id": done.pk,
        "version": done.version,
        "done_at": done.done_at,
        "outcome": done.outcome,
        "interaction_id": done.interaction_id,
        "next_activity_id": following,
    }


class CalendarFeedOut(Schema):
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class CalendarFeedCreated(CalendarFeedOut):
    url: str = Field(..., description="The secret feed address; shown this once.")


@calendar_router.get("", response=CalendarFeedOut, summary="My calendar feed (404: none)")
def get_calendar_feed(request: ApiRequest) -> CalendarFeed:
    feed = calendar_feed_live(request.auth)
    if feed is None:
        raise CalendarFeed.DoesNotExist
    return feed


@calendar_router.post(
    "",
    response={201: CalendarFeedCreated},
    summary="Make my calendar feed address (the old one stops working)",
)
def create_calendar_feed(request: ApiRequest) -> Status:
    feed, secret = calendar_feed_create(user=request.auth)
    url = request.build_absolute_uri(reverse("activities:calendar_feed", args=[secret]))
    return Status(
        201, {"created_at": feed.created_at, "last_used_at": feed.last_used_at, "url": url}
    )


@calendar_router.delete("", response={204: None}, summary="Stop my calendar feed")
def delete_calendar_feed(request: ApiRequest) -> Status:
    calendar_feed_revoke(user=request.auth)
    return Status(204, None)


# --- My day ----------------------------------------------------------------------------------

day_router = Router()


class DayActivity(Schema):
    id: int
    kind: str
    title: str
    due_at: dt.datetime
    all_day: bool
    person_id: Id | None
    organisation_id: Id | None
    deal_id: Id | None
    owner_id: Id | None


class DayDeal(Schema):
    id: int
    title: str
    stage_id: Id
    amount: Decimal | None
    currency: str
    expected_close_on: dt.date | None
    next_step: str
    owner_id: Id | None


class DayStage(Schema):
    stage_id: Id
    name: str
    count: int
    totals: dict[str, Decimal] = Field(..., description="Currency → total (no conversion).")


class DayPipeline(Schema):
    pipeline_id: Id
    name: str
    stages: list[DayStage]


class DayOut(Schema):
    scope: Literal["mine", "team"]
    overdue_count: int
    today_count: int
    week_count: int
    overdue: list[DayActivity] = Field(..., description="The latest 20 overdue, newest first.")
    today: list[DayActivity]
    deals_past_close_count: int
    deals_without_next_step_count: int
    deals_past_close: list[DayDeal]
    deals_without_next_step: list[DayDeal]
    pipelines: list[DayPipeline]


@day_router.get(
    "",
    response=DayOut,
    summary="My day: overdue and today's activities, deals that need a step, my pipeline",
    description="`scope=team`: a team lead's teams' too (others get their own).",
)
def get_my_day(request: ApiRequest, scope: Literal["mine", "team"] = "mine") -> dict[str, Any]:
    from centric.activities.selectors import agenda
    from centric.core.day import scope_for
    from centric.sales.selectors import deals_needing_attention, pipeline_glance

    require_model_perm(request.auth, Activity, "view")
    day = scope_for(request.auth, scope)
    plan = agenda(day)
    deals = deals_needing_attention(day)
    return {
        "scope": "team" if day.is_team else "mine",
        "overdue_count": plan.overdue_count,
        "today_count": plan.today_count,
        "week_count": plan.week_count,
        "overdue": plan.overdue,
        "today": plan.today,
        "deals_past_close_count": deals.past_close_count,
        "deals_without_next_step_count": deals.no_next_step_count,
        "deals_past_close": deals.past_close,
        "deals_without_next_step": deals.no_next_step,
        "pipelines": [
            {
                "pipeline_id": glance.pipeline.pk,
                "name": glance.pipeline.name,
                "stages": [
                    {
                        "stage_id": item.stage.pk,
                        "name": item.stage.name,
                        "count": item.count,
                        "totals": item.totals,
                    }
                    for item in glance.stages
                ],
            }
            for glance in pipeline_glance(day)
        ],
    }

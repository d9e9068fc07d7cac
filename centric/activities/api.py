"""Activities' own operations in the REST API (their CRUD is the record kit's `/activities`):
marking one done, and the caller's calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
from centric.core.api.types import ApiRequest
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
    interaction_id: int | None = Field(None, description="Its entry on the customer's timeline.")
    next_activity_id: int | None = Field(None, description="The next occurrence, if it repeats.")


@actions_router.post(
    "/{activity_id}/complete",
    response=CompleteOut,
    summary="Mark an activity done",
    description=(
        "It lands on its customer's timeline and a repeating one is followed by its next "
        "occurrence. Done twice, it stays done once (the second call answers the first)."
    ),
)
def complete_activity(request: ApiRequest, activity_id: int, payload: CompleteIn) -> dict[str, Any]:
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

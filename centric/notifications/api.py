"""A user's own notifications in the REST API: read them, mark them read."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema

from centric.core.api.types import ApiRequest, Id
from centric.notifications.models import Notification
from centric.notifications.services import notifications_mark_read

router = Router()


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkReadIn(Schema):
    # Ids to mark read; none given marks every unread notification.
    ids: list[Id] | None = Field(None, max_length=500)


class MarkReadOut(Schema):
    marked: int


@router.get("", response=list[NotificationOut], summary="List my newest notifications")
def list_notifications(request: ApiRequest, unread: bool = False) -> list[Notification]:
    rows = Notification.objects.filter(user=request.auth)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return list(rows[:100])


@router.post("/read", response=MarkReadOut, summary="Mark my notifications read")
def mark_read(request: ApiRequest, payload: MarkReadIn) -> dict[str, int]:
    return {"marked": notifications_mark_read(user=request.auth, ids=payload.ids)}

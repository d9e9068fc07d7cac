"""Reading the timeline, newest first, through the one visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from centric.interactions.models import Interaction


def timeline(
    user: Any, *, person=None, organisation=None, channel: str = "", kind: str = ""
) -> QuerySet[Interaction]:
    queryset = Interaction.objects.visible_to(user).select_related("actor_user")
    if person is not None:
        queryset = queryset.filter(person=person)
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    if channel:
        queryset = queryset.filter(channel=channel)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-occurred_at", "-id")

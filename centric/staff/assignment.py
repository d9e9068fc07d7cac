"""Who in a team gets the next piece of work (a lead, a ticket): in turn after the last one
given, or the one with the least open work; members who are away or inactive are passed over.
The rules that choose the team are the apps' own (leads', tickets')."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model


def available_members(team_id: int) -> list[Any]:
    User: Any = get_user_model()
    return list(User.objects.filter(team_id=team_id, is_active=True, is_away=False).order_by("id"))


def next_in_turn(team_id: int, after_id: int | None) -> Any:
    """The available member after `after_id` (by id, round the team), or None."""
    members = available_members(team_id)
    if not members:
        return None
    later = [m for m in members if after_id is not None and m.pk > after_id]
    return later[0] if later else members[0]


def least_loaded(team_id: int, open_work: Mapping[int, int]) -> Any:
    """The available member with the least open work (`open_work`: user id → count), the
    earliest-joined on a tie, or None."""
    members = available_members(team_id)
    if not members:
        return None
    return min(members, key=lambda m: (open_work.get(m.pk, 0), m.pk))

"""Whose day the home page shows: the user's own, or — for a team lead — their teams'.

My day is put together from panels that apps register for the home page (`core.home`); each
asks `day_scope(request)` which records count as "mine" here, so the choice is made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

MINE = "mine"
TEAM = "team"


@dataclass(frozen=True)
class DayScope:
    user: Any
    # The teams whose records count too (those the user leads, and below); empty: only mine.
    team_ids: tuple[int, ...]
    # The start of tomorrow, in the business's time zone: "due today" is before it.
    day_end: dt.datetime
    day_start: dt.datetime

    @property
    def is_team(self) -> bool:
        return bool(self.team_ids)

    def owned(self, prefix: str = "") -> Q:
        """Rows that are this scope's: owned by the user, or (team scope) in their teams."""
        mine = Q(**{f"{prefix}owner": self.user})
        if not self.team_ids:
            return mine
        return mine | Q(**{f"{prefix}team_id__in": self.team_ids})


def leads_teams(user: Any) -> bool:
    managed = getattr(user, "managed_team_ids", None)
    return bool(managed()) if callable(managed) else False


def scope_for(user: Any, scope: str = MINE, *, now: dt.datetime | None = None) -> DayScope:
    moment = timezone.localtime(now or timezone.now())
    start = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    # The next midnight, whatever the day's length (daylight saving).
    end = timezone.make_aware(dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time()))
    teams: tuple[int, ...] = ()
    if scope == TEAM and leads_teams(user):
        teams = tuple(user.managed_team_ids())
    return DayScope(user=user, team_ids=teams, day_end=end, day_start=start)


def day_scope(request: HttpRequest) -> DayScope:
    """The scope the page asked for (`?scope=team`), worked out once per request."""
    cached: DayScope | None = getattr(request, "_day_scope", None)
    if cached is None:
        cached = scope_for(request.user, request.GET.get("scope", MINE))
        request._day_scope = cached  # type: ignore[attr-defined]
    return cached

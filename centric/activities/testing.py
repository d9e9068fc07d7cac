"""Test factories (the permission matrix calls `make_activity`, named in records.py)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.utils import timezone

from centric.activities.models import Activity
from centric.activities.services import activity_create

_numbers = count(1)


def make_activity(*, owner: Any, team: Any = None, **fields: Any) -> Activity:
    values: dict[str, Any] = {
        "title": f"Call back {next(_numbers)}",
        "kind": "call",
        "due_at": timezone.now() + dt.timedelta(hours=2),
        **fields,
    }
    return activity_create(actor=owner, owner=owner, team=team or owner.team, **values)

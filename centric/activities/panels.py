"""The activities' panels: "Done?" on an activity's page, and the open activities of a person,
an organisation or a deal on theirs (with a link that plans the next one about it)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from centric.activities.models import Activity
from centric.core.visibility import has_model_permission

PANEL_SIZE = 10


def done_panel(request: HttpRequest, record: models.Model) -> dict[str, Any] | None:
    if not isinstance(record, Activity):
        return None
    return {
        "activity": record,
        "can_change": has_model_permission(request.user, Activity, "change"),
    }


def record_panel(request: HttpRequest, record: models.Model) -> dict[str, Any] | None:
    if not has_model_permission(request.user, Activity, "view"):
        return None
    field = record._meta.model_name  # person, organisation or deal
    assert field in ("person", "organisation", "deal")
    rows = list(
        Activity.objects.visible_to(request.user)
        .filter(**{field: record}, done_at__isnull=True)
        .select_related("owner")
        .order_by("due_at", "id")[: PANEL_SIZE + 1]
    )
    add_url = ""
    if has_model_permission(request.user, Activity, "add"):
        add_url = f"{reverse('activities:activity_create')}?{urlencode({field: record.pk})}"
    return {
        "open_activities": rows[:PANEL_SIZE],
        "more": len(rows) > PANEL_SIZE,
        "list_url": (
            f"{reverse('activities:activity_list')}?{urlencode({field: record.pk, 'state': 'open'})}"
        ),
        "add_url": add_url,
    }


def home_agenda(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """My day's activities: overdue and due today, with Done buttons, and what is ahead."""
    from centric.activities.selectors import agenda
    from centric.core.day import day_scope

    if not has_model_permission(request.user, Activity, "view"):
        return None
    scope = day_scope(request)
    add_url = ""
    if has_model_permission(request.user, Activity, "add"):
        add_url = reverse("activities:activity_create")
    return {
        "agenda": agenda(scope),
        "scope": scope,
        "add_url": add_url,
        "list_url": f"{reverse('activities:activity_list')}?owner=me&state=open",
    }

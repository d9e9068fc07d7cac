"""Leads' panels: the score explained on a lead, My day's new leads, the Convert button."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centric.core.day import day_scope
from centric.core.kit.pages import DetailAction
from centric.core.visibility import has_model_permission
from centric.leads.choices import KNOWN_BEHAVIOURS, LeadStatus
from centric.leads.models import Lead

HOME_SIZE = 10


def detail_actions(request: HttpRequest, record: Any) -> list[DetailAction]:
    if not isinstance(record, Lead) or record.converted_at is not None:
        return []
    if not has_model_permission(request.user, Lead, "change"):
        return []
    return [
        DetailAction(
            _("Convert"), reverse("leads:lead_convert", args=[record.pk]), icon="user-check"
        )
    ]


def list_actions(request: HttpRequest) -> list[DetailAction]:
    """The leads list's Import button, for those who may add leads."""
    if not has_model_permission(request.user, Lead, "add"):
        return []
    return [DetailAction(_("Import"), reverse("leads:lead_import"), icon="upload")]


def score_panel(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not isinstance(record, Lead):
        return None
    converted = []
    if record.converted_at is not None:
        converted = [
            (label, target)
            for label, target in (
                (_("Person"), record.converted_person),
                (_("Organisation"), record.converted_organisation),
                (_("Deal"), record.converted_deal),
            )
            if target is not None
        ]
    return {
        "lead": record,
        "details": record.score_details or [],
        "events": list(record.events.all()[:10]),
        "behaviours": KNOWN_BEHAVIOURS.items(),
        "can_change": has_model_permission(request.user, Lead, "change")
        and record.converted_at is None,
        "converted": converted,
    }


def home_leads(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """My day: the new leads assigned to the user (or their teams), best score first."""
    if not has_model_permission(request.user, Lead, "view"):
        return None
    scope = day_scope(request)
    rows = list(
        Lead.objects.visible_to(request.user)
        .filter(scope.owned(), status=LeadStatus.NEW)
        .select_related("owner")
        .order_by("-score", "-assigned_at", "-id")[: HOME_SIZE + 1]
    )
    if not rows:
        return None
    return {"leads": rows[:HOME_SIZE], "more": len(rows) > HOME_SIZE, "scope": scope}

"""Sales' panels on My day: the scope's deals that need a next step or are past their close
date, and its pipeline at a glance."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from centric.core.day import day_scope
from centric.core.visibility import has_model_permission
from centric.sales.models import Deal
from centric.sales.selectors import deals_needing_attention, pipeline_glance
from centric.sales.services import checklist_items


def home_attention(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not has_model_permission(request.user, Deal, "view"):
        return None
    scope = day_scope(request)
    attention = deals_needing_attention(scope)
    if not (attention.no_next_step_count or attention.past_close_count):
        return None
    return {"attention": attention, "scope": scope}


def home_glance(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not has_model_permission(request.user, Deal, "view"):
        return None
    scope = day_scope(request)
    return {"glances": pipeline_glance(scope), "scope": scope}


def deal_checklist(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """The deal's checklist: every item its pipeline's stages ask for, by stage, ticked or not."""
    if not isinstance(record, Deal):
        return None
    items = checklist_items(record.pipeline)
    if not items:
        return None
    ticked = set(record.checklist or [])
    return {
        "deal": record,
        "items": [
            {"stage": stage, "name": name, "ticked": name in ticked} for stage, name in items
        ],
        "can_change": Deal.objects.visible_to(request.user, "change").filter(pk=record.pk).exists(),
    }


def deal_contacts(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """The deal's other people and their roles, and the form to add one."""
    from centric.sales.contacts import DealContactForm, visible_contacts

    if not isinstance(record, Deal):
        return None
    may_change = Deal.objects.visible_to(request.user, "change").filter(pk=record.pk).exists()
    return {
        "deal": record,
        "contacts": visible_contacts(request.user, record),
        "form": DealContactForm(user=request.user, prefix="contact") if may_change else None,
    }

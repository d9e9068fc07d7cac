"""The ticket page's conversation: public replies and internal notes told apart, and the form
to add one (for those who may change the ticket)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from centric.core.kit.pages import DetailAction
from centric.core.visibility import has_model_permission
from centric.tickets.choices import MessageKind
from centric.tickets.models import Macro, Ticket, TicketStatus


def list_actions(request: HttpRequest) -> list[DetailAction]:
    """The ticket list's Satisfaction button, and Settings for those who set the statuses up."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    actions = [
        DetailAction(_("Reports"), reverse("tickets:reports"), icon="bar-chart-3"),
        DetailAction(_("Satisfaction"), reverse("tickets:satisfaction"), icon="smile"),
    ]
    if has_model_permission(request.user, TicketStatus, "change"):
        actions.append(DetailAction(_("Settings"), reverse("tickets:settings"), icon="settings"))
    return actions


def conversation(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not isinstance(record, Ticket):
        return None
    messages = list(record.messages.select_related("author"))
    may_change = Ticket.objects.visible_to(request.user, "change").filter(pk=record.pk).exists()
    return {
        "ticket": record,
        "messages": messages,
        "last_seen": messages[-1].pk if messages else 0,
        "may_reply": may_change,
        "kinds": MessageKind.choices,
        "can_email": bool(record.person and record.person.primary_email),
        # What the writer had typed when the reply was refused (kept for them to send again).
        "draft": request.session.get(f"ticket-draft-{record.pk}", ""),
        "macros": list(Macro.objects.filter(is_active=True)) if may_change else [],
        "related": list(Ticket.objects.visible_to(request.user).filter(related=record)),
        "merged_into": record.merged_into
        if record.merged_into_id
        and Ticket.objects.visible_to(request.user).filter(pk=record.merged_into_id).exists()
        else None,
    }


def service_level(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """The ticket's SLA: each clock's time left (or how late), and every step so far."""
    from centric.tickets.sla import clocks

    if not isinstance(record, Ticket) or record.sla_policy_id is None:
        return None
    return {
        "policy": record.sla_policy,
        "clocks": clocks(record),
        "steps": list(record.sla_events.all()),
    }

"""The goodwill pages' panels: the approval (answer it, or see who did) and a ticket's goodwill
(with the button that gives more for it)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from centric.core.kit.pages import DetailAction
from centric.core.visibility import has_model_permission
from centric.goodwill.limits import allowance
from centric.goodwill.models import GoodwillAction, GoodwillLimit, Status
from centric.goodwill.services import APPROVE


def list_actions(request: HttpRequest) -> list[DetailAction]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    actions = [DetailAction(_("Report"), reverse("goodwill:report"), icon="bar-chart-3")]
    if has_model_permission(request.user, GoodwillLimit, "change"):
        actions.append(DetailAction(_("Limits"), reverse("goodwill:settings"), icon="settings"))
    return actions


def approval(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not isinstance(record, GoodwillAction):
        return None
    user: Any = request.user
    return {
        "action": record,
        "may_answer": record.status == Status.PENDING
        and user.has_perm(APPROVE)
        and record.owner_id != user.pk,
        "allowance": allowance(record.owner, record.kind) if record.owner_id else None,
    }


def ticket_goodwill(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    from centric.tickets.models import Ticket

    if not isinstance(record, Ticket):
        return None
    given = list(
        GoodwillAction.objects.visible_to(request.user)
        .filter(ticket=record)
        .select_related("reason", "owner")
    )
    may_give = has_model_permission(request.user, GoodwillAction, "add")
    if not given and not may_give:
        return None
    return {"ticket": record, "given": given, "may_give": may_give}

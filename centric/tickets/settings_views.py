"""The service desk's settings page: the statuses (with what each means) and the categories."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission
from centric.tickets.choices import Channel, Priority, StatusKind
from centric.tickets.macros import PLACEHOLDERS, macro_save
from centric.tickets.models import AssignmentRule, Macro, TicketCategory, TicketStatus
from centric.tickets.settings_services import (
    assignment_rule_save,
    category_save,
    status_save,
)
from centric.tickets.statuses import ensure_default_statuses


@login_required
def ticket_settings(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, TicketStatus, "change"):
        return render(request, "403.html", status=403)
    ensure_default_statuses()
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("form") == "rule":
                _save_rule(post)
            elif post.get("form") == "rule_off":
                AssignmentRule.objects.filter(pk=post.get("pk", "0") or 0).update(is_active=False)
            elif post.get("form") == "macro":
                _save_macro(post)
            elif post.get("form") == "status":
                found = post.get("pk", "")
                status_save(
                    status=get_object_or_404(TicketStatus, pk=found) if found.isdigit() else None,
                    name=post.get("name", ""),
                    kind=post.get("kind", ""),
                    position=int(post["position"]) if post.get("position", "").isdigit() else None,
                    is_active=post.get("is_active", "on") == "on",
                )
            else:
                found = post.get("pk", "")
                category_save(
                    category=get_object_or_404(TicketCategory, pk=found)
                    if found.isdigit()
                    else None,
                    name=post.get("name", ""),
                    is_active=post.get("is_active", "on") == "on",
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
            return redirect("tickets:settings")
    return render(
        request,
        "tickets/settings.html",
        {
            "title": _("Service desk settings"),
            "statuses": TicketStatus.objects.order_by("position", "id"),
            "categories": TicketCategory.objects.order_by("position", "name"),
            "kinds": StatusKind.choices,
            "macros": Macro.objects.select_related("set_status"),
            "priorities": Priority.choices,
            "placeholders": [f"{{{name}}}" for name in PLACEHOLDERS],
            "rules": AssignmentRule.objects.filter(is_active=True).select_related(
                "team", "category"
            ),
            "methods": AssignmentRule.Method.choices,
            "channels": Channel.choices,
            "teams": teams_choices(),
        },
    )


def _save_macro(post: Any) -> None:
    found, status = post.get("pk", ""), post.get("set_status", "")
    macro_save(
        macro=get_object_or_404(Macro, pk=found) if found.isdigit() else None,
        name=post.get("name", ""),
        body=post.get("body", ""),
        set_status=get_object_or_404(TicketStatus, pk=status) if status.isdigit() else None,
        set_priority=post.get("set_priority", ""),
        is_active=post.get("is_active", "on") == "on",
    )


def teams_choices() -> list[tuple[int, str]]:
    from django.apps import apps
    from django.conf import settings

    team_model: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    return list(team_model._default_manager.order_by("name").values_list("pk", "name"))


def _save_rule(post: Any) -> None:
    def number(key: str) -> int | None:
        value = post.get(key, "")
        return int(value) if value.isdigit() else None

    assignment_rule_save(
        name=post.get("name", ""),
        team_id=number("team") or 0,
        method=post.get("method", "round_robin"),
        category_id=number("category"),
        channel=post.get("channel", ""),
        keyword=post.get("keyword", ""),
        customer_tag=post.get("customer_tag", ""),
        position=number("position") or 0,
    )

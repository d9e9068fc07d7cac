"""Tickets, registered with the record kit (pages, API, visibility, history, custom fields, tags,
timeline links, exports); the conversation panel and its replies are the app's own."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id, on_or_after, on_or_before
from centric.core.kit.pages import Column, ListFilter, RecordPages, RecordServices
from centric.core.records import (
    OWNED,
    NavEntry,
    Panel,
    register_api,
    register_panel,
    register_record,
    register_urls,
)
from centric.tickets import panels, services
from centric.tickets.choices import Channel, Priority, StatusKind
from centric.tickets.models import Ticket

TICKET_SERVICES = RecordServices(
    create=services.ticket_create,
    update=services.ticket_update,
    delete=services.ticket_delete,
)
TICKET_SORTS = {
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "subject": ["subject", "id"],
    "due": ["first_response_due_at", "resolution_due_at", "id"],
}
TICKET_FIELDS = (
    "subject",
    "description",
    "person",
    "organisation",
    "status",
    "priority",
    "category",
    "channel",
    "deal",
    "quote",
    "order",
)
STAMPS = ("first_response_at", "solved_at", "closed_at")


def _backlog(queryset: Any, value: str) -> Any:
    """`?backlog=1`: neither solved nor closed (the report's backlog)."""
    return queryset.filter(solved_at__isnull=True, closed_at__isnull=True)


def _late(queryset: Any, value: str) -> Any:
    """`?late=1`: tickets that missed a first-answer or solution target."""
    return queryset.filter(
        Q(first_response_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)
    )


def _open_or_closed(queryset: Any, value: str) -> Any:
    """`?open=1`: the queue (not closed); `?open=0`: the closed ones."""
    return queryset.filter(closed_at__isnull=value not in ("0", "no", "false"))


SLA_STAMPS = (
    "first_response_due_at",
    "resolution_due_at",
    "first_response_breached_at",
    "resolution_breached_at",
)

register_record(
    Ticket,
    key="ticket",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Tickets"), "tickets:ticket_list", icon="life-buoy", position=17),
    pages=RecordPages(
        services=TICKET_SERVICES,
        columns=(
            Column("subject", _("Subject"), link=True),
            Column("status", _("Status")),
            Column("priority", _("Priority")),
            Column("person", _("Person")),
            Column("owner", _("Assignee")),
            Column("first_response_due_at", _("Answer due"), sort="due"),
        ),
        form_fields=(*TICKET_FIELDS, "external_id"),
        detail_fields=(*TICKET_FIELDS, *STAMPS),
        sorts=TICKET_SORTS,
        default_sort="-created",
        search_fields=("subject",),
        related=("owner", "team", "person", "organisation", "status", "category", "sla_policy"),
        # Queues are a slice of all tickets: counted through the open-ticket indexes.
        count_cap=250_000,
        list_actions=panels.list_actions,
        filters=(
            by_id("status", _("Status")),
            by_choice("state", _("Meaning"), "status__kind", StatusKind.choices),
            by_choice("priority", _("Priority"), "priority", Priority.choices),
            by_choice("channel", _("Came by"), "channel", Channel.choices),
            by_id("category", _("Category")),
            by_id("person", _("Person")),
            by_id("organisation", _("Organisation")),
            by_id("order", _("Order")),
            ListFilter("open", _("Not closed"), _open_or_closed),
            by_id("team", _("Team")),
            on_or_after("from", _("Made on or after"), "created_at"),
            on_or_before("to", _("Made on or before"), "created_at"),
            ListFilter("backlog", _("Not solved"), _backlog),
            ListFilter("late", _("Missed a target"), _late),
        ),
    ),
    api=RecordApi(
        services=TICKET_SERVICES,
        fields=(*TICKET_FIELDS, *STAMPS, *SLA_STAMPS),
        read_only=(*STAMPS, *SLA_STAMPS),
        sorts=TICKET_SORTS,
        default_sort="-created",
        search_fields=("subject",),
        filter_fields=("status", "priority", "category", "channel", "person", "organisation"),
        actions="centric.tickets.api.actions_router",
    ),
    api_path="/tickets",
    test_factory="centric.tickets.testing.make_ticket",
)
register_urls("tickets/", "centric.tickets.urls", position=27)
register_urls("rate/", "centric.tickets.rating_urls", position=27)
register_urls("nps/", "centric.tickets.nps_urls", position=27)
register_api("/ticket-statuses", "centric.tickets.api.statuses_router", tags=("tickets",))
register_api("/ticket-categories", "centric.tickets.api.categories_router", tags=("tickets",))
register_api("/ticket-macros", "centric.tickets.api.macros_router", tags=("tickets",))
register_api("/ticket-assignment-rules", "centric.tickets.api.assignment_router", tags=("tickets",))
register_api("/business-calendars", "centric.tickets.sla_api.calendars_router", tags=("tickets",))
register_api("/sla-policies", "centric.tickets.sla_api.policies_router", tags=("tickets",))
register_api("/service-reports", "centric.tickets.report_api.router", tags=("tickets",))
register_api("/nps-surveys", "centric.tickets.nps_api.router", tags=("tickets",))
register_api("/satisfaction", "centric.tickets.nps_api.satisfaction_router", tags=("tickets",))

register_panel(
    "tickets.ticket",
    Panel(
        key="ticket_service_level",
        label=_("Service level"),
        template="tickets/partials/service_level.html",
        context=panels.service_level,
        position=4,
    ),
)
register_panel(
    "tickets.ticket",
    Panel(
        key="ticket_conversation",
        label=_("Conversation"),
        template="tickets/partials/conversation.html",
        context=panels.conversation,
        position=5,
    ),
)

"""Goodwill actions, registered with the record kit (pages, API, visibility, history, tags,
timeline links, exports, the permission matrix); approval, limits and the report are the app's
own."""

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id
from centric.core.kit.pages import Column, RecordPages, RecordServices
from centric.core.records import (
    OWNED,
    NavEntry,
    Panel,
    register_api,
    register_panel,
    register_record,
    register_urls,
)
from centric.goodwill import panels, services
from centric.goodwill.models import GoodwillAction, Kind, Status

GOODWILL_SERVICES = RecordServices(
    create=services.goodwill_create,
    update=services.goodwill_update,
    delete=services.goodwill_delete,
)
GOODWILL_SORTS = {
    "-created": ["-created_at", "-id"],
    "created": ["created_at", "id"],
    "amount": ["-amount", "-id"],
}
GOODWILL_FIELDS = ("kind", "amount", "reason", "ticket", "person", "organisation", "note")
ANSWER = ("status", "currency", "limit_note", "approver", "answered_at", "answer_note", "given_at")

register_record(
    GoodwillAction,
    key="goodwillaction",
    visibility=OWNED,
    # Agents give and ask; managers and administrators also approve (a permission of its own).
    role_actions={
        "Administrator": ("view", "add", "change", "delete"),
        "Manager": ("view", "add", "change", "delete"),
        "Service desk": ("view", "add", "change"),
        "Front office": ("view",),
        "Read only": ("view",),
    },
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Goodwill"), "goodwill:goodwillaction_list", icon="gift", position=19),
    pages=RecordPages(
        services=GOODWILL_SERVICES,
        columns=(
            Column("kind", _("Kind"), link=True),
            Column("amount", _("Value"), sort="amount"),
            Column("status", _("Status")),
            Column("person", _("Person")),
            Column("owner", _("Given by")),
        ),
        form_fields=(*GOODWILL_FIELDS, "external_id"),
        detail_fields=(*GOODWILL_FIELDS, *ANSWER),
        sorts=GOODWILL_SORTS,
        default_sort="-created",
        search_fields=("note",),
        related=("owner", "team", "person", "organisation", "reason", "ticket", "approver"),
        list_actions=panels.list_actions,
        filters=(
            by_choice("status", _("Status"), "status", Status.choices),
            by_choice("kind", _("Kind"), "kind", Kind.choices),
            by_id("reason", _("Reason")),
            by_id("owner", _("Given by")),
            by_id("ticket", _("Ticket")),
            by_id("person", _("Person")),
            by_id("organisation", _("Organisation")),
        ),
    ),
    api=RecordApi(
        services=GOODWILL_SERVICES,
        fields=(*GOODWILL_FIELDS, *ANSWER),
        read_only=ANSWER,
        sorts=GOODWILL_SORTS,
        default_sort="-created",
        search_fields=("note",),
        filter_fields=("status", "kind", "reason", "ticket", "person", "organisation", "owner"),
        actions="centric.goodwill.api.actions_router",
    ),
    api_path="/goodwill-actions",
    test_factory="centric.goodwill.testing.make_goodwill",
)
register_urls("goodwill/", "centric.goodwill.urls", position=28)
register_api("/goodwill-reasons", "centric.goodwill.api.reasons_router", tags=("goodwill",))
register_api("/goodwill-limits", "centric.goodwill.api.limits_router", tags=("goodwill",))
register_api("/goodwill-report", "centric.goodwill.api.report_router", tags=("goodwill",))

register_panel(
    "goodwill.goodwillaction",
    Panel(
        key="goodwill_approval",
        label=_("Approval"),
        template="goodwill/partials/approval.html",
        context=panels.approval,
        position=3,
    ),
)
register_panel(
    "tickets.ticket",
    Panel(
        key="ticket_goodwill",
        label=_("Goodwill"),
        template="goodwill/partials/ticket_goodwill.html",
        context=panels.ticket_goodwill,
        position=6,
    ),
)

"""Deals, registered with the record kit: pages, API, visibility, history, custom fields, tags
and timeline links come from the kit; the board, the pipelines' API and the move are sales'."""

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import before, by_choice, by_id, in_month, on_or_after
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
from centric.sales import panels, services
from centric.sales.choices import StageOutcome
from centric.sales.models import Deal

DEAL_SERVICES = RecordServices(
    create=services.deal_create,
    update=services.deal_update,
    delete=services.deal_delete,
)
DEAL_SORTS = {
    "-created": ["-created_at", "-id"],
    "title": ["title", "id"],
    "expected_close_on": ["expected_close_on", "id"],
    "-amount": ["-amount", "-id"],
}
DEAL_FIELDS = (
    "title",
    "pipeline",
    "stage",
    "amount",
    "currency",
    "expected_close_on",
    "person",
    "organisation",
    "next_step",
    "lost_reason",
    "competitor",
)
# The API also reads and writes the ticked checklist items (pages tick them on the deal's page).
DEAL_API_FIELDS = (*DEAL_FIELDS, "checklist")

register_record(
    Deal,
    key="deal",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Deals"), "sales:board", icon="handshake", position=15),
    pages=RecordPages(
        services=DEAL_SERVICES,
        columns=(
            Column("title", _("Title"), link=True),
            Column("stage", _("Stage")),
            Column("amount", _("Amount")),
            Column("currency", _("Currency")),
            Column("expected_close_on", _("Expected close")),
        ),
        form_fields=(*DEAL_FIELDS, "external_id"),
        detail_fields=DEAL_FIELDS,
        sorts=DEAL_SORTS,
        default_sort="-created",
        search_fields=("title",),
        related=("owner", "team", "stage", "pipeline"),
        filters=(
            by_id("pipeline", _("Pipeline")),
            by_id("stage", _("Stage")),
            by_id("team", _("Team")),
            by_id("person", _("Person")),
            by_id("organisation", _("Organisation")),
            by_id("competitor", _("Lost to")),
            by_choice("outcome", _("Outcome"), "stage__outcome", StageOutcome.choices),
            in_month("close_month", _("Expected close"), "expected_close_on"),
            on_or_after("closed_from", _("Closed from"), "closed_at"),
            before("closed_before", _("Closed before"), "closed_at"),
            on_or_after("created_from", _("Created from"), "created_at"),
            before("created_before", _("Created before"), "created_at"),
        ),
    ),
    api=RecordApi(
        services=DEAL_SERVICES,
        fields=DEAL_API_FIELDS,
        sorts=DEAL_SORTS,
        default_sort="-created",
        search_fields=("title",),
        filter_fields=(
            "pipeline",
            "stage",
            "person",
            "organisation",
            "currency",
            "lost_reason",
            "competitor",
        ),
        actions="centric.sales.api.deal_actions_router",
    ),
    api_path="/deals",
    test_factory="centric.sales.testing.make_deal",
)
register_urls("sales/", "centric.sales.urls", position=20)
register_api("/pipelines", "centric.sales.api.router", tags=("pipelines",))
register_api("/lost-reasons", "centric.sales.api.lost_reasons_router", tags=("pipelines",))
register_api("/competitors", "centric.sales.api.competitors_router", tags=("pipelines",))
register_api("/exchange-rates", "centric.sales.api.exchange_rates_router", tags=("pipelines",))
register_api("/sales-reports", "centric.sales.api.reports_router", tags=("sales reports",))

# My day: the deals that need a step, and the pipeline at a glance, after the activities.
register_panel(
    "core.home",
    Panel(
        key="deals_attention",
        label=_("Deals that need you"),
        template="sales/partials/home_attention.html",
        context=panels.home_attention,
        position=5,
    ),
)
register_panel(
    "core.home",
    Panel(
        key="pipeline_glance",
        label=_("My pipeline"),
        template="sales/partials/home_glance.html",
        context=panels.home_glance,
        position=6,
    ),
)
register_panel(
    "sales.deal",
    Panel(
        key="deal_checklist",
        label=_("Checklist"),
        template="sales/partials/deal_checklist.html",
        context=panels.deal_checklist,
        position=20,
        region="side",
    ),
)
register_panel(
    "sales.deal",
    Panel(
        key="deal_contacts",
        label=_("People on the deal"),
        template="sales/partials/deal_contacts.html",
        context=panels.deal_contacts,
        position=15,
    ),
)

"""Leads, registered with the record kit (pages, API, visibility, history, custom fields, tags,
timeline links, exports); conversion, events, scoring and assignment rules are the app's own."""

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice
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
from centric.leads import panels, services
from centric.leads.choices import LeadSource, LeadStatus
from centric.leads.models import Lead

LEAD_SERVICES = RecordServices(
    create=services.lead_create,
    update=services.lead_update,
    delete=services.lead_delete,
)
LEAD_SORTS = {
    "-created": ["-created_at", "-id"],
    "-score": ["-score", "-id"],
    "last_name": ["last_name", "first_name", "id"],
}
LEAD_FIELDS = services.LEAD_FIELDS

register_record(
    Lead,
    key="lead",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Leads"), "leads:lead_list", icon="user-plus", position=14),
    pages=RecordPages(
        services=LEAD_SERVICES,
        columns=(
            Column("last_name", _("Name"), link=True, sort="last_name"),
            Column("organisation_name", _("Organisation")),
            Column("source", _("Source")),
            Column("status", _("Status")),
            Column("score", _("Score"), sort="-score"),
        ),
        form_fields=(*LEAD_FIELDS, "external_id"),
        detail_fields=(*LEAD_FIELDS, "score", "assigned_at", "converted_at"),
        sorts=LEAD_SORTS,
        default_sort="-created",
        search_fields=("last_name", "first_name", "organisation_name", "email", "phone"),
        actions=panels.detail_actions,
        list_actions=panels.list_actions,
        filters=(
            by_choice("status", _("Status"), "status", LeadStatus.choices),
            by_choice("source", _("Source"), "source", LeadSource.choices),
        ),
    ),
    api=RecordApi(
        services=LEAD_SERVICES,
        fields=(
            *LEAD_FIELDS,
            "score",
            "assigned_at",
            "converted_at",
            "converted_person",
            "converted_organisation",
            "converted_deal",
        ),
        read_only=(
            "score",
            "assigned_at",
            "converted_at",
            "converted_person",
            "converted_organisation",
            "converted_deal",
        ),
        sorts=LEAD_SORTS,
        default_sort="-created",
        search_fields=("last_name", "first_name", "organisation_name", "email"),
        filter_fields=("status", "source", "territory", "email"),
        actions="centric.leads.api.actions_router",
    ),
    api_path="/leads",
    test_factory="centric.leads.testing.make_lead",
)
register_urls("leads/", "centric.leads.urls", position=22)
register_api("/lead-scoring-rules", "centric.leads.api.scoring_router", tags=("leads",))
register_api("/lead-imports", "centric.leads.api.import_router", tags=("leads",))
register_api("/lead-assignment-rules", "centric.leads.api.assignment_router", tags=("leads",))

register_panel(
    "leads.lead",
    Panel(
        key="lead_score",
        label=_("Score"),
        template="leads/partials/score_panel.html",
        context=panels.score_panel,
        position=10,
        region="side",
    ),
)
register_panel(
    "core.home",
    Panel(
        key="new_leads",
        label=_("New leads for you"),
        template="leads/partials/home_leads.html",
        context=panels.home_leads,
        position=4,
    ),
)

"""Activities, registered with the record kit (pages, API, visibility, history, custom fields,
tags, timeline links); marking one done, the calendar feed and the panels on customers' and
deals' pages are the app's own."""

from django.utils.translation import gettext_lazy as _

from centric.activities import panels, services
from centric.activities.choices import ActivityKind
from centric.activities.models import Activity
from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id, open_or_done
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

ACTIVITY_SERVICES = RecordServices(
    create=services.activity_create,
    update=services.activity_update,
    delete=services.activity_delete,
)
ACTIVITY_SORTS = {
    "due_at": ["due_at", "id"],
    "-due_at": ["-due_at", "-id"],
    "-created": ["-created_at", "-id"],
    "title": ["title", "id"],
}
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "due_at",
    "all_day",
    "duration_minutes",
    "person",
    "organisation",
    "deal",
    "notes",
    "remind_minutes_before",
    "recurrence",
    "recurrence_interval",
)

register_record(
    Activity,
    key="activity",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(
        _("Activities"), "activities:activity_list", icon="calendar-check", position=16
    ),
    pages=RecordPages(
        services=ACTIVITY_SERVICES,
        columns=(
            Column("title", _("Title"), link=True),
            Column("kind", _("Kind")),
            Column("due_at", _("Due"), sort="due_at"),
            Column("person", _("Person")),
            Column("done_at", _("Done")),
        ),
        form_fields=(*ACTIVITY_FIELDS, "external_id"),
        detail_fields=(*ACTIVITY_FIELDS, "done_at", "done_by", "outcome"),
        sorts=ACTIVITY_SORTS,
        default_sort="due_at",
        search_fields=("title",),
        related=("owner", "team", "person", "organisation", "deal"),
        filters=(
            open_or_done("state", "done_at"),
            by_id("person", _("Person")),
            by_id("organisation", _("Organisation")),
            by_id("deal", _("Deal")),
            by_choice("kind", _("Kind"), "kind", ActivityKind.choices),
        ),
    ),
    api=RecordApi(
        services=ACTIVITY_SERVICES,
        fields=(*ACTIVITY_FIELDS, "done_at", "outcome", "interaction"),
        read_only=("done_at", "outcome", "interaction"),
        sorts=ACTIVITY_SORTS,
        default_sort="due_at",
        search_fields=("title",),
        filter_fields=("kind", "person", "organisation", "deal"),
        plural="activities",
        actions="centric.activities.api.actions_router",
    ),
    api_path="/activities",
    test_factory="centric.activities.testing.make_activity",
)
register_urls("activities/", "centric.activities.urls", position=25)
register_api("/my-day", "centric.activities.api.day_router", tags=("activities",))
register_api("/calendar-feed", "centric.activities.api.calendar_router", tags=("activities",))

# Marking done, on the activity's own page.
register_panel(
    "activities.activity",
    Panel(
        key="activity_done",
        label=_("Done?"),
        template="activities/partials/done_panel.html",
        context=panels.done_panel,
        position=10,
        region="side",
    ),
)
# My day: overdue and today's activities first on the home page.
register_panel(
    "core.home",
    Panel(
        key="agenda",
        label=_("Activities"),
        template="activities/partials/home_agenda.html",
        context=panels.home_agenda,
        position=1,
    ),
)
# The open activities of a person, an organisation or a deal, with a button to plan one.
for _label in ("customers.person", "customers.organisation", "sales.deal"):
    register_panel(
        _label,
        Panel(
            key="activities",
            label=_("Activities"),
            template="activities/partials/record_panel.html",
            context=panels.record_panel,
            position=40,
        ),
    )

"""People and organisations, registered with the record kit (see docs/record-kit.md)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from centric.core.kit.pages import RecordPages, RecordServices
from centric.core.records import (
    OWNED,
    NavEntry,
    Panel,
    SearchProvider,
    register_api,
    register_panel,
    register_record,
    register_search,
    register_urls,
)
from centric.customers import history, panels, selectors, services
from centric.customers.forms import OrganisationForm, PersonForm
from centric.customers.models import Consent, ContactPoint, Membership, Organisation, Person
from centric.customers.services.organisations import organisation_search_name
from centric.customers.services.people import person_search_name


def _pages(key: str, form_class: type, **detail: Any) -> RecordPages:
    """The kit's detail, history, create, edit and delete pages of a customer record (its list
    is customers' own, in views.py: filters, imports and exports of its own)."""
    return RecordPages(
        services=RecordServices(
            create=getattr(services, f"{key}_create"),
            update=getattr(services, f"{key}_update"),
            delete=getattr(services, f"{key}_delete"),
        ),
        columns=(),
        form_fields=(),
        form_class=form_class,
        related=("owner", "team", "lifecycle_stage"),
        templates={
            "form": f"customers/{key}_form.html",
            "detail": "customers/customer_detail.html",
        },
        detail_record=getattr(selectors, f"{key}_detail"),
        history=getattr(history, f"{key}_history"),
        **detail,
    )


# What people and organisations both take part in.
CUSTOMER_RECORD: dict[str, Any] = {
    "visibility": OWNED,
    "custom_fields": True,
    "tags": True,
    "history": True,
    "timeline": True,
    "exports": True,
}
register_record(
    Person,
    key="person",
    parts=(ContactPoint, Consent, Membership),
    search_text=person_search_name,
    **CUSTOMER_RECORD,
    navigation=NavEntry(
        _("People"),
        "customers:person_list",
        icon="users",
        position=10,
        not_current_prefixes=("/people/organisations/",),
    ),
    api_path="/people",
    test_factory="centric.customers.testing.make_person",
    pages=_pages(
        "person",
        PersonForm,
        profile=panels.person_profile,
        actions=panels.person_actions,
        forwarding=panels.merged_survivor,
    ),
)
register_record(
    Organisation,
    key="organisation",
    search_text=organisation_search_name,
    **CUSTOMER_RECORD,
    navigation=NavEntry(
        _("Organisations"),
        "customers:organisation_list",
        icon="building-2",
        position=20,
    ),
    api_path="/organisations",
    test_factory="centric.customers.testing.make_organisation",
    pages=_pages("organisation", OrganisationForm, profile=panels.organisation_profile),
)


# The cards of their pages (customers/panels.py); the timeline panel is the interactions app's.
def _card(key: str, label: Any, context: Any, position: int, region: str = "side") -> Panel:
    template = f"customers/partials/{key}_panel.html"
    return Panel(key, label, template, context, position=position, region=region)


for _label, _card_panel in (
    ("customers.person", _card("attention", _("Needs attention"), panels.attention, 5)),
    ("customers.organisation", _card("attention", _("Needs attention"), panels.attention, 5)),
    ("customers.person", _card("contacts", _("Contact"), panels.contacts, 10)),
    ("customers.organisation", _card("contacts", _("Contact"), panels.contacts, 10)),
    ("customers.person", _card("memberships", _("Organisations"), panels.memberships, 20)),
    ("customers.person", _card("consent", _("Consent"), panels.consent, 60)),
    ("customers.organisation", _card("members", _("People"), panels.members, 10, "main")),
):
    register_panel(_label, _card_panel)


def _search_customers(user, query: str, limit: int):
    from centric.customers.selectors import search_customers

    return search_customers(user, query, limit=limit)


register_search(
    SearchProvider(
        key="customers",
        label=_("Customers"),
        search=_search_customers,
        template="customers/partials/search_results.html",
        page_template="customers/partials/search_page.html",
        position=10,
    )
)
register_urls("people/", "centric.customers.urls", position=10)
register_api("/people", "centric.customers.api.people_router", tags=("people",))
register_api(
    "/organisations", "centric.customers.api.organisations_router", tags=("organisations",)
)
register_api("/lifecycle-stages", "centric.customers.api.stages_router", tags=("lifecycle stages",))
register_api("/search", "centric.customers.api.search_router", tags=("search",))


def _recent_people(request, record):
    from centric.customers.selectors import people_visible

    user = request.user
    if not user.has_perm("customers.view_person"):
        return None
    recent = list(
        people_visible(user).select_related("lifecycle_stage").order_by("-created_at", "-id")[:8]
    )
    return {"recent_people": recent, "can_add": user.has_perm("customers.add_person")}


register_panel(
    "core.home",
    Panel(
        key="recent_people",
        label=_("Recently added people"),
        template="customers/partials/home_recent_people.html",
        context=_recent_people,
        position=90,  # below My day's panels
    ),
)
# The lifecycle stages' settings pages, beside the extras' under /settings/.
register_urls("settings/", "centric.customers.settings_urls", position=89)

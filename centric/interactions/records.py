"""The timeline's interactions, registered with the record kit: their visibility is the
customer's (the person's when there is one, else the organisation's)."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import (
    DerivedFrom,
    Panel,
    register_api,
    register_delete_hook,
    register_panel,
    register_record,
    register_urls,
)
from centric.customers.models import Organisation, Person
from centric.interactions.models import Interaction

register_record(
    Interaction,
    key="interaction",
    visibility=DerivedFrom(("person", "organisation")),
    api_path="/interactions",
)
register_urls("timeline/", "centric.interactions.urls", position=30)
register_api("/interactions", "centric.interactions.api.router", tags=("interactions",))


def _forget_links(record):
    from centric.interactions.services import interaction_links_forget

    interaction_links_forget(record=record)


register_delete_hook(_forget_links)


def _linked_interactions(request, record):
    """The "Timeline" panel of any record interactions link to (a deal, a ticket, a voucher):
    the newest linked interactions the user may see; nothing when there are none."""
    from centric.core.pagination import keyset_page
    from centric.interactions.selectors import interactions_for_record

    if record is None or isinstance(record, Person | Organisation):
        # People and organisations have their own timeline panel (below).
        return None
    page = keyset_page(
        interactions_for_record(request.user, record).select_related("person", "organisation"),
        ordering=["-occurred_at", "-id"],
        size=20,
    )
    if not page.items:
        return None
    for entry in page.items:
        # Visible only when its person is (decision 0037): the person may be named.
        entry.with_person = entry.person
    return {"linked_interactions": page.items}


register_panel(
    "*",
    Panel(
        key="linked_interactions",
        label=_("Timeline"),
        template="interactions/partials/linked_panel.html",
        context=_linked_interactions,
        position=50,
    ),
)


def _timeline_panel(request, record):
    from centric.interactions.views import timeline_context

    return timeline_context(request, record)


# The customer timeline (interactions about the person or organisation) on their pages: the
# customers app renders `registry.panels(label)` and never imports this app.
for _label in ("customers.person", "customers.organisation"):
    register_panel(
        _label,
        Panel(
            key="timeline",
            label=_("Timeline"),
            template="interactions/partials/timeline_section.html",
            context=_timeline_panel,
            position=50,
        ),
    )

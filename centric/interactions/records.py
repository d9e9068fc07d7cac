"""The timeline's interactions, registered with the record kit: their visibility is the
customer's (the person's when there is one, else the organisation's)."""

from django.utils.translation import gettext_lazy as _

from centric.core.records import (
    DerivedFrom,
    Panel,
    register_api,
    register_panel,
    register_record,
    register_urls,
)
from centric.interactions.models import Interaction

register_record(
    Interaction,
    key="interaction",
    visibility=DerivedFrom(("person", "organisation")),
    api_path="/interactions",
)
register_urls("timeline/", "centric.interactions.urls", position=30)
register_api("/interactions", "centric.interactions.api.router", tags=("interactions",))


def _timeline_panel(request, record):
    from centric.interactions.views import timeline_context

    return timeline_context(request, record)


# The timeline on the detail page of every record type registered with `timeline=True`: the
# record's app renders `registry.panels(label)` and never imports this app.
register_panel(
    "*",
    Panel(
        key="timeline",
        label=_("Timeline"),
        template="interactions/partials/timeline_section.html",
        context=_timeline_panel,
        position=50,
    ),
)

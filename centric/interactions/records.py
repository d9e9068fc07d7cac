"""The timeline's interactions, registered with the record kit: their visibility is the
customer's (the person's when there is one, else the organisation's)."""

from centric.core.records import DerivedFrom, register_api, register_record, register_urls
from centric.interactions.models import Interaction

register_record(
    Interaction,
    key="interaction",
    visibility=DerivedFrom(("person", "organisation")),
    api_path="/interactions",
)
register_urls("timeline/", "centric.interactions.urls", position=30)
register_api("/interactions", "centric.interactions.api.router", tags=("interactions",))

"""The customer record over the API: people, organisations, contact points, memberships, consent.

Thin adapters: reads go through `selectors` and `filters` (so through the one visibility rule),
writes through `services`. A record one may not see is a 404, exactly like a missing one.

One module per sub-domain: `schemas` (what goes over the wire), `common` (finding a record and the
bodies people and organisations share), `people`, `organisations`, `parts` (contact points,
memberships, consent: the sub-resources, registered on the owners' routers after the owners' own
endpoints) and `search` (the search box and the lifecycle stages). The record kit mounts the
routers by these dotted paths (`centric.customers.api.people_router`, … in `records.py`).
"""

from __future__ import annotations

from centric.customers.api import parts  # noqa: F401  # registers the sub-resources' endpoints
from centric.customers.api.organisations import organisations_router
from centric.customers.api.people import people_router
from centric.customers.api.search import search_router, stages_router

__all__ = ["organisations_router", "people_router", "search_router", "stages_router"]

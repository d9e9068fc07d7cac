"""What-if measurements of changes proposed to code the bench does not own.

Each function here is the exact query shape proposed in bench/RESULTS.md for its owner, so the
proposal comes with a figure measured on the same data in the same run. None of it is used by
the application.
"""

from __future__ import annotations

from typing import Any

from centric.core.normalise import looks_like_phone
from centric.core.search import prefix_search
from centric.customers.models import Person
from centric.customers.selectors import SearchResults, people_visible, search_customers

# The search box shows the alphabetically first of at most this many matches; a short prefix
# ("ad") matches a fifth of a million-person table, and ordering all of them is what costs.
CANDIDATES = 200


def search_customers_capped(user: Any, query: str, *, limit: int = 10) -> SearchResults:
    """search_customers with the name branch rewritten as proposed (phones/emails unchanged).

    Today: `prefix_search(people_visible(user), q).order_by(last_name, first_name, id)[:10]`. On
    PostgreSQL the planner walks the whole name-order index, running to_tsvector on each row
    until ten match: fast when matches are spread out, seconds when they are clustered (a
    surname: every "Oyinlola" sits together in last-name order). Proposed: take up to
    CANDIDATES visible matches from the GIN index first (no ORDER BY, so the scan stops early),
    then order those few (they are already filtered by the visibility rule).
    """
    text = (query or "").strip()[:200]
    if "@" in text or looks_like_phone(text) or len(text) < 2:
        return search_customers(user, query, limit=limit)
    results = SearchResults(query=text)
    # Fetched first, as a list: given a subquery, the planner goes back to walking the name index.
    candidates = list(
        prefix_search(people_visible(user), text)
        .order_by()
        .values_list("id", flat=True)[:CANDIDATES]
    )
    results.people = list(
        Person.objects.filter(id__in=candidates)
        .select_related("lifecycle_stage")
        .order_by("last_name", "first_name", "id")[:limit]
    )
    from centric.customers.selectors import organisations_visible

    organisations = prefix_search(organisations_visible(user), text)
    results.organisations = list(organisations.order_by("name", "id")[:limit])
    return results

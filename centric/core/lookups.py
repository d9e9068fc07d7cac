"""Type-ahead look-ups: a few matches for what someone has started typing, never the whole table.

Pickers (`centric.core.widgets.LookupInput`) ask a small JSON endpoint for at most LOOKUP_LIMIT
rows whose folded `search_name` has a word starting with each typed word, so "ade" finds
"Adébáyọ̀ Okafor" and "oka" finds him too. A word inside the name ("% oka%") cannot use an
index, so the look-up reads the one narrow column: measured on PostgreSQL with 50,000 names,
~6 ms for a common prefix (it walks the `search_name` index in order and stops at 20) and
~10 ms for a prefix nothing has (a sequential scan). Staff and tags stay far below that size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import JsonResponse

from centric.core.search import query_terms

LOOKUP_LIMIT = 20
MAX_QUERY_LENGTH = 100

_M = TypeVar("_M", bound=Model)


def word_prefix_filter(
    queryset: QuerySet[_M], query: str, *, field: str = "search_name"
) -> QuerySet[_M]:
    """Rows whose folded `field` has a word starting with every word of `query` (all rows if blank)."""
    for term in query_terms(query[:MAX_QUERY_LENGTH]):
        queryset = queryset.filter(
            Q(**{f"{field}__startswith": term}) | Q(**{f"{field}__contains": f" {term}"})
        )
    return queryset


def lookup_response(options: Iterable[dict[str, str]]) -> JsonResponse:
    """The picker's answer: `{"results": [{"value", "label", "detail"}]}`, never cached by a proxy."""
    response = JsonResponse({"results": list(options)})
    response["Cache-Control"] = "private, no-store"
    return response

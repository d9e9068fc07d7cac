"""Reads of the extras app."""

from __future__ import annotations

from centric.core.lookups import LOOKUP_LIMIT, word_prefix_filter
from centric.extras.models import Tag


def tags_lookup(*, query: str, limit: int = LOOKUP_LIMIT) -> list[Tag]:
    """At most `limit` tags with a word starting with each typed word (any case or accent), by
    name: the tag picker's suggestions."""
    tags = word_prefix_filter(Tag.objects.all(), query)
    return list(tags.order_by("search_name", "id").only("id", "name")[:limit])

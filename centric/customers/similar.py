"""Names that are not what was typed but are who was meant: nicknames ("Tunde" finds
Babatunde) and small typos ("Chinedo Okafor" finds Chinedu Okafor). The search box asks only
when no name matches as typed, so the exact path keeps its speed.

Typos are found among the names with a word starting like each word typed (its first three
letters, through the full-text index; at most 500), scored word by word: a typo in the first
three letters of a word is not found.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rapidfuzz import fuzz

from centric.core.names import name_variants
from centric.core.search import prefix_search, query_terms, search_key
from centric.customers.models import Person

MAX_VARIANT_QUERIES = 8
CANDIDATES = 500
SHARED_LETTERS = 3
# A word of the query and a word of the name agree when this similar (0–100).
WORD_SIMILARITY = 75


def _nickname_queries(terms: list[str]) -> list[str]:
    """The query again with one word replaced by another name of its family, at most eight."""
    queries = []
    for index, term in enumerate(terms):
        for variant in name_variants(term):
            queries.append(" ".join([*terms[:index], variant, *terms[index + 1 :]]))
    return queries[:MAX_VARIANT_QUERIES]


def _by_nickname(visible: QuerySet[Person], terms: list[str], limit: int) -> list[int]:
    found: list[int] = []
    for alternative in _nickname_queries(terms):
        ids = prefix_search(visible, alternative).order_by().values_list("id", flat=True)
        found += [pk for pk in ids[:limit] if pk not in found]
        if len(found) >= limit:
            break
    return found[:limit]


def _score(terms: list[str], search_name: str) -> float:
    words = search_name.split()
    if not words:
        return 0.0
    best = [max(fuzz.ratio(term, word) for word in words) for term in terms]
    return 0.0 if min(best) < WORD_SIMILARITY else sum(best) / len(best)


def _candidates(visible: QuerySet[Person], terms: list[str]) -> list[tuple[int, str]]:
    """(id, search name) of visible people with a word starting like each word typed (its
    first three letters), through the full-text index: "chinedo okafor" reads the few
    "chi… oka…" names, not every "chi…"."""
    prefixes = " ".join(term[:SHARED_LETTERS] for term in terms)
    rows = prefix_search(visible, prefixes).order_by().values_list("id", "search_name")
    return list(rows[:CANDIDATES])


def _by_typo(visible: QuerySet[Person], terms: list[str], limit: int) -> list[int]:
    scored = [(_score(terms, name), pk) for pk, name in _candidates(visible, terms)]
    return [pk for score, pk in sorted(scored, reverse=True) if score > 0][:limit]


def similar_names(visible: QuerySet[Person], query: str, limit: int) -> list[Any]:
    """Up to `limit` visible people named like `query`: nicknames first, then small typos."""
    terms = [term for term in query_terms(query) if len(term) >= 2]
    if not terms or not search_key(query):
        return []
    ids = _by_nickname(visible, terms, limit)
    if not ids:
        ids = _by_typo(visible, terms, limit)
    if not ids:
        return []
    people = {p.pk: p for p in visible.filter(id__in=ids).select_related("lifecycle_stage")}
    return [people[pk] for pk in ids if pk in people]

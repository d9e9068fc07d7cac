"""Names that are not what was typed but are who was meant: nicknames ("Tunde" finds
Babatunde) and small typos anywhere in a word ("Chinedo", "Cinedu" and "Xhinedu Okafor" find
Chinedu Okafor, "Nogzi" finds Ngozi). The search box asks only when no name matches as typed,
so the exact path keeps its speed.

Each word typed stands for the words the names hold near it (`core.search.near_words`: one
letter changed, added, dropped or two swapped) and the other names of its family; the people
found have, for each word typed, one of them — exact words looked up in the full-text index,
as cheap as a search for the intended name (a prefix, which costs a scan of every word it
starts, only for a last word still being typed). They are ordered by how far their name is
from what was typed.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from rapidfuzz.distance import OSA

from centric.core.names import name_variants
from centric.core.search import any_words_search, near_words, query_terms, search_key
from centric.customers.models import Person

# People read for this path, then ordered by how near their name is: each is a visit to the
# table (the full-text index does not hold the name), so not more than a few pages' worth.
CANDIDATES = 200
# Other names of a word's family looked for, at most.
MAX_VARIANTS = 8
_WORD = re.compile(r"[a-z]+")


def _variants(term: str) -> list[str]:
    return [v for v in name_variants(term) if _WORD.fullmatch(v)][:MAX_VARIANTS]


def _distance(
    terms: list[str], near: dict[str, list[str]], variants: dict[str, list[str]], name: str
) -> tuple[int, int] | None:
    """How far the name is from the query: for each word typed, its best word of the name (0
    when one starts with it, 1 for another name of its family, else the letters that differ),
    summed; then 0 when the first and last words typed are the name's first and last (Ada
    Okafor before Chidi Ada Okafor). None when a word typed has none."""
    words = name.split()
    total = 0
    ends = {0: 0, len(terms) - 1: len(words) - 1}
    out_of_place = 0
    for position, term in enumerate(terms):
        distances = [
            0
            if word.startswith(term)
            else 1
            if word in variants[term]
            else OSA.distance(term, word)
            if word in near[term]
            else None
            for word in words
        ]
        best = min((d for d in distances if d is not None), default=None)
        if best is None:
            return None
        total += best
        if position in ends and distances[ends[position]] != best:
            out_of_place = 1
    return total, out_of_place


def _groups(
    terms: list[str], near: dict[str, list[str]], variants: dict[str, list[str]], *, wide: bool
) -> list[tuple[list[str], str]] | None:
    """For each word typed, the words a name may hold for it and a prefix ("" for none); None
    when a word typed can be nothing. Not `wide`, a word the names hold whole stands for
    itself only (the typo is in another word), which keeps a common name's neighbours out."""
    groups: list[tuple[list[str], str]] = []
    for index, term in enumerate(terms):
        is_whole = term in near[term]
        words = [term] if is_whole and not wide else [*near[term], *variants[term]]
        # The last word may be unfinished ("Ngozi Oka"), unless the names hold it whole.
        prefix = term if index == len(terms) - 1 and not is_whole else ""
        if not words and not prefix:
            return None
        groups.append((list(dict.fromkeys(words)), prefix))
    return groups


def similar_names(visible: QuerySet[Person], query: str, limit: int) -> list[Any]:
    """Up to `limit` visible people named like `query`, the nearest first: first with the
    words typed that the names hold taken as they are, then, if that finds no one, with
    their neighbours too."""
    terms = [term for term in query_terms(query) if len(term) >= 2]
    if not terms or not search_key(query):
        return []
    near = near_words(Person, terms)
    variants = {term: _variants(term) for term in terms}
    narrow = _groups(terms, near, variants, wide=False)
    wide = _groups(terms, near, variants, wide=True)
    ids: list[int] = []
    for groups in (narrow, wide) if narrow != wide else (wide,):
        # Every word a whole word of the names: the exact search has said no already.
        if groups is None or all(g == ([t], "") for g, t in zip(groups, terms, strict=True)):
            continue
        rows = any_words_search(visible, groups).order_by().values_list("id", "search_name")
        scored = []
        for pk, name in rows[:CANDIDATES]:
            distance = _distance(terms, near, variants, name)
            if distance is not None:
                scored.append((*distance, name, pk))
        ids = [pk for *_order, pk in sorted(scored)][:limit]
        if ids:
            break
    if not ids:
        return []
    people = {p.pk: p for p in visible.filter(id__in=ids).select_related("lifecycle_stage")}
    return [people[pk] for pk in ids if pk in people]

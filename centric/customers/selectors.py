"""Reads of the customer record. Every read starts from the one visibility rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower, Reverse

from centric.core.normalise import looks_like_phone, try_normalise_email, try_normalise_phone
from centric.core.search import prefix_search, query_terms, search_key, words_may_start
from centric.customers.choices import ContactKind
from centric.customers.models import Consent, ContactPoint, Membership, Organisation, Person
from centric.customers.similar import similar_names

PHONE_KINDS = (ContactKind.PHONE, ContactKind.WHATSAPP)


def people_visible(user: Any, action: str = "view") -> QuerySet[Person]:
    return Person.objects.visible_to(user, action)


def organisations_visible(user: Any, action: str = "view") -> QuerySet[Organisation]:
    return Organisation.objects.visible_to(user, action)


def memberships_visible(user: Any) -> QuerySet[Membership]:
    """Memberships in organisations the user may see: a hidden organisation is not named
    through its members (the person page, exports, vCards)."""
    return Membership.objects.filter(organisation__in=organisations_visible(user))


def person_get(user: Any, pk: Any, action: str = "view") -> Person:
    """The person, or Person.DoesNotExist when missing *or* not visible (no existence leak)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Person.DoesNotExist from None
    return (
        people_visible(user, action).select_related("owner", "team", "lifecycle_stage").get(pk=pk)
    )


def organisation_get(user: Any, pk: Any, action: str = "view") -> Organisation:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Organisation.DoesNotExist from None
    return (
        organisations_visible(user, action)
        .select_related("owner", "team", "lifecycle_stage")
        .get(pk=pk)
    )


def person_detail(user: Any, pk: Any) -> Person:
    """A person with everything the 360° page shows, in a fixed number of queries."""
    return (
        people_visible(user)
        .select_related("owner", "team", "lifecycle_stage")
        .prefetch_related(
            "contact_points",
            "tags",
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
            Prefetch(
                "memberships", queryset=memberships_visible(user).select_related("organisation")
            ),
        )
        .get(pk=int(pk))
    )


def organisation_detail(user: Any, pk: Any) -> Organisation:
    """An organisation with what its page shows (contact points, tags), prefetched."""
    return (
        organisations_visible(user)
        .select_related("owner", "team", "lifecycle_stage")
        .prefetch_related("contact_points", "tags")
        .get(pk=int(pk))
    )


@dataclass
class SearchResults:
    query: str
    people: list[Person] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    matched_by: str = "name"

    @property
    def is_empty(self) -> bool:
        return not self.people and not self.organisations


def _people_by_contact(
    user: Any, kinds: tuple[str, ...], values: list[str], *, prefix: bool = False
) -> QuerySet[Person]:
    points = ContactPoint.objects.filter(kind__in=kinds, person__isnull=False)
    if prefix:
        points = points.filter(value_normalized__startswith=values[0])
    else:
        points = points.filter(value_normalized__in=values)
    return people_visible(user).filter(id__in=points.values("person_id"))


# The search box shows the alphabetically first of at most this many name matches. A short
# prefix ("ad") matches a fifth of a million people; ordering all of them is what costs.
NAME_CANDIDATES = 200


def _name_candidates(queryset: QuerySet[Any], query: str) -> list[int]:
    """Ids of up to NAME_CANDIDATES visible name matches, straight from the search index.

    Fetched as a list on purpose: given a subquery, PostgreSQL walks the name-order index and
    tests every row until ten match, which takes seconds when matches cluster (one surname).
    """
    return list(
        prefix_search(queryset, query).order_by().values_list("id", flat=True)[:NAME_CANDIDATES]
    )


NAME_ORDER = ("last_name", "first_name", "id")

# A prefix typed in the search box usually starts the whole name ("ch", "adebayo dub") or the
# surname ("oka"): those people sit together in the search-name and name-order indexes, where
# the first few hundred are read in a fraction of a millisecond. The full-text index, which
# finds any word, gathers every match of a short prefix before it yields one (81,000 for "ch",
# ~30 ms): it is asked only when too few of those are visible.
NAME_START_WINDOW = 150


def _name_starts(queryset: QuerySet[Person], query: str, limit: int) -> list[Person] | None:
    """`limit` people of `queryset` (ordered, ready to list), in its order, whose search name
    starts with the folded query or, for one word, whose surname does — taken from the first
    NAME_START_WINDOW such names and surnames of the table; None if fewer are visible there.
    Not always the alphabetically first matches (decision 0003)."""
    key = search_key(query)
    if not key:
        return None
    # Names are folded to [a-z0-9 ]: in code-point order (the C and C.UTF-8 collations) "~"
    # follows all of these, so the range is exactly the prefix. In a collation that orders
    # otherwise the range may hold fewer (then the full-text index answers) or others (the
    # check below drops them).
    windows = [
        Person.objects.filter(search_name__gte=key, search_name__lt=key + "~").order_by(
            "search_name", "id"
        )
    ]
    if " " not in key:
        # Surnames as written ("Okafor"): a surname written otherwise ("OKAFOR", "Ọ̀kàfọ̀") is
        # not in this range, and is found when too few are.
        capitalised = key[0].upper() + key[1:]
        windows.append(
            Person.objects.filter(
                last_name__gte=capitalised, last_name__lt=capitalised + "~"
            ).order_by(*NAME_ORDER)
        )
    subqueries = [window.values("id")[:NAME_START_WINDOW] for window in windows]
    if connection.features.supports_slicing_ordering_in_compound:
        ids: Any = subqueries[0].union(*subqueries[1:], all=True)  # one query (PostgreSQL)
    else:  # SQLite: a compound statement cannot hold limited parts
        ids = [row["id"] for subquery in subqueries for row in subquery]

    def matches(person: Person) -> bool:
        return person.search_name.startswith(key) or (
            " " not in key and search_key(person.last_name).startswith(key)
        )

    found = [p for p in queryset.filter(id__in=ids)[:limit] if matches(p)]
    return found if len(found) == limit else None


# The last digits of a number, typed alone ("2852651"), find whoever's number ends with them.
TAIL_MIN_DIGITS = 6


# A domain ("@gmail.com") may end a hundred thousand addresses: the box shows the first ten by
# name of the visible ones among at most this many, read straight along the index.
ENDING_CANDIDATES = 500


def _people_by_ending(user: Any, kinds: tuple[str, ...], ending: str) -> QuerySet[Person]:
    """Visible people with a contact point of `kinds` whose value ends with `ending`: a range
    on the reversed value (the contact_point_ending index), exact in the C collation the
    project's databases use. The candidates are read first, as a list: joined to the
    visibility rule, the planner would gather every match of a common domain."""
    reversed_ending = ending[::-1]
    upper = reversed_ending[:-1] + chr(ord(reversed_ending[-1]) + 1)
    points = (
        ContactPoint.objects.filter(kind__in=kinds)
        .annotate(reversed_value=Reverse("value_normalized"))
        .filter(reversed_value__gte=reversed_ending, reversed_value__lt=upper)
        .order_by()  # in the index's order: the model's ordering would sort every match
    )
    ids = [
        pk
        for pk in points.values_list("person_id", flat=True)[:ENDING_CANDIDATES]
        if pk is not None
    ]
    # Narrowed to the visible ones by primary key first: ordered by name with the whole list
    # inside, PostgreSQL would walk the name index looking for them.
    visible = people_visible(user).filter(id__in=ids).order_by()
    return Person.objects.filter(
        id__in=list(visible.values_list("id", flat=True)[:NAME_CANDIDATES])
    )


def _phone_people(user: Any, query: str) -> QuerySet[Person]:
    """A whole number in any format, else the number's last digits as typed (at least six;
    a trunk "0" dropped: "01 285 2651" ends "+234 201 285 2651" too)."""
    phone = try_normalise_phone(query)
    if phone:
        exact = _people_by_contact(user, PHONE_KINDS, [phone])
        if exact.exists():
            return exact
    digits = "".join(ch for ch in query if ch.isdigit()).lstrip("0")
    if len(digits) < TAIL_MIN_DIGITS:
        return Person.objects.none()
    return _people_by_ending(user, PHONE_KINDS, digits[-12:])


def _email_people(user: Any, query: str) -> QuerySet[Person]:
    """A whole address, the start of one ("ada.o", "ada@ex"), or a domain ("@example.com")."""
    text = query.lower()
    if text.startswith("@"):
        return _people_by_ending(user, (ContactKind.EMAIL,), text)
    email = try_normalise_email(query)
    if email:
        return _people_by_contact(user, (ContactKind.EMAIL,), [email])
    return _people_by_contact(user, (ContactKind.EMAIL,), [text], prefix=True)


def _looks_like_email_part(query: str) -> bool:
    """ "chinedu.okafor", "okafor_c", "example.com": one word with an address's punctuation."""
    return " " not in query and any(mark in query for mark in "._") and len(query) >= 3


def search_customers(user: Any, query: str, *, limit: int = 10) -> SearchResults:
    """The search box: a phone in any format (or its last digits), an email (its start, its
    domain), or names of people and organisations — with nicknames and small typos when no
    name matches as typed."""
    query = (query or "").strip()[:200]
    results = SearchResults(query=query)
    if len(query) < 2:
        return results
    people: QuerySet[Person] = Person.objects.none()
    if "@" in query:
        results.matched_by = "email"
        people = _email_people(user, query)
    elif looks_like_phone(query):
        results.matched_by = "phone"
        people = _phone_people(user, query)
    else:
        # A word that starts no word of anyone's name (a typo, often) needs no name search.
        if words_may_start(Person, query_terms(query)):
            visible = people_visible(user)
            starts = _name_starts(
                visible.select_related("lifecycle_stage").order_by(*NAME_ORDER), query, limit
            )
            if starts is not None:
                results.people = starts
            else:
                people = Person.objects.filter(id__in=_name_candidates(visible, query))
        # Sorted by an expression no index has: given the name-order index, PostgreSQL walks
        # every organisation in name order looking for the candidates (11 ms at 20,000).
        results.organisations = list(
            Organisation.objects.filter(
                id__in=_name_candidates(organisations_visible(user), query)
            ).order_by(Lower("name"), "name", "id")[:limit]
        )
    if not results.people:
        results.people = list(
            people.select_related("lifecycle_stage").order_by(*NAME_ORDER)[:limit]
        )
    if results.matched_by == "name" and not results.people and _looks_like_email_part(query):
        email_people = _email_people(user, query)
        # A domain typed without its "@" ("example.com"), or the end of one ("example.ng" of
        # "mail.example.ng").
        for mark in ("@", "."):
            if email_people.exists():
                break
            email_people = _people_by_ending(user, (ContactKind.EMAIL,), mark + query.lower())
        results.people = list(
            email_people.select_related("lifecycle_stage").order_by(*NAME_ORDER)[:limit]
        )
        if results.people:
            results.matched_by = "email"
    if results.matched_by == "name" and results.is_empty:
        results.people = similar_names(people_visible(user), query, limit)
        if results.people:
            results.matched_by = "similar"
    return results

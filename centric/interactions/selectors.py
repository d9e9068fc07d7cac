"""Reading the timeline, newest first, through the one visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from centric.customers.models import Membership, Organisation, Person
from centric.interactions.models import Interaction

# Up to this many members, an organisation's timeline names its people's ids in the query, which
# PostgreSQL answers from the person and organisation timeline indexes (BitmapOr): ~10 ms on the
# 5M-interaction bench, where `person_id IN (subquery)` under an OR is a 3 s sequential scan.
# Larger organisations fall back to the subquery (same rows, slower), which keeps the query under
# SQLite's bound-parameter limit.
MEMBER_IDS_INLINE = 2000


def timeline(
    user: Any,
    *,
    person: Person | int | None = None,
    organisation: Organisation | int | None = None,
    include_members: bool = False,
    channel: str = "",
    kind: str = "",
) -> QuerySet[Interaction]:
    """Interactions `user` may see, newest first.

    `organisation` (a record or an id) with `include_members` also brings in the interactions of
    the people who belong to it now (B2B: the account's timeline shows its contacts' calls and
    meetings). Member ids are read only from an organisation the user may see, so the option
    cannot reveal who belongs to a hidden one; every row still passes the visibility rule.
    """
    queryset = Interaction.objects.visible_to(user).select_related("actor_user")
    if person is not None:
        queryset = queryset.filter(person=person)
    if organisation is not None:
        about = Q(organisation=organisation)
        if include_members:
            about |= _members_q(user, organisation)
        queryset = queryset.filter(about)
    if channel:
        queryset = queryset.filter(channel=channel)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-occurred_at", "-id")


def _members_q(user: Any, organisation: Organisation | int) -> Q:
    members = Membership.objects.filter(
        organisation=organisation,
        organisation__in=Organisation.objects.visible_to(user).values("pk"),
    ).values_list("person_id", flat=True)
    ids = list(members[: MEMBER_IDS_INLINE + 1])
    if len(ids) > MEMBER_IDS_INLINE:
        return Q(person__in=members)
    return Q(person__in=ids)

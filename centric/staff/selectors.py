"""Staff reads: users, teams, roles, tokens and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet

from centric.core.lookups import LOOKUP_LIMIT, word_prefix_filter
from centric.core.models import AuditEvent
from centric.core.pagination import Page, keyset_page
from centric.staff.models import ApiToken, Team, User

AUDIT_ORDERING = ["-occurred_at", "-id"]


def users_list(*, query: str = "", team_id: int | None = None, status: str = "") -> QuerySet[User]:
    users = User.objects.select_related("team").prefetch_related("groups").order_by("username")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if team_id:
        users = users.filter(team_id=team_id)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users


def users_lookup(*, query: str, limit: int = LOOKUP_LIMIT) -> list[User]:
    """At most `limit` active staff whose name or username has a word starting with each typed
    word (any case or accent), by name: the owner picker's suggestions."""
    users = word_prefix_filter(User.objects.filter(is_active=True), query)
    return list(
        users.order_by("search_name", "id").only("id", "username", "first_name", "last_name")[
            :limit
        ]
    )


def teams_list() -> QuerySet[Team]:
    return (
        Team.objects.select_related("lead", "parent")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def team_members(team: Team) -> QuerySet[User]:
    return team.members.prefetch_related("groups").order_by("-is_active", "username")


def roles_list() -> QuerySet[Group]:
    return (
        Group.objects.select_related("role_profile")
        .annotate(
            member_count=Count("user", distinct=True),
            permission_count=Count("permissions", distinct=True),
        )
        .order_by("name")
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def audit_page(
    *, kind: str = "", username: str = "", cursor: str | None = None, size: int = 50
) -> Page:
    """One page of the audit log, newest first; keyset-paginated, never counted."""
    events = AuditEvent.objects.select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if username:
        events = events.filter(username__iexact=username.strip())
    return keyset_page(events, ordering=AUDIT_ORDERING, cursor=cursor, size=size)

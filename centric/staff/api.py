"""Staff users and teams over the API (read-only).

Who sees what is `centric.staff.directory` (decision 0026): colleagues' names for whoever works
the customer lists (owner fields and filters), emails only for the staff directory's holders.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from centric.core.api.pagination import PageParams, page_body, page_of
from centric.core.api.types import ApiRequest, Id
from centric.core.lookups import MAX_QUERY_LENGTH, word_prefix_filter
from centric.staff.directory import may_see_staff_emails, may_see_staff_names, may_see_teams
from centric.staff.models import Team, User

users_router = Router()
teams_router = Router()


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    full_name: str
    email: str | None = Field(
        description=(
            "Only for holders of `staff.view_user` or `staff.manage_staff`, and on your own "
            "account; null otherwise."
        )
    )
    team_id: int | None
    is_active: bool

    @staticmethod
    def resolve_full_name(obj: User) -> str:
        return obj.get_full_name() or obj.username

    @staticmethod
    def resolve_email(obj: User, context: Any) -> str | None:
        viewer = context["request"].auth
        if obj.pk == viewer.pk or may_see_staff_emails(viewer):
            return obj.email
        return None


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None
    previous_cursor: str | None


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    lead_id: int | None
    parent_id: int | None


class UserFilters(Schema):
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_LENGTH,
        description=(
            "Look-up: users whose first name, last name or username has a word starting with "
            "each word of `q`, ignoring case and accents (`ade oka` finds Adébáyọ̀ Okafor). "
            "Use the `id` as the `owner` filter of /people and /organisations."
        ),
    )
    is_active: bool | None = Field(None, description="Only active (true) or deactivated (false).")


def _require_names(user: Any) -> None:
    if not may_see_staff_names(user):
        raise PermissionDenied(_("You do not have permission to see staff users."))


def _require_teams(user: Any) -> None:
    if not may_see_teams(user):
        raise PermissionDenied(_("You do not have permission to see teams."))


@users_router.get("", response=UserPage, summary="List or look up staff users")
def list_users(request: ApiRequest, params: Query[PageParams], filters: Query[UserFilters]):
    _require_names(request.auth)
    users = User.objects.all()
    if filters.q:
        users = word_prefix_filter(users, filters.q)
    if filters.is_active is not None:
        users = users.filter(is_active=filters.is_active)
    return page_body(
        page_of(
            users,
            ordering=["username", "id"],
            cursor=params.cursor,
            limit=params.limit,
        )
    )


@users_router.get("/me", response=UserOut, summary="The user behind this token or session")
def get_me(request: ApiRequest):
    return request.auth


@users_router.get("/{user_id}", response=UserOut, summary="Get a staff user")
def get_user(request: ApiRequest, user_id: Id):
    if user_id != request.auth.pk:
        _require_names(request.auth)
    return User.objects.get(pk=user_id)


@teams_router.get("", response=list[TeamOut], summary="List teams")
def list_teams(request: ApiRequest):
    _require_teams(request.auth)
    return list(Team.objects.all())


@teams_router.get("/{team_id}", response=TeamOut, summary="Get a team")
def get_team(request: ApiRequest, team_id: Id):
    _require_teams(request.auth)
    return Team.objects.get(pk=team_id)

"""The staff part of the test kit (a pytest plugin, see conftest.py): fixtures that build staff,
teams and roles through the real services.

`make_user(perms=[...], team=...)` builds a staff member; `roles` gives the default roles;
`api_client(user)` is a Django test client that sends a Bearer token.
"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

_counter = itertools.count(1)


@pytest.fixture
def roles(db):
    from django.contrib.auth.models import Group

    from centric.staff.roles import ensure_default_roles

    ensure_default_roles()
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def make_team(db):
    from centric.staff.services.users import team_create

    def factory(name: str | None = None, **kwargs):
        return team_create(name=name or f"Team {next(_counter)}", **kwargs)

    return factory


@pytest.fixture
def make_user(db, roles):
    from centric.staff.services.users import user_create

    def factory(
        username: str | None = None,
        *,
        role: str | None = "Front office",
        team=None,
        password: str = "correct-horse-battery",
        **kwargs,
    ):
        username = username or f"user{next(_counter)}"
        return user_create(
            username=username,
            password=password,
            email=f"{username}@example.com",
            team=team,
            roles=[roles[role]] if role else [],
            **kwargs,
        )

    return factory


@pytest.fixture
def admin_user(make_user):
    return make_user("admin", role="Administrator", is_superuser=True)


@pytest.fixture
def api_client():
    from centric.staff.services.tokens import token_create

    def factory(user) -> Client:
        _token, plain = token_create(user=user, name="tests")
        return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")

    return factory

"""The API's authentication is wired by settings: core names no staff function itself."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from centric.core.api import auth

SEEN: list[tuple[str, object]] = []


def authenticate_by_list(token: str):
    """A token check named in settings (stands in for the staff app's, on real users)."""
    SEEN.append(("token", token))
    return SEEN[0][1] if token == "let-me-in" else None


def record_preload(user) -> None:
    SEEN.append(("preload", user.pk))


@pytest.fixture
def seen():
    SEEN.clear()
    yield SEEN
    SEEN.clear()


@pytest.mark.django_db
def test_the_token_check_is_the_function_the_setting_names(make_user, seen):
    user = make_user("ada")
    request = RequestFactory().get("/api/v1/users/me")
    seen.append(("user", user))
    with override_settings(
        CENTRIC_API_TOKEN_AUTHENTICATOR="centric.core.tests.test_api_auth.authenticate_by_list"
    ):
        assert auth.TokenAuth().authenticate(request, " let-me-in ") == user
        assert auth.TokenAuth().authenticate(request, "ctk_unknown") is None
    assert seen[1:] == [("token", "let-me-in"), ("token", "ctk_unknown")]
    # Back to the staff app's check once the setting is restored: the dotted path is re-read.
    assert auth.TokenAuth().authenticate(request, "let-me-in") is None
    assert len(seen) == 3


@pytest.mark.django_db
def test_a_session_user_is_preloaded_by_the_function_the_setting_names(make_user, seen):
    user = make_user("ada")
    request = RequestFactory().get("/api/v1/users/me")
    request.user = user
    with override_settings(
        CENTRIC_API_PERMISSION_PRELOADER="centric.core.tests.test_api_auth.record_preload"
    ):
        assert auth.SessionAuth().authenticate(request, "session") == user
    assert seen == [("preload", user.pk)]


@pytest.mark.django_db
def test_the_hooks_are_imported_once_not_per_request(make_user):
    auth._hooks.clear()
    user = make_user("ada")
    request = RequestFactory().get("/api/v1/users/me")
    request.user = user
    auth.SessionAuth().authenticate(request, "session")
    auth.TokenAuth().authenticate(request, "ctk_unknown")
    first = dict(auth._hooks)
    assert set(first) == set(auth.HOOK_SETTINGS)
    auth.SessionAuth().authenticate(request, "session")
    auth.TokenAuth().authenticate(request, "ctk_unknown")
    assert all(auth._hooks[name] is first[name] for name in first)
    assert first["CENTRIC_API_TOKEN_AUTHENTICATOR"].__module__ == "centric.staff.services.tokens"

"""API authentication: personal tokens (`Authorization: Bearer …`) or the signed-in session.

A token is checked by `centric.staff.services.tokens.token_authenticate` (revoked, expired and
deactivated users' tokens are refused). The session is accepted so the pages' own scripts can
call the API; unsafe methods then need the CSRF token, exactly as a form post would.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    openapi_bearerFormat = "ctk_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from centric.staff.services.tokens import token_authenticate

        user = token_authenticate(token.strip())
        if user is not None:
            preload_permissions(user)
        return user


def preload_permissions(user: Any) -> None:
    """Load the user's permissions (own and through roles) in one query instead of two.

    Fills the cache `ModelBackend.has_perm` reads, for this request's user object only.
    """
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    if user.is_superuser or hasattr(user, "_perm_cache"):
        return
    rows = (
        Permission.objects.filter(Q(user=user) | Q(group__user=user))
        .values_list("content_type__app_label", "codename")
        .distinct()
    )
    user._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}


class SessionAuth(APIKeyCookie):
    """The Django session; CSRF is enforced on unsafe methods for signed-in users only.

    An anonymous request falls through to a 401 rather than a CSRF 403.
    """

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)  # tells the docs page to send the CSRF token

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed")
        preload_permissions(user)
        return user


def default_auth() -> list:
    return [TokenAuth(), SessionAuth()]

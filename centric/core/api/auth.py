"""API authentication: personal tokens (`Authorization: Bearer …`) or the signed-in session.

Core knows no staff app: the function that checks a token and the one that loads a session
user's permissions are named in settings (`CENTRIC_API_TOKEN_AUTHENTICATOR`,
`CENTRIC_API_PERMISSION_PRELOADER`; the staff app's by default) and imported once, not per
request. The session is accepted so the pages' own scripts can call the API; unsafe methods then
need the CSRF token, exactly as a form post would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
HOOK_SETTINGS = ("CENTRIC_API_TOKEN_AUTHENTICATOR", "CENTRIC_API_PERMISSION_PRELOADER")
_hooks: dict[str, Callable[..., Any]] = {}


def _hook(name: str) -> Callable[..., Any]:
    """The function the setting `name` names, imported on first use and kept."""
    try:
        return _hooks[name]
    except KeyError:
        function: Callable[..., Any] = import_string(getattr(settings, name))
        _hooks[name] = function
        return function


@receiver(setting_changed)
def _forget_hooks(*, setting: str, **kwargs: Any) -> None:
    if setting in HOOK_SETTINGS:
        _hooks.pop(setting, None)


class TokenAuth(HttpBearer):
    openapi_bearerFormat = "ctk_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # the token's user comes with their permissions loaded, in the same statement
        return _hook("CENTRIC_API_TOKEN_AUTHENTICATOR")(token.strip())


class SessionAuth(APIKeyCookie):
    """The Django session; CSRF is enforced on unsafe methods for signed-in users only.

    An anonymous request falls through to a 401 rather than a CSRF 403.
    """

    param_name = "sessionid"

    def __init__(self) -> None:
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
        if _lacks_required_mfa(user):
            raise HttpError(403, "Your role requires two-factor sign-in: set it up first")
        _hook("CENTRIC_API_PERMISSION_PRELOADER")(user)
        return user


def _lacks_required_mfa(user: Any) -> bool:
    """A session of a role that requires TOTP, before TOTP is set up, may not use the API either
    (the pages send such users to set it up; see staff.middleware.RequireMfaMiddleware)."""
    if not user.requires_mfa():
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def default_auth() -> list[HttpBearer | APIKeyCookie]:
    return [TokenAuth(), SessionAuth()]

"""Personal API tokens: create, authenticate, revoke."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centric.core.audit import audit
from centric.core.errors import ApplicationError
from centric.core.models import AuditEvent
from centric.core.prepared import fetch_one, to_instances
from centric.staff.mfa import (
    lacks_required_totp,
    lacks_required_totp_params,
    lacks_required_totp_sql,
)
from centric.staff.models import ApiToken, User
from centric.staff.permissions import parse_permission_list, permission_list_sql

TOKEN_PREFIX = "ctk_"


class TokenRefused(ApplicationError):
    """A live token whose user may not use the API now: a role of theirs requires TOTP and
    they have none (decision 0025). Answered as a 401 problem that says why."""

    status_code = 401
    title = _("Two-factor sign-in required")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plain text is returned once and never stored.

    Refused while a role of `user` requires TOTP and they have not set it up: a token must not
    be a way around the role's second factor.
    """
    if lacks_required_totp(user):
        raise ValidationError(
            _("Your role requires two-factor sign-in: set up TOTP before creating an API token.")
        )
    prefix = secrets.token_hex(4)
    plain = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=user,
        name=name[:100] or "API token",
        prefix=prefix,
        token_hash=_hash(plain),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    audit(AuditEvent.Kind.TOKEN_CREATED, actor=user, detail={"token": prefix, "name": token.name})
    return token, plain


def token_authenticate(plain: str) -> User | None:
    """The active user behind a token, or None (unknown, revoked, expired, inactive user).

    Raises `TokenRefused` for a live token of a user who lacks the TOTP a role of theirs
    requires (TOTP removed after the token was made, or the role changed to require it).

    Every API call starts here, so it is one statement: the token, its user, the user's
    permissions (filling the cache `user.has_perm` reads) and the TOTP check, with no ORM
    compilation.
    """
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    found = _token_with_user(_hash(plain))
    if found is None:
        return None
    token, user, lacks_totp = found
    if not token.is_usable or not user.is_active:
        return None
    if lacks_totp:
        raise TokenRefused(
            str(
                _(
                    "Your role requires two-factor sign-in and it is not set up: "
                    "set up TOTP, then this token works again."
                )
            )
        )
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@functools.cache
def _token_sql(vendor: str) -> str:
    """The token, its user, the user's permission list (the SQL differs per database) and
    whether the user lacks required TOTP."""
    columns = [f"t.{f.column}" for f in ApiToken._meta.concrete_fields]
    columns += [f"u.{f.column}" for f in User._meta.concrete_fields]
    return (
        f"SELECT {', '.join(columns)}, {permission_list_sql('u.id', vendor)}, "  # noqa: S608
        f"{lacks_required_totp_sql('u.id')} "
        f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"WHERE t.token_hash = %s"
    )


def _token_with_user(token_hash: str) -> tuple[ApiToken, User, bool] | None:
    row, columns = fetch_one(
        _token_sql(connection.vendor), [*lacks_required_totp_params(), token_hash]
    )
    if row is None:
        return None
    split = len(ApiToken._meta.concrete_fields)
    token = to_instances(ApiToken, columns[:split], [row[:split]])[0]
    user = to_instances(User, columns[split:-2], [row[split:-2]])[0]
    if not user.is_superuser:
        user._perm_cache = parse_permission_list(row[-2])  # type: ignore[attr-defined]  # Django's cache
    token.user = user
    return token, user, bool(row[-1])


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User | None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            AuditEvent.Kind.TOKEN_REVOKED,
            actor=actor,
            detail={"token": token.prefix, "owner": token.user.username},
        )
    return token

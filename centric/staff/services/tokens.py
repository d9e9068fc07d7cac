"""Personal API tokens: create, authenticate, revoke."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from centric.core.audit import audit
from centric.core.models import AuditEvent
from centric.core.prepared import fetch_one, to_instances
from centric.staff.models import ApiToken, User
from centric.staff.permissions import parse_permission_list, permission_list_sql

TOKEN_PREFIX = "ctk_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plain text is returned once and never stored."""
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

    Every API call starts here, so it is one statement: the token, its user and the user's
    permissions (filling the cache `user.has_perm` reads), with no ORM compilation.
    """
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    found = _token_with_user(_hash(plain))
    if found is None:
        return None
    token, user = found
    if not token.is_usable or not user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


@functools.cache
def _token_sql(vendor: str) -> str:
    """The token, its user and the user's permission list (the SQL differs per database)."""
    columns = [f"t.{f.column}" for f in ApiToken._meta.concrete_fields]
    columns += [f"u.{f.column}" for f in User._meta.concrete_fields]
    return (
        f"SELECT {', '.join(columns)}, {permission_list_sql('u.id', vendor)} "  # noqa: S608
        f"FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"WHERE t.token_hash = %s"
    )


def _token_with_user(token_hash: str) -> tuple[ApiToken, User] | None:
    row, columns = fetch_one(_token_sql(connection.vendor), [token_hash])
    if row is None:
        return None
    split = len(ApiToken._meta.concrete_fields)
    token = to_instances(ApiToken, columns[:split], [row[:split]])[0]
    user = to_instances(User, columns[split:-1], [row[split:-1]])[0]
    if not user.is_superuser:
        user._perm_cache = parse_permission_list(row[-1])  # type: ignore[attr-defined]  # Django's cache
    token.user = user
    return token, user


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            AuditEvent.Kind.TOKEN_REVOKED,
            actor=actor,
            detail={"token": token.prefix, "owner": token.user.username},
        )
    return token

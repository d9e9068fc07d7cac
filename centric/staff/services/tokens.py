"""Personal API tokens: create, authenticate, revoke."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from centric.core.audit import audit
from centric.core.models import AuditEvent
from centric.staff.models import ApiToken, User

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
    """The active user behind a token, or None (unknown, revoked, expired, inactive user)."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash(plain)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


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

"""Writing the append-only audit log."""

from __future__ import annotations

from typing import Any

from centric.core.models import AuditEvent


def client_ip(request: Any) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    kind: str,
    *,
    actor: Any = None,
    request: Any = None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        username=username or (actor.get_username() if actor is not None else ""),
        ip_address=client_ip(request),
        detail=detail or {},
    )

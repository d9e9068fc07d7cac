"""Writing the append-only audit log."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings

from centric.core.models import AuditEvent

_whole_database_flush: ContextVar[bool] = ContextVar("whole_database_flush", default=False)


@contextmanager
def whole_database_flush() -> Iterator[None]:
    """Let SQLite's flush (a DELETE per table) empty the audit log along with every other table.

    Wiping the whole database is not a change to the log (PostgreSQL's flush is a TRUNCATE, which
    the row triggers do not see either); only `manage.py flush` opens this (decision 0030).
    """
    token = _whole_database_flush.set(True)
    try:
        yield
    finally:
        _whole_database_flush.reset(token)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give each SQLite connection the function the audit log's delete trigger asks.

    A connection without it (the sqlite3 shell) fails the trigger: it stays closed.
    """
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "centric_whole_database_flush", 0, lambda: int(_whole_database_flush.get())
        )


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    """The client's address, for the audit log and the sign-in rate limits (one rule for both).

    Each of the `CENTRIC_TRUSTED_PROXIES` proxies in front of Centric appends the address it saw
    to X-Forwarded-For, so the client is the Nth entry from the right; entries further left are
    the client's own to forge. With no trusted proxy, or a header too short to have come through
    them all, the header is ignored and the connection's address is the client.
    """
    if request is None:
        return None
    hops = settings.CENTRIC_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [
            entry
            for entry in request.headers.get("x-forwarded-for", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= hops and (address := _address(forwarded[-hops])):
            return address
    return _address(request.META.get("REMOTE_ADDR") or "")


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

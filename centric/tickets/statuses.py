"""The statuses a new business starts with (it renames, adds and retires its own)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from centric.tickets.choices import StatusKind

DEFAULT_STATUSES = [
    (_("New"), StatusKind.NEW),
    (_("Open"), StatusKind.OPEN),
    (_("Pending customer"), StatusKind.PENDING_CUSTOMER),
    (_("Pending back office"), StatusKind.PENDING_BACK_OFFICE),
    (_("Solved"), StatusKind.SOLVED),
    (_("Closed"), StatusKind.CLOSED),
]


def ensure_default_statuses(**_kwargs: Any) -> None:
    """Create the default statuses when the business has none (idempotent)."""
    from centric.tickets.models import TicketStatus

    if TicketStatus.objects.exists():
        return
    TicketStatus.objects.bulk_create(
        TicketStatus(name=str(name), kind=kind, position=index)
        for index, (name, kind) in enumerate(DEFAULT_STATUSES)
    )


def first_status(kind: str = StatusKind.NEW) -> Any:
    """The business's first active status of a kind (a new ticket's)."""
    from centric.tickets.models import TicketStatus

    ensure_default_statuses()
    found = TicketStatus.objects.filter(kind=kind, is_active=True).order_by("position").first()
    return found or TicketStatus.objects.filter(is_active=True).order_by("position").first()

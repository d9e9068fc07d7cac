"""The one write path of tickets (pages, API, demo and tests call these)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    clean_custom_fields,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.tickets import sla
from centric.tickets.choices import StatusKind
from centric.tickets.models import Ticket
from centric.tickets.satisfaction import ask_when_solved
from centric.tickets.statuses import first_status

LINKS = ("deal", "quote", "order")


def _stamp(ticket: Ticket) -> None:
    """Solved and closed times follow the status; a reopened ticket drops them."""
    kind = ticket.status.kind
    now = timezone.now()
    if kind in (StatusKind.SOLVED, StatusKind.CLOSED):
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None
    ticket.closed_at = (ticket.closed_at or now) if kind == StatusKind.CLOSED else None


def _check(ticket: Ticket, actor: Any) -> None:
    if not ticket.status.is_active and ticket.status_id != getattr(ticket, "_status_read", None):
        raise ValidationError({"status": _("This status is retired; choose another.")})
    for name in LINKS:
        linked = getattr(ticket, name)
        if (
            linked is not None
            and not type(linked).objects.visible_to(actor).filter(pk=linked.pk).exists()
        ):
            raise ValidationError({name: _("Choose one you may see.")})
    if ticket.person is None and ticket.organisation is None:
        raise ValidationError(
            {"person": _("Say who the ticket is for: a person or an organisation.")}
        )


@transaction.atomic
def ticket_create(
    *,
    actor: Any,
    subject: str,
    description: str = "",
    person: Any = None,
    organisation: Any = None,
    status: Any = None,
    priority: str = "",
    category: Any = None,
    channel: str = "",
    deal: Any = None,
    quote: Any = None,
    order: Any = None,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Ticket:
    """A new ticket, in the business's first "new" status unless another is given."""
    ticket = Ticket(owner=owner, team=team)
    set_given(
        ticket,
        subject=subject,
        description=description or "",
        person=person,
        organisation=organisation,
        status=status or first_status(),
        category=category,
        deal=deal,
        quote=quote,
        order=order,
        external_id=external_id,
    )
    if priority:
        ticket.priority = priority
    if channel:
        ticket.channel = channel
    assigned = False
    if owner is None and team is None:  # nobody named: the assignment rules decide
        from centric.tickets.assignment import assign

        found_team, member, _rule = assign(ticket)
        if found_team is not None:
            ticket.team, ticket.owner, assigned = found_team, member, True
    if not assigned:
        default_ownership(ticket, actor)
    ticket.custom_fields = clean_custom_fields(ticket, custom_fields)
    _check(ticket, actor)
    _stamp(ticket)
    steps = sla.follow(ticket, was_team_id=None, was_kind=None, now=timezone.now())
    save_record(ticket, actor=actor)
    set_tags(ticket, tags)
    sla.record(steps)
    if assigned and ticket.owner_id and ticket.owner_id != getattr(actor, "pk", None):
        _tell_assignee(ticket)
    return ticket


def _tell_assignee(ticket: Ticket) -> None:
    from django.urls import reverse

    from centric.notifications.services import notify

    notify(
        user=ticket.owner,
        title=_("New ticket: %(ticket)s") % {"ticket": str(ticket)},
        body=ticket.get_priority_display(),
        url=reverse("tickets:ticket_detail", args=[ticket.pk]),
        key=f"ticket-assigned:{ticket.pk}:{ticket.owner_id}",
    )


@transaction.atomic
def ticket_update(
    ticket: Ticket,
    *,
    actor: Any,
    expected_version: int | None = None,
    subject: str = UNSET,
    description: str = UNSET,
    person: Any = UNSET,
    organisation: Any = UNSET,
    status: Any = UNSET,
    priority: str = UNSET,
    category: Any = UNSET,
    channel: str = UNSET,
    deal: Any = UNSET,
    quote: Any = UNSET,
    order: Any = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
) -> Ticket:
    ticket = lock(Ticket, ticket.pk)
    check_version(ticket, expected_version)
    ticket._status_read = ticket.status_id  # type: ignore[attr-defined]  # a retired status may stay
    was_team_id, was_kind = ticket.team_id, ticket.status.kind
    set_given(
        ticket,
        subject=subject,
        description=description if description is not None else UNSET,
        person=person,
        organisation=organisation,
        status=status if status is not None else UNSET,
        priority=priority or UNSET,
        category=category,
        channel=channel or UNSET,
        deal=deal,
        quote=quote,
        order=order,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    if is_set(custom_fields):
        ticket.custom_fields = clean_custom_fields(ticket, custom_fields, partial=True)
    _check(ticket, actor)
    _stamp(ticket)
    if was_kind in sla.STOPPED and ticket.status.kind not in sla.STOPPED:
        ticket.reopened_count += 1
    steps = sla.follow(ticket, was_team_id=was_team_id, was_kind=was_kind, now=timezone.now())
    bump_version(ticket)
    save_record(ticket, actor=actor)
    sla.record(steps)
    ask_when_solved(ticket, was_kind)
    if is_set(tags):
        set_tags(ticket, tags)
    return ticket


@transaction.atomic
def ticket_delete(ticket: Ticket, *, actor: Any = None) -> None:
    delete_record(ticket, actor=actor)

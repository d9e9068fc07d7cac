"""Merging a duplicate ticket into another, splitting a message off into its own ticket, and
linking related tickets — each in one transaction, each told on the tickets' conversations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.tickets.choices import MessageKind, StatusKind
from centric.tickets.models import Ticket, TicketMessage, TicketStatus


def _note(ticket: Ticket, actor: Any, text: str) -> None:
    TicketMessage.objects.create(ticket=ticket, kind=MessageKind.INTERNAL, body=text, author=actor)


@transaction.atomic
def ticket_merge(duplicate: Ticket, *, into: Ticket, actor: Any) -> Ticket:
    """Move the duplicate's replies and notes onto `into` and close the duplicate."""
    from centric.tickets.services import ticket_update

    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("A ticket cannot be merged into itself.")})
    first, second = sorted([duplicate.pk, into.pk])
    locked = {t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if duplicate.merged_into_id or into.merged_into_id:
        raise ValidationError({"into": _("One of these tickets was already merged.")})
    if (duplicate.person_id, duplicate.organisation_id) != (into.person_id, into.organisation_id):
        raise ValidationError({"into": _("Merge tickets of the same customer only.")})
    moved = duplicate.messages.update(ticket=into)
    _note(
        into,
        actor,
        _("%(duplicate)s merged into this ticket (%(count)s messages moved).")
        % {"duplicate": duplicate, "count": moved},
    )
    closed = TicketStatus.objects.filter(kind=StatusKind.CLOSED, is_active=True).first()
    if closed is not None:
        duplicate = ticket_update(duplicate, actor=actor, status=closed)
    Ticket.objects.filter(pk=duplicate.pk).update(merged_into=into)
    _note(duplicate, actor, _("Merged into %(ticket)s.") % {"ticket": into})
    return into


@transaction.atomic
def ticket_split(message: TicketMessage, *, actor: Any, subject: str) -> Ticket:
    """A new ticket for the same customer, starting from one message of another."""
    from centric.tickets.services import ticket_create

    source = message.ticket
    new = ticket_create(
        actor=actor,
        subject=subject or source.subject,
        description=message.body,
        person=source.person,
        organisation=source.organisation,
        priority=source.priority,
        category=source.category,
        channel=source.channel,
        owner=source.owner,
        team=source.team,
    )
    new.related.add(source)
    _note(source, actor, _("Split off into %(ticket)s.") % {"ticket": new})
    return new


@transaction.atomic
def ticket_link(ticket: Ticket, *, other: Ticket, actor: Any) -> None:
    if ticket.pk == other.pk:
        raise ValidationError({"other": _("A ticket is not related to itself.")})
    ticket.related.add(other)

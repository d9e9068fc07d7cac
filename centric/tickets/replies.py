"""Public replies and internal notes on a ticket.

A public reply goes to the customer by email through Django's email backend, after the reply is
saved (the worker's task; a mail server that is down leaves the reply saved with its error, and
the task is retried by whoever re-sends it). It carries a Message-ID, In-Reply-To/References to
the ticket's earlier replies and the ticket's number in the subject ("[T-00042]"), so the
customer's answer can be threaded back to the ticket (the inbound side comes with the channels
issue). An internal note is never sent.

Two agents answering one ticket: a reply names the last message its writer saw; when another
agent's message came after it, the reply is refused (`ReplyCollision`, 409) until the writer has
read it and sends again (or sends anyway).
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from centric.core.errors import ApplicationError
from centric.tickets.choices import MessageKind
from centric.tickets.models import Ticket, TicketMessage

logger = logging.getLogger(__name__)
MAX_BODY = 20_000


class ReplyCollision(ApplicationError):
    status_code = 409
    title = "Someone else answered first"


def _domain() -> str:
    base = str(getattr(settings, "CENTRIC_BASE_URL", "") or "")
    host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "centric.localhost"


def reply_subject(ticket: Ticket) -> str:
    return f"[{ticket.number}] {ticket.subject}"


@transaction.atomic
def ticket_message_add(
    ticket: Ticket,
    *,
    actor: Any,
    kind: str,
    body: str,
    seen_message_id: int | None = None,
    send_anyway: bool = False,
) -> TicketMessage:
    """Add a reply or a note (the actor may change the ticket: the caller checked it)."""
    body = (body or "").strip()
    if kind not in MessageKind.values:
        raise ValidationError({"kind": _("Choose a reply to the customer or an internal note.")})
    if not body:
        raise ValidationError({"body": _("Write the reply first.")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("A reply is at most 20,000 characters.")})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    newer = locked.messages.exclude(author=actor)
    if seen_message_id is not None:
        newer = newer.filter(pk__gt=seen_message_id)
    latest = newer.select_related("author").order_by("-id").first()
    if latest is not None and seen_message_id is not None and not send_anyway:
        raise ReplyCollision(
            _("%(name)s wrote on this ticket while you were writing; read it, then send again.")
            % {"name": latest.author or _("Someone")},
            extra={"message_id": latest.pk},
        )
    message = TicketMessage(ticket=locked, kind=kind, body=body, author=actor)
    if kind == MessageKind.PUBLIC:
        person = locked.person
        email = getattr(person, "primary_email", "") if person else ""
        if not email:
            raise ValidationError(
                {"kind": _("The customer has no email to send to; add one, or write a note.")}
            )
        message.to_email = email
        message.message_id = make_msgid(idstring=f"ticket{locked.pk}", domain=_domain())
        if locked.first_response_at is None:
            from centric.tickets import sla

            locked.first_response_at = timezone.now()
            steps = sla.first_answered(locked, locked.first_response_at)
            locked.save(update_fields=["first_response_at", "updated_at", *sla.ANSWER_FIELDS])
            sla.record(steps)
    message.save()
    if kind == MessageKind.PUBLIC:
        pk = message.pk
        transaction.on_commit(lambda: send_reply.enqueue(pk))
    return message


@task()
def send_reply(message_id: int) -> str:
    return reply_send(message_id)


def reply_send(message_id: int) -> str:
    """Send one public reply by email, once (a retried task finds it sent)."""
    message = TicketMessage.objects.select_related("ticket", "author").filter(pk=message_id).first()
    if message is None or message.kind != MessageKind.PUBLIC:
        return "nothing"
    if message.sent_at is not None:
        return "already sent"
    ticket = message.ticket
    earlier = list(
        ticket.messages.filter(kind=MessageKind.PUBLIC, pk__lt=message.pk)
        .exclude(message_id="")
        .values_list("message_id", flat=True)
    )
    headers = {"Message-ID": message.message_id, "X-Centric-Ticket": ticket.number}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    email = EmailMessage(
        subject=reply_subject(ticket), body=message.body, to=[message.to_email], headers=headers
    )
    try:
        email.send()
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("Reply %s to %s failed: %s", message.pk, message.to_email, error)
        TicketMessage.objects.filter(pk=message.pk).update(send_error=str(error)[:500])
        return "failed"
    TicketMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), send_error="")
    return "sent"

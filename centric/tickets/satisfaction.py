"""Customer satisfaction: when a ticket is solved its customer is emailed a signed link per
score (1–5); the link opens a small page with that score chosen, where one click sends it (with
an optional comment). Mail security scanners open every link of a message, so a link that
recorded the score by itself would record the scanner's visits: the click on the page is the
customer's.

The link carries the ticket's id signed with the secret key (`django.core.signing`, its own
salt) and is good for 60 days; nothing else identifies the customer, and it shows nothing but
the ticket's number and subject."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from centric.tickets.models import SatisfactionRating, Ticket

logger = logging.getLogger(__name__)
SALT = "centric.tickets.satisfaction"
VALID_DAYS = 60
SCORES = (1, 2, 3, 4, 5)


class BadLink(ValueError):
    """The link is not one of ours, or too old."""


def rating_token(ticket: Ticket) -> str:
    return signing.dumps({"t": ticket.pk}, salt=SALT, compress=True)


def rating_url(ticket: Ticket, score: int | None = None) -> str:
    path = reverse("rating:rate", args=[rating_token(ticket)])
    return f"{settings.CENTRIC_BASE_URL}{path}" + (f"?score={score}" if score else "")


def ticket_of(token: str) -> Ticket:
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_DAYS * 86400)
    except signing.BadSignature:
        raise BadLink(_("This link is not valid or has expired.")) from None
    ticket = Ticket.objects.filter(pk=data.get("t")).select_related("owner", "team").first()
    if ticket is None:
        raise BadLink(_("This link is not valid or has expired."))
    return ticket


@transaction.atomic
def rating_save(ticket: Ticket, *, score: Any, comment: str = "") -> SatisfactionRating:
    """The customer's rating (again: it replaces the first)."""
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in SCORES:
        raise ValidationError({"score": _("Choose from 1 to 5.")})
    rating, _created = SatisfactionRating.objects.update_or_create(
        ticket=ticket,
        defaults={
            "score": value,
            "comment": (comment or "").strip()[:2000],
            "agent_id": ticket.owner_id,
            "team_id": ticket.team_id,
            "category_id": ticket.category_id,
            "channel": ticket.channel,
            "rated_at": timezone.now(),
        },
    )
    return rating


def ask_when_solved(ticket: Ticket, was_kind: str | None) -> None:
    """Called by the ticket services: a ticket just solved sends its survey after commit."""
    from centric.tickets.choices import StatusKind

    if ticket.status.kind != StatusKind.SOLVED or was_kind == StatusKind.SOLVED:
        return
    if not (ticket.person and ticket.person.primary_email):
        return
    pk = ticket.pk
    transaction.on_commit(lambda: send_survey.enqueue(pk))


@task()
def send_survey(ticket_id: int) -> str:
    return survey_send(ticket_id)


def survey_send(ticket_id: int) -> str:
    """Email the survey once per solving (a retried task finds it asked)."""
    ticket = Ticket.objects.select_related("person", "status").filter(pk=ticket_id).first()
    if ticket is None or ticket.person is None or not ticket.person.primary_email:
        return "nothing"
    asked, solved = ticket.rating_asked_at, ticket.solved_at
    if asked is not None and solved is not None and asked >= solved:
        return "already asked"
    context = {
        "ticket": ticket,
        "first_name": ticket.person.first_name,
        "business": settings.CENTRIC_BUSINESS_NAME,
        "links": [(score, rating_url(ticket, score)) for score in SCORES],
    }
    email = EmailMultiAlternatives(
        subject=_("How did we do? [%(number)s]") % {"number": ticket.number},
        body=render_to_string("tickets/email/survey.txt", context),
        to=[ticket.person.primary_email],
        headers={"X-Centric-Ticket": ticket.number, "Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string("tickets/email/survey.html", context), "text/html")
    try:
        email.send()
    except OSError as error:
        logger.warning("Survey for %s failed: %s", ticket.number, error)
        return "failed"
    Ticket.objects.filter(pk=ticket.pk).update(rating_asked_at=timezone.now())
    return "sent"

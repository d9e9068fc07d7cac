"""Writing to the timeline. Every channel calls `interaction_create`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.errors import DuplicateError
from centric.core.html import sanitise_html
from centric.interactions.models import Interaction

INTERACTION_FIELDS = {
    "channel",
    "direction",
    "kind",
    "occurred_at",
    "person",
    "person_id",
    "organisation",
    "organisation_id",
    "actor_user",
    "actor_user_id",
    "actor_is_customer",
    "subject",
    "summary",
    "body",
    "duration_seconds",
    "external_id",
    "metadata",
}


DUPLICATE_MESSAGE = gettext_lazy("A message with this channel id was already recorded.")


def interaction_create(*, actor: Any = None, **fields: Any) -> Interaction:
    """Record a touchpoint. A repeated (channel, external_id) returns the first row: retries are
    safe (see `interaction_record`)."""
    return interaction_record(actor=actor, **fields)[0]


@transaction.atomic
def interaction_record(*, actor: Any = None, **fields: Any) -> tuple[Interaction, bool]:
    """Record a touchpoint; returns it and whether it is new.

    A repeated (channel, external_id) is the same delivery again: it returns the first row to an
    actor who may see that row, and refuses anyone else with a `DuplicateError` that names
    nothing of it (decision 0036). Without an actor (a channel's own worker) the first row is
    returned.
    """
    unknown = set(fields) - INTERACTION_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    channel, external_id = fields.get("channel"), fields.get("external_id") or None
    if external_id:
        existing = _delivered(actor, channel, external_id)
        if existing is not None:
            return existing, False
    interaction = Interaction(**fields)
    interaction.external_id = external_id
    interaction.body = sanitise_html(interaction.body)
    interaction.subject = (interaction.subject or "").strip()
    interaction.summary = (interaction.summary or "").strip()
    if (
        interaction.actor_user_id is None
        and actor is not None
        and getattr(actor, "is_authenticated", False)
    ):
        interaction.actor_user = actor
    if interaction.person_id is None and interaction.organisation_id is None:
        raise ValidationError({"person": _("Say who this interaction was with.")})
    if not (interaction.subject or interaction.summary or interaction.body):
        raise ValidationError({"body": _("Write what happened.")})
    interaction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            interaction.save()
    except IntegrityError:
        # Another delivery of the same message won the race.
        existing = _delivered(actor, channel, external_id) if external_id else None
        if existing is None:
            raise
        return existing, False
    return interaction, True


def _delivered(actor: Any, channel: str | None, external_id: str) -> Interaction | None:
    """The interaction already recorded for this channel message, if `actor` may see it.

    The lookup ignores visibility (the message id is unique per channel, whoever recorded it);
    only the answer passes the rule, so a hidden row is a refusal, never a reply.
    """
    existing = Interaction.objects.filter(channel=channel, external_id=external_id).first()
    if existing is None or actor is None:
        return existing
    if not Interaction.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise DuplicateError(str(DUPLICATE_MESSAGE))
    return existing

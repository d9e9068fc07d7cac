"""Writing to the timeline. Every channel calls `interaction_create`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

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


@transaction.atomic
def interaction_create(*, actor: Any = None, **fields: Any) -> Interaction:
    """Record a touchpoint. A repeated (channel, external_id) returns the first row: retries are safe."""
    unknown = set(fields) - INTERACTION_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    channel, external_id = fields.get("channel"), fields.get("external_id") or None
    if external_id:
        existing: Interaction | None = Interaction.objects.filter(
            channel=channel, external_id=external_id
        ).first()
        if existing is not None:
            return existing
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
        existing = Interaction.objects.filter(channel=channel, external_id=external_id).first()
        if existing is None:
            raise
        return existing
    return interaction

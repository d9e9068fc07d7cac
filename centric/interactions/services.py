"""Writing to the timeline. Every channel calls `interaction_create`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.errors import DuplicateError
from centric.core.html import sanitise_html
from centric.core.records import registry
from centric.core.visibility import has_model_permission
from centric.interactions.models import Interaction, InteractionLink

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


def interaction_create(
    *, actor: Any = None, links: Sequence[models.Model] = (), **fields: Any
) -> Interaction:
    """Record a touchpoint. A repeated (channel, external_id) returns the first row: retries are
    safe (see `interaction_record`)."""
    return interaction_record(actor=actor, links=links, **fields)[0]


@transaction.atomic
def interaction_record(
    *, actor: Any = None, links: Sequence[models.Model] = (), **fields: Any
) -> tuple[Interaction, bool]:
    """Record a touchpoint, linked to `links` (records of types registered with a timeline);
    returns it and whether it is new.

    A repeated (channel, external_id) is the same delivery again: it returns the first row to an
    actor who may see that row, and refuses anyone else with a `DuplicateError` that names
    nothing of it (decision 0036). Without an actor (a channel's own worker) the first row is
    returned. A repeat keeps the first delivery's links.
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
    targets = {_link_key(actor, target, field="links"): target for target in links}
    try:
        with transaction.atomic():
            interaction.save()
    except IntegrityError:
        # Another delivery of the same message won the race.
        existing = _delivered(actor, channel, external_id) if external_id else None
        if existing is None:
            raise
        return existing, False
    InteractionLink.objects.bulk_create(
        InteractionLink(interaction=interaction, content_type=content_type, object_id=object_id)
        for content_type, object_id in targets
    )
    return interaction, True


def _delivered(actor: Any, channel: str | None, external_id: str) -> Interaction | None:
    """The interaction already recorded for this channel message, if `actor` may see it.

    The lookup ignores visibility (the message id is unique per channel, whoever recorded it);
    only the answer passes the rule, so a hidden row is a refusal, never a reply.
    """
    existing: Interaction | None = Interaction.objects.filter(
        channel=channel, external_id=external_id
    ).first()
    if existing is None or actor is None:
        return existing
    if not Interaction.objects.visible_to(actor).filter(pk=existing.pk).exists():
        raise DuplicateError(str(DUPLICATE_MESSAGE))
    return existing


# --- links to other records (decision 0038) ------------------------------------------------

NO_SUCH_RECORD = gettext_lazy("There is no such record to link.")


def _link_key(actor: Any, target: models.Model, *, field: str) -> tuple[ContentType, int]:
    """Where a link to `target` points, once it is known `target` may be linked by `actor`.

    Only saved records of a type registered with `timeline=True` may be targets, and `actor`
    (None: the system) must see them through their own visibility rule. Every refusal says the
    same thing, so it cannot tell a hidden record from a missing one.
    """
    refused = ValidationError({field: str(NO_SUCH_RECORD)})
    if not isinstance(target, models.Model) or target.pk is None:
        raise refused
    try:
        record_type = registry.get(target)
    except LookupError:
        raise refused from None
    if not record_type.timeline or not _target_visible(actor, target):
        raise refused
    return ContentType.objects.get_for_model(target, for_concrete_model=False), target.pk


def _target_visible(actor: Any, target: models.Model) -> bool:
    if actor is None:
        return True
    model = type(target)
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        visible: bool = manager.visible_to(actor).filter(pk=target.pk).exists()
        return visible
    return has_model_permission(actor, model, "view")


def _changeable(actor: Any, interaction: Interaction) -> None:
    """404 for an interaction `actor` may not see, 403 for one they may see but not change."""
    if actor is None:
        return
    if not Interaction.objects.visible_to(actor).filter(pk=interaction.pk).exists():
        raise Interaction.DoesNotExist
    if not Interaction.objects.visible_to(actor, "change").filter(pk=interaction.pk).exists():
        raise PermissionDenied


@transaction.atomic
def interaction_link_add(
    *, interaction: Interaction, target: models.Model, actor: Any
) -> InteractionLink:
    """Link `interaction` to `target` (a deal, a ticket…); linking twice is one link."""
    _changeable(actor, interaction)
    content_type, object_id = _link_key(actor, target, field="target")
    link, _created = InteractionLink.objects.get_or_create(
        interaction=interaction, content_type=content_type, object_id=object_id
    )
    return link


@transaction.atomic
def interaction_link_remove(*, interaction: Interaction, target: models.Model, actor: Any) -> bool:
    """Remove the link from `interaction` to `target`; False when there was none."""
    _changeable(actor, interaction)
    content_type, object_id = _link_key(actor, target, field="target")
    deleted, _by_model = InteractionLink.objects.filter(
        interaction=interaction, content_type=content_type, object_id=object_id
    ).delete()
    return bool(deleted)


@transaction.atomic
def interaction_links_forget(*, record: models.Model) -> int:
    """Drop every link to `record`: its delete service calls this (the link has no foreign key
    to cascade from). Returns how many went."""
    content_type = ContentType.objects.get_for_model(record, for_concrete_model=False)
    deleted, _by_model = InteractionLink.objects.filter(
        content_type=content_type, object_id=record.pk
    ).delete()
    return deleted


@transaction.atomic
def interaction_links_repoint(
    *, model: type[models.Model], from_ids: Sequence[int], to_id: int
) -> dict[str, list[list[Any]]]:
    """Point every link to a `model` record in `from_ids` at record `to_id` instead: the merge
    of records calls this (the link has no foreign key for the merge to find).

    An interaction already linked to `to_id` keeps its one link and the others are dropped
    (a link is unique per interaction and record). Returns what changed, JSON-ready, for the
    merge's snapshot and `interaction_links_restore`: `moved` as [link id, original record id],
    `dropped` as [link id, interaction id, original record id, created at].
    """
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    sources = set(from_ids) - {to_id}
    rows = list(
        InteractionLink.objects.select_for_update()
        .filter(content_type=content_type, object_id__in=[*sorted(sources), to_id])
        .order_by("pk")
        .values_list("pk", "interaction_id", "object_id", "created_at")
    )
    linked = {interaction_id for _pk, interaction_id, object_id, _at in rows if object_id == to_id}
    moved: list[list[Any]] = []
    dropped: list[list[Any]] = []
    for pk, interaction_id, object_id, created_at in rows:
        if object_id == to_id:
            continue
        if interaction_id in linked:
            dropped.append([pk, interaction_id, object_id, created_at.isoformat()])
        else:
            linked.add(interaction_id)
            moved.append([pk, object_id])
    if dropped:
        InteractionLink.objects.filter(pk__in=[row[0] for row in dropped]).delete()
    if moved:
        InteractionLink.objects.filter(pk__in=[pk for pk, _original in moved]).update(
            object_id=to_id
        )
    return {"moved": moved, "dropped": dropped}


@transaction.atomic
def interaction_links_restore(
    *, model: type[models.Model], to_id: int, changes: dict[str, list[list[Any]]]
) -> None:
    """Undo `interaction_links_repoint` exactly: moved links point back at their original
    record, dropped ones come back with their ids and times. A moved link removed since stays
    removed; a dropped one whose interaction was deleted since is not brought back."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    by_original: dict[int, list[int]] = {}
    for pk, original in changes.get("moved", []):
        by_original.setdefault(original, []).append(pk)
    for original, pks in by_original.items():
        InteractionLink.objects.filter(
            pk__in=pks, content_type=content_type, object_id=to_id
        ).update(object_id=original)
    dropped = changes.get("dropped", [])
    existing = set(
        Interaction.objects.filter(pk__in={row[1] for row in dropped}).values_list("pk", flat=True)
    )
    InteractionLink.objects.bulk_create(
        [
            InteractionLink(
                pk=pk,
                interaction_id=interaction_id,
                content_type=content_type,
                object_id=original,
                created_at=dt.datetime.fromisoformat(created_at),
            )
            for pk, interaction_id, original, created_at in dropped
            if interaction_id in existing
        ],
        # A link made again meanwhile is the same link.
        ignore_conflicts=True,
    )

"""The business's ticket statuses and categories: added, renamed, re-ordered and retired, never
deleted once used (tickets and reports keep naming them)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.tickets.choices import StatusKind
from centric.tickets.models import TicketCategory, TicketStatus


def _name(name: str, model: Any, instance: Any = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give it a name.")})
    if len(name) > model._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The name is too long.")})
    clash = model.objects.filter(name__iexact=name)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"name": _("“%(name)s” is taken.") % {"name": name}})
    return name


@transaction.atomic
def status_save(
    *,
    status: TicketStatus | None = None,
    name: str,
    kind: str,
    position: int | None = None,
    is_active: bool = True,
) -> TicketStatus:
    if kind not in StatusKind.values:
        raise ValidationError({"kind": _("Choose what the status means.")})
    status = status or TicketStatus()
    status.name = _name(name, TicketStatus, status if status.pk else None)
    if status.pk and not is_active:
        others = TicketStatus.objects.filter(kind=StatusKind.NEW, is_active=True).exclude(
            pk=status.pk
        )
        if status.kind == StatusKind.NEW and not others.exists():
            raise ValidationError({"is_active": _("New tickets need one “new” status in use.")})
    status.kind = kind
    status.is_active = is_active
    if position is not None:
        status.position = position
    elif not status.pk:
        status.position = TicketStatus.objects.count()
    status.save()
    return status


@transaction.atomic
def category_save(
    *, category: TicketCategory | None = None, name: str, is_active: bool = True
) -> TicketCategory:
    category = category or TicketCategory(position=TicketCategory.objects.count())
    category.name = _name(name, TicketCategory, category if category.pk else None)
    category.is_active = is_active
    category.save()
    return category


@transaction.atomic
def assignment_rule_save(
    *,
    name: str,
    team_id: int,
    method: str = "round_robin",
    category_id: int | None = None,
    channel: str = "",
    keyword: str = "",
    customer_tag: str = "",
    position: int = 0,
) -> Any:
    from django.apps import apps
    from django.conf import settings

    from centric.tickets.choices import Channel
    from centric.tickets.models import AssignmentRule

    team_model: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    errors: dict[str, str] = {}
    if not team_model.objects.filter(pk=team_id).exists():
        errors["team_id"] = _("Choose a team.")
    if category_id and not TicketCategory.objects.filter(pk=category_id).exists():
        errors["category_id"] = _("Choose a category.")
    if channel and channel not in Channel.values:
        errors["channel"] = _("Choose a channel.")
    if method not in AssignmentRule.Method.values:
        errors["method"] = _("Choose how the team shares the tickets.")
    if not " ".join((name or "").split()):
        errors["name"] = _("Give it a name.")
    if errors:
        raise ValidationError(errors)
    return AssignmentRule.objects.create(
        name=" ".join(name.split()),
        team_id=team_id,
        method=method,
        category_id=category_id,
        channel=channel,
        keyword=keyword.strip(),
        customer_tag=customer_tag.strip(),
        position=position,
    )

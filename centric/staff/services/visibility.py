"""The business's record-visibility choice, per record type (read by core.visibility)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from centric.core.audit import audit
from centric.core.models import AuditEvent, VisibilityPolicy
from centric.core.records import registry
from centric.core.visibility import VisibilityLevel, default_level
from centric.staff.models import User


def configurable_record_types() -> dict[str, str]:
    """The record types whose visibility the business chooses (owned records registered with
    the kit), with their labels."""
    return {
        rt.label: capfirst(rt.verbose_name_plural) for rt in registry.with_configurable_visibility()
    }


def visibility_levels() -> dict[str, str]:
    """The current level of every configurable record type (the default where none is stored)."""
    record_types = configurable_record_types()
    stored = dict(
        VisibilityPolicy.objects.filter(record_type__in=record_types).values_list(
            "record_type", "level"
        )
    )
    return {rt: stored.get(rt, default_level(rt)) for rt in record_types}


@transaction.atomic
def visibility_policy_set(*, record_type: str, level: str, actor: User | None) -> VisibilityPolicy:
    if record_type not in configurable_record_types():
        raise ValidationError({"record_type": _("This record type has no visibility setting.")})
    if level not in VisibilityLevel.values:
        raise ValidationError({"level": _("Choose one of the visibility levels.")})
    policy = VisibilityPolicy.objects.select_for_update().filter(record_type=record_type).first()
    before = policy.level if policy else default_level(record_type)
    if policy is None:
        policy = VisibilityPolicy(record_type=record_type, level=level)
    policy.level = level
    policy.full_clean()
    policy.save()
    if before != level:
        audit(
            AuditEvent.Kind.PERMISSION_CHANGE,
            actor=actor,
            detail={"visibility": record_type, "before": before, "after": level},
        )
    return policy

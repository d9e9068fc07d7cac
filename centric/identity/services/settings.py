"""Changing the business's identity-resolution and customer-count settings, validated."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from centric.core.audit import audit
from centric.core.models import AuditEvent
from centric.identity.models import IdentitySettings
from centric.identity.services.merge import GOLDEN_FIELDS

MAX_SOURCES = 50
AUDITED_FIELDS = (
    "review_threshold",
    "merge_threshold",
    "auto_merge",
    "default_survivorship",
    "field_survivorship",
    "trusted_sources",
    "active_days",
    "at_risk_days",
    "lapsed_days",
)


def _clean_sources(sources: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for source in sources:
        source = (source or "").strip()
        if source and source.lower() not in seen:
            seen[source.lower()] = source[:100]
    return list(seen.values())


@transaction.atomic
def identity_settings_update(
    *,
    actor: Any,
    review_threshold: float,
    merge_threshold: float,
    auto_merge: bool,
    default_survivorship: str,
    field_survivorship: dict[str, str],
    trusted_sources: list[str],
    active_days: int,
    at_risk_days: int,
    lapsed_days: int,
) -> IdentitySettings:
    """Save the settings; every rule is checked and all errors are reported at once."""
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for name, value in (
        ("review_threshold", review_threshold),
        ("merge_threshold", merge_threshold),
    ):
        if value is None or not 0 <= value <= 1:
            fail(name, _("Give a probability between 0 and 1."))
    if not errors and review_threshold >= merge_threshold:
        fail(
            "merge_threshold",
            _("The merge threshold must be higher than the review threshold."),
        )
    rules = set(IdentitySettings.Survivorship.values)
    if default_survivorship not in rules:
        fail("default_survivorship", _("Choose one of the survivorship rules."))
    cleaned_fields: dict[str, str] = {}
    for field, rule in (field_survivorship or {}).items():
        if not rule:
            continue
        if field not in GOLDEN_FIELDS:
            fail("field_survivorship", _("Unknown field: %(field)s.") % {"field": field})
        elif rule not in rules:
            fail("field_survivorship", _("Unknown rule for %(field)s.") % {"field": field})
        elif rule != default_survivorship:
            cleaned_fields[field] = rule
    sources = _clean_sources(trusted_sources or [])
    if len(sources) > MAX_SOURCES:
        fail("trusted_sources", _("List at most %(n)d sources.") % {"n": MAX_SOURCES})
    if (
        IdentitySettings.Survivorship.TRUSTED_SOURCE
        in {default_survivorship, *cleaned_fields.values()}
        and not sources
    ):
        fail(
            "trusted_sources",
            _("List the trusted sources, most trusted first, to use the trusted-source rule."),
        )
    days = {"active_days": active_days, "at_risk_days": at_risk_days, "lapsed_days": lapsed_days}
    for name, value in days.items():
        if value is None or not 1 <= value <= 36_500:
            fail(name, _("Give a number of days between 1 and 36500."))
    if not any(name in errors for name in days):
        if at_risk_days <= active_days:
            fail("at_risk_days", _("At risk must be more days than active."))
        if lapsed_days <= at_risk_days:
            fail("lapsed_days", _("Lapsed must be more days than at risk."))
    if errors:
        raise ValidationError(errors)

    settings = IdentitySettings.current()
    settings = IdentitySettings.objects.select_for_update().get(pk=settings.pk)
    before = {name: getattr(settings, name) for name in AUDITED_FIELDS}
    settings.review_threshold = float(review_threshold)
    settings.merge_threshold = float(merge_threshold)
    settings.auto_merge = bool(auto_merge)
    settings.default_survivorship = default_survivorship
    settings.field_survivorship = cleaned_fields
    settings.trusted_sources = sources
    settings.active_days = int(active_days)
    settings.at_risk_days = int(at_risk_days)
    settings.lapsed_days = int(lapsed_days)
    settings.save()
    after = {name: getattr(settings, name) for name in AUDITED_FIELDS}
    changed = {
        name: {"from": before[name], "to": after[name]}
        for name in AUDITED_FIELDS
        if before[name] != after[name]
    }
    if changed:
        audit(
            AuditEvent.Kind.SETTINGS_CHANGE,
            actor=actor,
            detail={"settings": "identity", "changed": changed},
        )
    return settings

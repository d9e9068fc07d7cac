"""The one write path of leads (pages, API, imports, demo and tests call these).

A lead is scored whenever it or its events change (and daily, as behaviour points decay), and
a new lead without an owner is handed out by the business's assignment rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
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
from centric.core.normalise import normalise_phone
from centric.leads.choices import LeadSource, LeadStatus
from centric.leads.models import AssignmentRule, Lead, LeadEvent, ScoringRule
from centric.leads.scoring import score_lines, total
from centric.notifications.services import notify

LEAD_FIELDS = (
    "first_name",
    "last_name",
    "organisation_name",
    "job_title",
    "email",
    "phone",
    "source",
    "status",
    "territory",
    "budget",
    "currency",
    "need",
    "decision_maker",
    "timeframe",
    "notes",
    "disqualified_reason",
)


def _clean(lead: Lead) -> None:
    lead.email = (lead.email or "").strip().lower()
    lead.currency = (lead.currency or "NGN").upper()
    lead.phone_normalized = ""
    if lead.phone:
        try:
            lead.phone_normalized = normalise_phone(lead.phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    if not (lead.first_name or lead.last_name or lead.organisation_name):
        raise ValidationError({"last_name": _("Give the lead's name or their organisation's.")})
    if not (lead.email or lead.phone):
        raise ValidationError({"phone": _("Give a phone number or an email, to reach the lead.")})
    if lead.status == LeadStatus.CONVERTED and lead.converted_at is None:
        raise ValidationError(
            {"status": _("A lead is converted with “Convert”, not by its status.")}
        )


def rescore(
    lead: Lead, *, now: dt.datetime | None = None, rules: list[ScoringRule] | None = None
) -> Lead:
    """Work the score out again from the rules and the lead's events; saved without history
    (the score is derived, not an edit)."""
    rules = rules if rules is not None else list(ScoringRule.objects.filter(is_active=True))
    lines = score_lines(lead, rules, lead.events.all() if lead.pk else [], now=now)
    lead.score = total(lines)
    lead.score_details = [line.as_dict() for line in lines]
    lead.scored_at = now or timezone.now()
    if lead.pk:
        Lead.objects.filter(pk=lead.pk).update(
            score=lead.score, score_details=lead.score_details, scored_at=lead.scored_at
        )
    return lead


def _assign(lead: Lead) -> Any:
    """The owner the first matching assignment rule gives a new lead (round-robin within the
    rule's team), or None."""
    from centric.staff.assignment import next_in_turn

    for rule in AssignmentRule.objects.filter(is_active=True):
        if rule.source and rule.source != lead.source:
            continue
        if rule.territory and rule.territory.strip().lower() != lead.territory.strip().lower():
            continue
        rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
        chosen = next_in_turn(rule.team_id, rule.last_assignee_id)  # away members passed over
        if chosen is None:
            continue
        rule.last_assignee = chosen
        rule.save(update_fields=["last_assignee"])
        return chosen
    return None


def _tell_assignee(lead: Lead) -> None:
    if lead.owner_id is None:
        return
    path = reverse("leads:lead_detail", args=[lead.pk])
    notify(
        user=lead.owner,
        title=_("New lead: %(name)s") % {"name": str(lead)},
        body=", ".join(
            part for part in (lead.get_source_display(), lead.territory, lead.need) if part
        ),
        url=path,
        key=f"lead-assigned:{lead.pk}:{lead.owner_id}",
    )


@transaction.atomic
def lead_create(
    *,
    actor: Any,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
    **values: Any,
) -> Lead:
    """A new lead: given to the owner named, else by the assignment rules, else its creator;
    scored at once."""
    unknown = set(values) - set(LEAD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    lead = Lead(owner=owner, team=team)
    set_given(lead, external_id=external_id, **values)
    if not lead.source:
        lead.source = LeadSource.OTHER
    _clean(lead)
    assigned = False
    if lead.owner_id is None:
        chosen = _assign(lead)
        if chosen is not None:
            lead.owner = chosen
            lead.team_id = chosen.team_id
            assigned = True
    default_ownership(lead, actor)
    lead.assigned_at = timezone.now() if lead.owner_id else None
    lead.custom_fields = clean_custom_fields(lead, custom_fields)
    rescore(lead)
    save_record(lead, actor=actor)
    set_tags(lead, tags)
    if assigned or (lead.owner_id and getattr(actor, "pk", None) != lead.owner_id):
        _tell_assignee(lead)
    return lead


@transaction.atomic
def lead_update(
    lead: Lead,
    *,
    actor: Any,
    expected_version: int | None = None,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
    **values: Any,
) -> Lead:
    unknown = set(values) - set(LEAD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    lead = lock(Lead, lead.pk)
    check_version(lead, expected_version)
    if lead.converted_at is not None:
        raise ValidationError(
            _("This lead is converted: change the customer and the deal instead.")
        )
    previous_owner = lead.owner_id
    set_given(lead, owner=owner, team=team, external_id=external_id, **values)
    _clean(lead)
    if lead.owner_id != previous_owner:
        lead.assigned_at = timezone.now() if lead.owner_id else None
    if is_set(custom_fields):
        lead.custom_fields = clean_custom_fields(lead, custom_fields, partial=True)
    rescore(lead)
    bump_version(lead)
    save_record(lead, actor=actor)
    if is_set(tags):
        set_tags(lead, tags)
    if lead.owner_id != previous_owner and getattr(actor, "pk", None) != lead.owner_id:
        _tell_assignee(lead)
    return lead


@transaction.atomic
def lead_delete(lead: Lead, *, actor: Any) -> None:
    delete_record(lead, actor=actor)


@transaction.atomic
def lead_event_record(
    *,
    lead: Lead,
    key: str,
    occurred_at: dt.datetime | None = None,
    detail: str = "",
    external_id: str | None = None,
) -> tuple[LeadEvent, bool]:
    """Record what a lead did and score it again; the same `external_id` twice is one event."""
    if external_id:
        existing = LeadEvent.objects.filter(lead=lead, external_id=external_id).first()
        if existing is not None:
            return existing, False
    event = LeadEvent(
        lead=lead,
        key=key.strip().lower(),
        occurred_at=occurred_at or timezone.now(),
        detail=(detail or "").strip()[:200],
        external_id=external_id or None,
    )
    event.full_clean(validate_constraints=False)
    if event.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("An event cannot have happened in the future.")})
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return LeadEvent.objects.get(lead=lead, external_id=external_id), False
    rescore(lead)
    _book_daily_rescoring()
    return event, True


def _book_daily_rescoring() -> None:
    """Behaviour points decay: once a lead has events, the worker rescores every day."""
    from centric.core.schedule import ensure_scheduled
    from centric.leads.tasks import rescore_leads_daily

    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    at_night = tomorrow.replace(hour=2, minute=0, second=0, microsecond=0)
    transaction.on_commit(lambda: ensure_scheduled(rescore_leads_daily, at_night))


def rescore_all(*, batch: int = 2_000) -> int:
    """Score every open lead again (behaviour points decay): run daily by the worker."""
    rules = list(ScoringRule.objects.filter(is_active=True))
    done, last = 0, 0
    now = timezone.now()
    while True:
        leads = list(
            Lead.objects.filter(pk__gt=last, converted_at__isnull=True)
            .prefetch_related("events")
            .order_by("pk")[:batch]
        )
        if not leads:
            return done
        for lead in leads:
            lines = score_lines(lead, rules, lead.events.all(), now=now)
            lead.score = total(lines)
            lead.score_details = [line.as_dict() for line in lines]
            lead.scored_at = now
        Lead.objects.bulk_update(leads, ["score", "score_details", "scored_at"])
        done += len(leads)
        last = leads[-1].pk


def scoring_rule_save(rule: ScoringRule) -> ScoringRule:
    """Validate and save a scoring rule; the leads are scored again by the worker."""
    from centric.leads.choices import SCORABLE_ATTRIBUTES, RuleKind
    from centric.leads.tasks import rescore_leads

    if rule.kind == RuleKind.ATTRIBUTE:
        if rule.attribute not in SCORABLE_ATTRIBUTES:
            raise ValidationError({"attribute": _("Choose what about the lead the rule looks at.")})
        if rule.attribute == "budget_at_least":
            try:
                Decimal(rule.value)
            except ArithmeticError:
                raise ValidationError({"value": _("Give the budget as a number.")}) from None
        rule.behaviour = ""
    else:
        if not rule.behaviour:
            raise ValidationError({"behaviour": _("Say which behaviour the rule scores.")})
        rule.attribute = rule.value = ""
    rule.full_clean()
    rule.save()
    transaction.on_commit(lambda: rescore_leads.enqueue())
    if rule.half_life_days:
        _book_daily_rescoring()
    return rule

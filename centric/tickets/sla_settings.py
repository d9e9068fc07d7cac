"""Business calendars and SLA policies, judged before they are saved (pages and API share these).

Saving either re-plans the clocks of the open tickets it touches, so a new target or new
opening hours apply to the tickets already running, counted from what has run so far.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.tickets.business_hours import Hours, NoBusinessHours, parse_week
from centric.tickets.choices import Priority
from centric.tickets.models import BusinessCalendar, SlaPolicy, Ticket

MAX_TARGET_MINUTES = 60 * 24 * 365


def _name(name: str, model: Any, instance: Any) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give it a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name is too long.")})
    clash = model.objects.filter(name__iexact=name)
    if instance.pk:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationError({"name": _("“%(name)s” is taken.") % {"name": name}})
    return name


def _country(code: str, subdivision: str) -> tuple[str, str]:
    import holidays

    code, subdivision = (code or "").strip().upper(), (subdivision or "").strip().upper()
    if not code:
        return "", ""
    supported = holidays.list_supported_countries()
    if code not in supported:
        raise ValidationError({"holiday_country": _("Choose a country (two letters, “NG”).")})
    if subdivision and subdivision not in supported[code]:
        raise ValidationError({"holiday_subdivision": _("This country has no such region.")})
    return code, subdivision


def _closed_days(raw: Any) -> list[dict[str, Any]]:
    days = []
    for item in raw or []:
        try:
            day = dt.date.fromisoformat(str(item.get("date", "")))
        except (AttributeError, ValueError):
            raise ValidationError(
                {"closed_days": _("Give each closed day a date (YYYY-MM-DD).")}
            ) from None
        entry: dict[str, Any] = {"date": day.isoformat(), "name": str(item.get("name", ""))[:100]}
        if item.get("open"):
            entry["open"] = True
        days.append(entry)
    return sorted(days, key=lambda entry: entry["date"])


@transaction.atomic
def calendar_save(
    *,
    calendar: BusinessCalendar | None = None,
    name: str,
    time_zone: str = "Africa/Lagos",
    week: dict[str, Any] | None = None,
    always_open: bool = False,
    holiday_country: str = "",
    holiday_subdivision: str = "",
    closed_days: list[dict[str, Any]] | None = None,
    is_default: bool = False,
    team_ids: list[int] | None = None,
) -> BusinessCalendar:
    """A calendar; its teams leave any other calendar (a team works by one)."""
    calendar = calendar or BusinessCalendar()
    calendar.name = _name(name, BusinessCalendar, calendar)
    if time_zone not in available_timezones():
        raise ValidationError({"time_zone": _("Choose a time zone (“Africa/Lagos”).")})
    try:
        ZoneInfo(time_zone)
    except ZoneInfoNotFoundError:
        raise ValidationError({"time_zone": _("Choose a time zone (“Africa/Lagos”).")}) from None
    week = week or {}
    try:
        parsed = parse_week(week)
    except (ValueError, TypeError, AttributeError) as error:
        raise ValidationError(
            {"week": _("Opening hours are like 08:00–17:00: %(why)s") % {"why": error}}
        ) from None
    if not always_open:
        if not any(parsed):
            raise ValidationError({"week": _("Give at least one day's opening hours.")})
        try:
            Hours(zone=ZoneInfo(time_zone), week=parsed).add(timezone.now(), 1)
        except NoBusinessHours:
            raise ValidationError({"week": _("These hours never open.")}) from None
    calendar.time_zone = time_zone
    calendar.week = {str(day): [list(span) for span in week.get(str(day), [])] for day in range(7)}
    calendar.always_open = always_open
    calendar.holiday_country, calendar.holiday_subdivision = _country(
        holiday_country, holiday_subdivision
    )
    calendar.closed_days = _closed_days(closed_days)
    calendar.is_default = is_default
    calendar.save()
    if is_default:
        BusinessCalendar.objects.exclude(pk=calendar.pk).update(is_default=False)
    if team_ids is not None:
        for other in BusinessCalendar.objects.exclude(pk=calendar.pk):
            other.teams.remove(*team_ids)
        calendar.teams.set(team_ids)
    _replan_after_commit()
    return calendar


@transaction.atomic
def policy_save(
    *,
    policy: SlaPolicy | None = None,
    name: str,
    priority: str = "",
    customer_tag: str = "",
    first_response_minutes: int | None = None,
    resolution_minutes: int | None = None,
    warn_before_minutes: int = 30,
    escalate_to_team_id: int | None = None,
    position: int | None = None,
    is_active: bool = True,
) -> SlaPolicy:
    from django.apps import apps
    from django.conf import settings

    policy = policy or SlaPolicy()
    errors: dict[str, str] = {}
    if priority and priority not in Priority.values:
        errors["priority"] = _("Choose a priority.")
    for key, value in (
        ("first_response_minutes", first_response_minutes),
        ("resolution_minutes", resolution_minutes),
    ):
        if value is not None and not 1 <= value <= MAX_TARGET_MINUTES:
            errors[key] = _("A target is from 1 minute to a year.")
    if not first_response_minutes and not resolution_minutes:
        errors["first_response_minutes"] = _("Set a first-answer or a solution target.")
    if not 0 <= warn_before_minutes <= MAX_TARGET_MINUTES:
        errors["warn_before_minutes"] = _("Warn from 0 minutes to a year before.")
    team_model: Any = apps.get_model(settings.CENTRIC_TEAM_MODEL)
    if escalate_to_team_id and not team_model.objects.filter(pk=escalate_to_team_id).exists():
        errors["escalate_to_team_id"] = _("Choose a team.")
    try:
        policy.name = _name(name, SlaPolicy, policy)
    except ValidationError as error:
        errors.update({key: " ".join(value) for key, value in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    policy.priority = priority
    policy.customer_tag = " ".join(customer_tag.split())
    policy.first_response_minutes = first_response_minutes or None
    policy.resolution_minutes = resolution_minutes or None
    policy.warn_before_minutes = warn_before_minutes
    policy.escalate_to_team_id = escalate_to_team_id or None
    policy.is_active = is_active
    if position is not None:
        policy.position = position
    elif not policy.pk:
        policy.position = SlaPolicy.objects.count()
    policy.save()
    _replan_after_commit()
    return policy


def _replan_after_commit() -> None:
    from centric.tickets.tasks import replan_slas

    transaction.on_commit(replan_slas.enqueue)


def replan_open_tickets(*, batch: int = 1_000) -> int:
    """Apply today's policies and calendars to every ticket whose clocks run or stand paused
    (what has run stays counted). Returns how many changed."""
    from centric.tickets import sla

    book = sla.Calendars.load()
    policies = sla.active_policies()
    now = timezone.now()
    changed = 0
    tickets = (
        Ticket.objects.filter(solved_at__isnull=True)
        .select_related("status", "sla_policy", "person", "organisation")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk = list(tickets.filter(pk__gt=last)[:batch])
        if not chunk:
            return changed
        steps = []
        for ticket in chunk:
            before = (ticket.sla_policy_id, ticket.first_response_due_at, ticket.resolution_due_at)
            kind = ticket.status.kind
            steps += sla.follow(
                ticket,
                was_team_id=ticket.team_id,
                was_kind=kind,
                now=now,
                book=book,
                policies=policies,
            )
            after = (ticket.sla_policy_id, ticket.first_response_due_at, ticket.resolution_due_at)
            changed += before != after
        Ticket.objects.bulk_update(chunk, sla.CLOCK_FIELDS)
        sla.record(steps)
        last = chunk[-1].pk

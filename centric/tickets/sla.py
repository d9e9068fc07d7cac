"""SLA clocks: a ticket's first-answer and solution targets, counted in its team's business hours.

One counter serves both clocks: `sla_used_seconds` holds the business seconds the clocks ran
up to `sla_clock_at` (null while they stand still). A target's due time is then `calendar.add(
sla_clock_at, target - used)`; pausing folds the running seconds into the counter and clears
the due times, resuming plans them again from the moment it resumes. So a pause, a reopening, a
new priority (another policy) or a move to a team with other hours are all the same step:
count what ran, then plan.

Clocks run while the status means new, open or pending the back office; they pause while it
means pending the customer; solved and closed stop them. The worker's scan (`scan`) reads only
tickets whose `sla_next_check_at` has come (an index), warns before a breach and, on one,
notifies the assignee and the team's lead and moves the ticket to the policy's escalation team.
Every step is an `SlaEvent`, shown on the ticket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from centric.tickets.business_hours import ALWAYS_OPEN, Hours, parse_week
from centric.tickets.choices import StatusKind
from centric.tickets.models import BusinessCalendar, SlaEvent, SlaPolicy, Ticket

RUNNING = frozenset({StatusKind.NEW, StatusKind.OPEN, StatusKind.PENDING_BACK_OFFICE})
STOPPED = frozenset({StatusKind.SOLVED, StatusKind.CLOSED})
Clock = SlaEvent.Clock
Step = SlaEvent.Step


@dataclass(frozen=True)
class ClockFields:
    clock: str
    minutes: str  # the policy's target field
    due: str
    warned: str
    breached: str
    label: str


CLOCKS = (
    ClockFields(
        Clock.FIRST_RESPONSE,
        "first_response_minutes",
        "first_response_due_at",
        "first_response_warned_at",
        "first_response_breached_at",
        "First answer",
    ),
    ClockFields(
        Clock.RESOLUTION,
        "resolution_minutes",
        "resolution_due_at",
        "resolution_warned_at",
        "resolution_breached_at",
        "Solution",
    ),
)
CLOCK_FIELDS = [
    "sla_policy",
    "sla_used_seconds",
    "sla_clock_at",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_warned_at",
    "resolution_warned_at",
    "sla_next_check_at",
]
ANSWER_FIELDS = [
    "first_response_due_at",
    "first_response_warned_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "sla_next_check_at",
]
SCAN_FIELDS = [
    "first_response_warned_at",
    "resolution_warned_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "sla_next_check_at",
]


def hours_of(calendar: BusinessCalendar) -> Hours:
    """A saved calendar as the clocks read it."""
    if calendar.always_open:
        return Hours(zone=ZoneInfo(calendar.time_zone), always_open=True)
    return Hours(
        zone=ZoneInfo(calendar.time_zone),
        week=parse_week(calendar.week),
        country=calendar.holiday_country,
        subdivision=calendar.holiday_subdivision,
        closed=frozenset(
            dt.date.fromisoformat(day["date"])
            for day in calendar.closed_days
            if not day.get("open")
        ),
        opened=frozenset(
            dt.date.fromisoformat(day["date"]) for day in calendar.closed_days if day.get("open")
        ),
    )


@dataclass
class Calendars:
    """Every team's hours, read once per request or scan (a business has a handful)."""

    by_team: dict[int, Hours] = field(default_factory=dict)
    default: Hours = ALWAYS_OPEN

    @classmethod
    def load(cls) -> Calendars:
        book = cls()
        for calendar in BusinessCalendar.objects.prefetch_related("teams"):
            hours = hours_of(calendar)
            if calendar.is_default:
                book.default = hours
            for team in calendar.teams.all():
                book.by_team[team.pk] = hours
        return book

    def for_team(self, team_id: int | None) -> Hours:
        return self.by_team.get(team_id, self.default) if team_id else self.default


def active_policies() -> list[SlaPolicy]:
    return list(SlaPolicy.objects.filter(is_active=True).select_related("escalate_to_team"))


def policy_for(ticket: Ticket, policies: list[SlaPolicy] | None = None) -> SlaPolicy | None:
    """The first active policy whose conditions (priority, customer's tag) hold."""
    from centric.tickets.assignment import customer_has_tag

    for policy in active_policies() if policies is None else policies:
        if policy.priority and policy.priority != ticket.priority:
            continue
        if policy.customer_tag and not customer_has_tag(ticket, policy.customer_tag):
            continue
        return policy
    return None


def _due(ticket: Ticket, minutes: int | None, hours: Hours) -> dt.datetime | None:
    if not minutes or ticket.sla_clock_at is None:
        return None
    return hours.add(ticket.sla_clock_at, minutes * 60 - ticket.sla_used_seconds)


def next_check(ticket: Ticket) -> dt.datetime | None:
    """When the scan must next look: a running clock's warning time, else its due time."""
    policy = ticket.sla_policy
    if policy is None:
        return None
    moments = []
    for clock in CLOCKS:
        due = getattr(ticket, clock.due)
        if due is None or getattr(ticket, clock.breached) is not None:
            continue
        warn = dt.timedelta(minutes=policy.warn_before_minutes)
        warned = getattr(ticket, clock.warned) is not None
        moments.append(due if warned or not warn else due - warn)
    return min(moments, default=None)


def plan(ticket: Ticket, hours: Hours) -> None:
    """The due times of the running clocks, from the counter (a changed due time may warn
    again) and the scan's next look."""
    policy = ticket.sla_policy
    answered = ticket.first_response_at is not None
    for clock in CLOCKS:
        minutes = getattr(policy, clock.minutes) if policy else None
        if clock.clock == Clock.FIRST_RESPONSE and answered:
            minutes = None
        due = _due(ticket, minutes, hours)
        if due != getattr(ticket, clock.due):
            setattr(ticket, clock.warned, None)
        setattr(ticket, clock.due, due)
    ticket.sla_next_check_at = next_check(ticket)


def follow(
    ticket: Ticket,
    *,
    was_team_id: int | None,
    was_kind: str | None,
    now: dt.datetime,
    book: Calendars | None = None,
    policies: list[SlaPolicy] | None = None,
) -> list[SlaEvent]:
    """Bring the clocks up to a ticket's change (new, status, priority, team, customer); the
    steps to record once the ticket is saved. `was_kind` is None for a new ticket."""
    book = book or Calendars.load()
    events: list[SlaEvent] = _late_by_now(ticket, now) if was_kind is not None else []
    if ticket.sla_clock_at is not None:  # count what ran, in the hours it ran in
        ran = book.for_team(was_team_id).between(ticket.sla_clock_at, now)
        ticket.sla_used_seconds += int(ran)
        ticket.sla_clock_at = now
    policy = policy_for(ticket, policies)
    if (policy.pk if policy else None) != ticket.sla_policy_id:
        if was_kind is not None:
            events.append(_event(ticket, Clock.BOTH, Step.POLICY, now, str(policy or _("none"))))
        ticket.sla_policy = policy
    kind = ticket.status.kind
    running = policy is not None and kind in RUNNING
    if running and ticket.sla_clock_at is None:
        ticket.sla_clock_at = now
        step = Step.STARTED if was_kind is None else Step.RESUMED
        events.append(_event(ticket, Clock.BOTH, step, now, str(policy)))
    elif not running and ticket.sla_clock_at is not None:
        ticket.sla_clock_at = None
        if policy is not None:
            paused = kind == StatusKind.PENDING_CUSTOMER
            events.append(_event(ticket, Clock.BOTH, Step.PAUSED if paused else Step.STOPPED, now))
    if (
        policy is not None
        and kind in STOPPED
        and was_kind not in STOPPED
        and ticket.resolution_due_at is not None
        and ticket.resolution_breached_at is None
    ):
        events.append(_event(ticket, Clock.RESOLUTION, Step.MET, now))
    plan(ticket, book.for_team(ticket.team_id))
    return events


def _late_by_now(ticket: Ticket, now: dt.datetime) -> list[SlaEvent]:
    """A running clock already past its due time is late, whether or not the scan has come
    by yet (an answer two minutes late between two scans is late)."""
    events = []
    for clock in CLOCKS:
        due = getattr(ticket, clock.due)
        if due is not None and due <= now and getattr(ticket, clock.breached) is None:
            setattr(ticket, clock.breached, due)
            events.append(_event(ticket, clock.clock, Step.BREACHED, now, _local(due)))
    return events


def first_answered(ticket: Ticket, now: dt.datetime) -> list[SlaEvent]:
    """The first public reply: the first-answer clock is met (or was already late)."""
    events = _late_by_now(ticket, now)
    if ticket.first_response_due_at is not None and ticket.first_response_breached_at is None:
        events.append(_event(ticket, Clock.FIRST_RESPONSE, Step.MET, now))
    ticket.first_response_due_at = None
    ticket.first_response_warned_at = None
    ticket.sla_next_check_at = next_check(ticket)
    return events


def _event(ticket: Ticket, clock: str, step: str, at: dt.datetime, detail: str = "") -> SlaEvent:
    return SlaEvent(ticket=ticket, clock=clock, step=step, at=at, detail=detail[:300])


def record(events: list[SlaEvent]) -> None:
    """Save steps made for a ticket that is now saved (a new ticket had no id before)."""
    for event in events:
        event.ticket_id = event.ticket.pk
    SlaEvent.objects.bulk_create(events)


# --- The worker's scan ------------------------------------------------------------------------


@dataclass
class ScanResult:
    looked_at: int = 0
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _local(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "D j M, H:i")


Outbox = list[dict[str, Any]]  # the scan's notifications, made in one insert per batch


def _notify(
    outbox: Outbox, users: list[Any], ticket: Ticket, title: str, body: str, key: str
) -> None:
    url = reverse("tickets:ticket_detail", args=[ticket.pk])
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        outbox.append(
            {"user": user, "title": title, "body": body, "url": url, "key": f"{key}:{user.pk}"}
        )


def _escalate(
    ticket: Ticket, clock: ClockFields, now: dt.datetime, outbox: Outbox
) -> SlaEvent | None:
    """Tell the assignee and the team's lead; move the ticket to the policy's team and lead."""
    policy = ticket.sla_policy
    assert policy is not None  # only clocks of a policy are scanned
    due = getattr(ticket, clock.due)
    title = _("Late: %(ticket)s") % {"ticket": ticket}
    body = _("%(clock)s was due %(due)s.") % {"clock": _(clock.label), "due": _local(due)}
    lead = ticket.team.lead if ticket.team is not None else None
    _notify(
        outbox, [ticket.owner, lead], ticket, title, body, f"sla-breach:{ticket.pk}:{clock.clock}"
    )
    target = policy.escalate_to_team
    if target is None or target.pk == ticket.team_id:
        return None
    ticket.team = target
    if target.lead is not None:
        ticket.owner = target.lead
    _notify(outbox, [target.lead], ticket, title, body, f"sla-escalated:{ticket.pk}:{clock.clock}")
    detail = _("Moved to %(team)s") % {"team": target}
    if target.lead is not None:
        detail += _(", assigned to %(user)s") % {"user": target.lead}
    return _event(ticket, clock.clock, Step.ESCALATED, now, detail)


def _check(
    ticket: Ticket, now: dt.datetime, result: ScanResult, outbox: Outbox
) -> tuple[list[SlaEvent], bool]:
    policy = ticket.sla_policy
    events: list[SlaEvent] = []
    moved = False
    if policy is None:
        ticket.sla_next_check_at = None
        return events, moved
    for clock in CLOCKS:
        due = getattr(ticket, clock.due)
        if due is None or getattr(ticket, clock.breached) is not None:
            continue
        if now >= due:
            setattr(ticket, clock.breached, due)
            result.breached += 1
            events.append(_event(ticket, clock.clock, Step.BREACHED, now, _local(due)))
            escalation = _escalate(ticket, clock, now, outbox)
            if escalation is not None:
                events.append(escalation)
                result.escalated += 1
                moved = True
        elif (
            policy.warn_before_minutes
            and getattr(ticket, clock.warned) is None
            and now >= due - dt.timedelta(minutes=policy.warn_before_minutes)
        ):
            setattr(ticket, clock.warned, now)
            result.warned += 1
            events.append(_event(ticket, clock.clock, Step.WARNED, now, _local(due)))
            title = _("Soon late: %(ticket)s") % {"ticket": ticket}
            body = _("%(clock)s is due %(due)s.") % {"clock": _(clock.label), "due": _local(due)}
            lead = ticket.team.lead if ticket.team is not None else None
            users = [ticket.owner] if ticket.owner_id else [lead]
            key = f"sla-warn:{ticket.pk}:{clock.clock}:{due:%s}"
            _notify(outbox, users, ticket, title, body, key)
    ticket.sla_next_check_at = next_check(ticket)
    return events, moved


def scan(*, now: dt.datetime | None = None, batch: int = 500) -> ScanResult:
    """Warn and escalate every ticket whose next look has come; safe to run twice at once
    (rows are locked, skipping those another worker holds)."""
    from centric.notifications.services import notify_many

    now = now or timezone.now()
    result = ScanResult()
    while True:
        with transaction.atomic():
            tickets = list(
                Ticket.objects.filter(sla_next_check_at__lte=now)
                .select_related("sla_policy__escalate_to_team__lead", "team__lead", "owner")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("sla_next_check_at", "id")[:batch]
            )
            if not tickets:
                return result
            result.looked_at += len(tickets)
            events: list[SlaEvent] = []
            outbox: Outbox = []
            quiet = []
            for ticket in tickets:
                found, moved = _check(ticket, now, result, outbox)
                events.extend(found)
                if moved:  # a new team and assignee: saved with its history
                    ticket.save()
                else:
                    quiet.append(ticket)
            Ticket.objects.bulk_update(quiet, SCAN_FIELDS)
            SlaEvent.objects.bulk_create(events)
            notify_many(outbox)


# --- What the ticket page shows ---------------------------------------------------------------


@dataclass(frozen=True)
class ClockView:
    label: str
    state: str  # running, warning, late, paused, met, late_met
    due: dt.datetime | None
    left: dt.timedelta | None  # wall-clock time to the due time, or business time left if paused

    @property
    def left_text(self) -> str:
        """ "2 d 3 h", "2 h 10 min", "5 min" (past a due time: how late)."""
        if self.left is None:
            return ""
        minutes = int(abs(self.left.total_seconds()) // 60)
        days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
        if days:
            return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
        if hours:
            return _("%(h)s h %(m)s min") % {"h": hours, "m": mins}
        return _("%(m)s min") % {"m": mins}


def clocks(ticket: Ticket, now: dt.datetime | None = None) -> list[ClockView]:
    """Each clock of the ticket's policy, as the agent reads it ("2 h left", "late", "met")."""
    policy = ticket.sla_policy
    if policy is None:
        return []
    now = now or timezone.now()
    views = []
    for clock in CLOCKS:
        minutes = getattr(policy, clock.minutes)
        if not minutes:
            continue
        due, breached = getattr(ticket, clock.due), getattr(ticket, clock.breached)
        done = (
            clock.clock == Clock.FIRST_RESPONSE and ticket.first_response_at is not None
        ) or ticket.status.kind in STOPPED
        if done:
            state = "late_met" if breached else "met"
            views.append(ClockView(_(clock.label), state, breached, None))
        elif ticket.sla_clock_at is None:
            left = dt.timedelta(seconds=max(minutes * 60 - ticket.sla_used_seconds, 0))
            views.append(ClockView(_(clock.label), "paused", None, left))
        elif due is not None:
            if breached or due <= now:
                state = "late"
            elif now >= due - dt.timedelta(minutes=policy.warn_before_minutes):
                state = "warning"
            else:
                state = "running"
            views.append(ClockView(_(clock.label), state, due, due - now))
    return views

"""The one write path of activities (pages, API, demo and tests call these).

A reminder is planned when an activity is saved (`remind_at` = due time less the minutes asked)
and delivered by the worker at that time (`centric.activities.reminders`); a done activity lands
on its customer's timeline, and a recurring one is followed by its next occurrence, once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from centric.activities.choices import TIMELINE_KIND, ActivityKind
from centric.activities.models import Activity
from centric.activities.recurrence import next_due
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
from centric.interactions.choices import Direction
from centric.interactions.services import interaction_create
from centric.sales.models import Deal


def _about_the_deal(activity: Activity) -> None:
    """An activity about a deal is about the deal's customer too (unless it names its own), so
    it follows that customer's visibility."""
    deal = activity.deal
    if deal is None:
        return
    if activity.person_id is None and activity.organisation_id is None:
        activity.person_id = deal.person_id
        activity.organisation_id = deal.organisation_id


def _plan_reminder(activity: Activity) -> bool:
    """Set when the reminder is due; True when a reminder must be (re)scheduled. A changed due
    time or lead time makes a new reminder: the old one, still queued, finds it stale."""
    wanted = None
    if activity.remind_minutes_before is not None and activity.done_at is None:
        wanted = activity.due_at - dt.timedelta(minutes=activity.remind_minutes_before)
    if wanted == activity.remind_at:
        return False
    activity.remind_at = wanted
    activity.reminded_at = None
    return wanted is not None


def _schedule_reminder(activity: Activity) -> None:
    from centric.activities.reminders import schedule_reminder

    pk, when = activity.pk, activity.remind_at
    if when is not None:
        transaction.on_commit(lambda: schedule_reminder(pk, when))


def _check(activity: Activity) -> None:
    if activity.recurrence and activity.due_at is None:
        raise ValidationError({"due_at": _("A repeating activity needs a due time.")})
    if activity.kind == ActivityKind.TASK and activity.all_day:
        activity.duration_minutes = 0


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    title: str,
    kind: str = ActivityKind.TASK,
    due_at: dt.datetime | None = None,
    all_day: bool = False,
    duration_minutes: int | None = None,
    person: Any = None,
    organisation: Any = None,
    deal: Deal | None = None,
    notes: str = "",
    remind_minutes_before: int | None = None,
    recurrence: str = "",
    recurrence_interval: int = 1,
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Activity:
    """A new activity, due now unless `due_at` says when; its reminder is scheduled."""
    activity = Activity(owner=owner, team=team)
    set_given(
        activity,
        kind=kind or ActivityKind.TASK,
        title=title,
        due_at=due_at or timezone.now(),
        all_day=bool(all_day),
        duration_minutes=30 if duration_minutes is None else duration_minutes,
        person=person,
        organisation=organisation,
        deal=deal,
        notes=notes or "",
        remind_minutes_before=remind_minutes_before,
        recurrence=recurrence or "",
        recurrence_interval=recurrence_interval or 1,
        external_id=external_id,
    )
    _about_the_deal(activity)
    default_ownership(activity, actor)
    activity.custom_fields = clean_custom_fields(activity, custom_fields)
    _check(activity)
    remind = _plan_reminder(activity)
    save_record(activity, actor=actor)
    set_tags(activity, tags)
    if remind:
        _schedule_reminder(activity)
    return activity


@transaction.atomic
def activity_update(
    activity: Activity,
    *,
    actor: Any,
    expected_version: int | None = None,
    kind: str = UNSET,
    title: str = UNSET,
    due_at: dt.datetime = UNSET,
    all_day: bool = UNSET,
    duration_minutes: int = UNSET,
    person: Any = UNSET,
    organisation: Any = UNSET,
    deal: Deal | None = UNSET,
    notes: str = UNSET,
    remind_minutes_before: int | None = UNSET,
    recurrence: str = UNSET,
    recurrence_interval: int = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
) -> Activity:
    """Change an activity; a new due time or lead time reschedules its reminder."""
    activity = lock(Activity, activity.pk)
    check_version(activity, expected_version)
    set_given(
        activity,
        kind=kind,
        title=title,
        due_at=due_at if due_at is not None else UNSET,
        all_day=all_day,
        duration_minutes=duration_minutes if duration_minutes is not None else UNSET,
        person=person,
        organisation=organisation,
        deal=deal,
        notes=notes if notes is not None else UNSET,
        remind_minutes_before=remind_minutes_before,
        recurrence=recurrence if recurrence is not None else UNSET,
        recurrence_interval=recurrence_interval or UNSET,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    if is_set(deal):
        _about_the_deal(activity)
    if is_set(custom_fields):
        activity.custom_fields = clean_custom_fields(activity, custom_fields, partial=True)
    _check(activity)
    remind = _plan_reminder(activity)
    bump_version(activity)
    save_record(activity, actor=actor)
    if is_set(tags):
        set_tags(activity, tags)
    if remind:
        _schedule_reminder(activity)
    return activity


def _to_timeline(activity: Activity, *, actor: Any) -> None:
    """The done activity as a touchpoint on its customer's timeline, linked to it and to its
    deal (when the actor may see the deal: a link never reveals a hidden record)."""
    if activity.person_id is None and activity.organisation_id is None:
        return  # an internal task: no customer's timeline to land on
    kind, channel = TIMELINE_KIND[ActivityKind(activity.kind)]
    links: list[Any] = [activity]
    if activity.deal_id and Deal.objects.visible_to(actor).filter(pk=activity.deal_id).exists():
        links.append(activity.deal)
    activity.interaction = interaction_create(
        actor=actor,
        links=links,
        channel=channel,
        kind=kind,
        direction=Direction.INTERNAL if kind == "task" else Direction.OUTBOUND,
        occurred_at=activity.done_at,
        person_id=activity.person_id,
        organisation_id=activity.organisation_id,
        subject=activity.title,
        summary=activity.outcome,
        body=linebreaks(escape(activity.notes)) if activity.notes else "",
        duration_seconds=activity.duration_minutes * 60 if activity.duration_minutes else None,
        external_id=f"activity-{activity.pk}",
    )


def _follow(activity: Activity, *, actor: Any) -> Activity | None:
    """The next occurrence of a recurring activity (once: `previous` is unique)."""
    due = next_due(
        timezone.localtime(activity.due_at), activity.recurrence, activity.recurrence_interval
    )
    if due is None or Activity.objects.filter(previous=activity).exists():
        return None
    following = activity_create(
        actor=actor,
        title=activity.title,
        kind=activity.kind,
        due_at=due,
        all_day=activity.all_day,
        duration_minutes=activity.duration_minutes,
        person=activity.person_id,
        organisation=activity.organisation_id,
        deal=activity.deal,
        notes=activity.notes,
        remind_minutes_before=activity.remind_minutes_before,
        recurrence=activity.recurrence,
        recurrence_interval=activity.recurrence_interval,
        owner=activity.owner,
        team=activity.team,
        custom_fields=activity.custom_fields or None,
    )
    Activity.objects.filter(pk=following.pk).update(previous=activity)
    following.previous = activity
    return following


@transaction.atomic
def activity_complete(
    activity: Activity,
    *,
    actor: Any,
    outcome: str = "",
    expected_version: int | None = None,
) -> Activity:
    """Mark an activity done: it lands on the customer's timeline with what came of it, and a
    recurring one is followed by its next occurrence. Done twice, it stays done once."""
    activity = lock(Activity, activity.pk)
    if activity.done_at is not None:
        return activity
    check_version(activity, expected_version)
    activity.done_at = timezone.now()
    activity.done_by = actor if getattr(actor, "is_authenticated", False) else None
    activity.outcome = (outcome or "").strip()[:500]
    _plan_reminder(activity)  # done: no reminder left to deliver
    _to_timeline(activity, actor=actor)
    bump_version(activity)
    save_record(activity, actor=actor)
    _follow(activity, actor=actor)
    return activity


@transaction.atomic
def activity_delete(activity: Activity, *, actor: Any) -> None:
    delete_record(activity, actor=actor)

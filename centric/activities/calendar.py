"""Each user's activities as an iCalendar feed (RFC 5545) at a secret URL.

Google Calendar, Outlook and phones subscribe to the URL and fetch it now and then, without
signing in: the secret in the URL is the key. Only its SHA-256 hash is kept (like API tokens);
a new feed revokes the old one, a revoked feed or a deactivated user's answers 404, and the
feed holds only activities its user may still see (decision 0067).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from centric.activities.models import Activity, CalendarFeed

# What the feed holds: the last month (done activities too) and everything ahead, at most this
# many events (a phone fetching it on a slow link wants a small file).
PAST_DAYS = 31
MAX_EVENTS = 2_000
FEED_PREFIX = "cal_"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, user: Any) -> tuple[CalendarFeed, str]:
    """A new feed for `user` (their old one stops working); the secret is returned once."""
    calendar_feed_revoke(user=user)
    secret = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=_hash(secret))
    return feed, secret


def calendar_feed_revoke(*, user: Any) -> int:
    """Stop `user`'s feed; returns how many feeds stopped."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_live(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_user(secret: str) -> Any:
    """The active user whose live feed `secret` opens, or None."""
    if not secret.startswith(FEED_PREFIX) or len(secret) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user


def feed_activities(user: Any) -> list[Activity]:
    since = timezone.now() - dt.timedelta(days=PAST_DAYS)
    return list(
        Activity.objects.visible_to(user)
        .filter(owner=user, due_at__gte=since)
        .select_related("person", "organisation", "deal")
        .order_by("due_at", "id")[:MAX_EVENTS]
    )


# --- RFC 5545 text -------------------------------------------------------------------------


def _escape(text: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped, newlines as \\n (§3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (§3.1), never inside a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with a space
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(activity: Activity, stamp: str, host: str) -> list[str]:
    url = f"{settings.CENTRIC_BASE_URL}{reverse('activities:activity_detail', args=[activity.pk])}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:activity-{activity.pk}@{host}",
        f"DTSTAMP:{stamp}",
    ]
    if activity.all_day:
        day = timezone.localtime(activity.due_at).date()
        lines += [
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        ]
    else:
        end = activity.due_at + dt.timedelta(minutes=max(activity.duration_minutes, 0))
        lines += [f"DTSTART:{_utc(activity.due_at)}", f"DTEND:{_utc(end)}"]
    about = [str(r) for r in (activity.person, activity.organisation, activity.deal) if r]
    description = "\n".join(
        part
        for part in (activity.get_kind_display(), ", ".join(about), activity.notes, url)
        if part
    )
    lines += [
        f"SUMMARY:{_escape(('✓ ' if activity.done_at else '') + activity.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        f"LAST-MODIFIED:{_utc(activity.updated_at)}",
        f"SEQUENCE:{activity.version}",
        "STATUS:CONFIRMED",
        "TRANSP:TRANSPARENT" if activity.all_day or activity.done_at else "TRANSP:OPAQUE",
    ]
    if activity.done_at is not None:
        lines.append(f"X-CENTRIC-DONE:{_utc(activity.done_at)}")
    lines.append("END:VEVENT")
    return lines


def ical(activities: Iterable[Activity], *, name: str) -> str:
    host = settings.CENTRIC_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "centric"
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Centric//Activities//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-PUBLISHED-TTL:PT1H",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
    ]
    for activity in activities:
        lines += _event(activity, stamp, host)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

"""The one write path of notifications (reminders, pages and the API call these)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from centric.notifications.models import Notification


def notify(
    *, user: Any, title: str, body: str = "", url: str = "", key: str | None = None
) -> tuple[Notification, bool]:
    """Tell `user`; with a `key`, a second call about the same thing returns the first
    notification (a retried reminder notifies once). Returns it and whether it is new."""
    if key:
        existing = Notification.objects.filter(user=user, key=key).first()
        if existing is not None:
            return existing, False
    notification = Notification(
        user=user, title=title[:200], body=body[:500], url=url[:300], key=key or None
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:  # the same key, saved by a concurrent delivery
        return Notification.objects.get(user=user, key=key), False
    return notification, True


def notify_many(items: list[dict[str, Any]]) -> int:
    """Many notifications at once (the SLA scan's): each a dict of `notify`'s arguments with a
    `key`; one already made with its key is skipped. Returns how many were offered."""
    Notification.objects.bulk_create(
        [
            Notification(
                user=item["user"],
                title=item["title"][:200],
                body=item.get("body", "")[:500],
                url=item.get("url", "")[:300],
                key=item["key"],
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    return len(items)


def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    """Mark `user`'s notifications read (those of `ids`, or all); returns how many changed.
    Ids of another user's notifications change nothing."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

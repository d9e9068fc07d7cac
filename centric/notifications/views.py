"""The notifications page, the count in the top bar, and opening one (marks it read)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from centric.notifications.models import Notification
from centric.notifications.services import notifications_mark_read, unread_count

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=cast(Any, request.user))[:PAGE_SIZE])
    return render(
        request,
        "notifications/inbox.html",
        {"items": items, "unread": sum(1 for item in items if item.read_at is None)},
    )


@login_required
def badge(request: HttpRequest) -> HttpResponse:
    """The top bar's count, asked for after the page has loaded (no page pays for it)."""
    return render(request, "notifications/badge.html", {"count": unread_count(request.user)})


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points (only ever a path inside Centric)."""
    notification = Notification.objects.filter(user=cast(Any, request.user), pk=pk).first()
    if notification is None:
        raise Http404
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_read(user=request.user)
    return redirect("notifications:inbox")

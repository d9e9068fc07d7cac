"""Marking an activity done from a page, the calendar-feed settings page and the feed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.activities.calendar import (
    calendar_feed_create,
    calendar_feed_live,
    calendar_feed_revoke,
    feed_activities,
    feed_user,
    ical,
)
from centric.activities.models import Activity
from centric.activities.services import activity_complete
from centric.core.errors import ConcurrentEditError
from centric.core.visibility import has_model_permission


def _back(request: HttpRequest, activity: Activity) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("activities:activity_detail", args=[activity.pk])


@login_required
@require_POST
def activity_done(request: HttpRequest, pk: int) -> HttpResponse:
    activity = Activity.objects.visible_to(request.user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    if not has_model_permission(request.user, Activity, "change") or not (
        Activity.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    ):
        messages.error(request, _("You may not change this activity."))
        return redirect(_back(request, activity))
    version = request.POST.get("version", "")
    try:
        done = activity_complete(
            activity,
            actor=request.user,
            outcome=request.POST.get("outcome", ""),
            expected_version=int(version) if version.isdigit() else None,
        )
    except (ConcurrentEditError, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(_back(request, activity))
    message = _("“%(title)s” is done.") % {"title": done.title}
    if done.interaction_id:
        message += " " + _("It is on the customer's timeline.")
    following = Activity.objects.filter(previous=done).first()
    if following is not None:
        message += " " + _("The next one is due %(when)s.") % {
            "when": date_format(timezone.localtime(following.due_at), "DATETIME_FORMAT")
        }
    messages.success(request, message)
    return redirect(_back(request, done))


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Subscribe a calendar app: make (or replace) the secret feed URL, or stop it."""
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if calendar_feed_revoke(user=request.user):
                messages.success(
                    request,
                    _(
                        "Your calendar feed is stopped: calendars subscribed to it get nothing more."
                    ),
                )
            return redirect("activities:calendar")
        _feed, secret = calendar_feed_create(user=request.user)
        new_url = request.build_absolute_uri(reverse("activities:calendar_feed", args=[secret]))
    return render(
        request,
        "activities/calendar.html",
        {"feed": calendar_feed_live(request.user), "new_url": new_url},
    )


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed calendar apps fetch, without signing in (the secret is the key)."""
    user = feed_user(secret)
    if user is None:
        raise Http404
    name = _("Centric: %(name)s") % {"name": user.get_full_name() or user.get_username()}
    response = HttpResponse(
        ical(feed_activities(user), name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="centric.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

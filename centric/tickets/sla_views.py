"""The SLA settings page (`/tickets/settings/sla/`): business calendars (hours, time zone,
public holidays, closed days, the teams that work by each) and the policies' targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from centric.core.visibility import has_model_permission
from centric.tickets.choices import Priority
from centric.tickets.models import BusinessCalendar, SlaPolicy, TicketStatus
from centric.tickets.settings_views import teams_choices
from centric.tickets.sla import hours_of
from centric.tickets.sla_settings import calendar_save, policy_save

WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
OPEN_MARK = "(open)"


def parse_closed_days(text: str) -> list[dict[str, Any]]:
    """One per line: "2026-12-24 Stock count"; "2026-08-26 (open) Mawlid moved" marks a public
    holiday the business works."""
    days = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, name = line.partition(" ")
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            raise ValidationError(
                _("Closed days, line %(n)s: start with a date like 2026-12-24.") % {"n": number}
            ) from None
        name = name.strip()
        entry: dict[str, Any] = {"date": day, "name": name}
        if name.startswith(OPEN_MARK):
            entry = {"date": day, "name": name[len(OPEN_MARK) :].strip(), "open": True}
        days.append(entry)
    return days


def closed_days_text(calendar: BusinessCalendar) -> str:
    lines = []
    for day in calendar.closed_days:
        mark = f"{OPEN_MARK} " if day.get("open") else ""
        lines.append(f"{day['date']} {mark}{day.get('name', '')}".rstrip())
    return "\n".join(lines)


def _week_from(post: Any) -> dict[str, list[list[str]]]:
    week: dict[str, list[list[str]]] = {}
    for day in range(7):
        spans = []
        for part in (1, 2):
            opens, closes = post.get(f"d{day}_open{part}", ""), post.get(f"d{day}_close{part}", "")
            if opens or closes:
                if not (opens and closes):
                    raise ValidationError(
                        _("%(day)s: give both the opening and the closing time.")
                        % {"day": WEEKDAY_NAMES[day]}
                    )
                spans.append([opens, "24:00" if closes == "00:00" else closes])
        week[str(day)] = spans
    return week


def _number(post: Any, key: str) -> int | None:
    value = post.get(key, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Targets are whole minutes."))
    return int(value)


def _save_calendar(post: Any) -> None:
    found = post.get("pk", "")
    calendar_save(
        calendar=get_object_or_404(BusinessCalendar, pk=found) if found.isdigit() else None,
        name=post.get("name", ""),
        time_zone=post.get("time_zone", "").strip() or "Africa/Lagos",
        week=_week_from(post),
        always_open=post.get("always_open") == "on",
        holiday_country=post.get("holiday_country", ""),
        holiday_subdivision=post.get("holiday_subdivision", ""),
        closed_days=parse_closed_days(post.get("closed_days", "")),
        is_default=post.get("is_default") == "on",
        team_ids=[int(pk) for pk in post.getlist("teams") if pk.isdigit()],
    )


def _save_policy(post: Any) -> None:
    found = post.get("pk", "")
    policy_save(
        policy=get_object_or_404(SlaPolicy, pk=found) if found.isdigit() else None,
        name=post.get("name", ""),
        priority=post.get("priority", ""),
        customer_tag=post.get("customer_tag", ""),
        first_response_minutes=_number(post, "first_response_minutes"),
        resolution_minutes=_number(post, "resolution_minutes"),
        warn_before_minutes=_number(post, "warn_before_minutes") or 0,
        escalate_to_team_id=_number(post, "escalate_to_team"),
        position=_number(post, "position"),
        is_active=post.get("is_active", "on") == "on",
    )


def _calendar_rows(calendars: list[BusinessCalendar]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for calendar in calendars:
        week = calendar.week or {}
        days = []
        for day in range(7):
            spans = [*week.get(str(day), []), ["", ""], ["", ""]][:2]
            days.append({"index": day, "name": WEEKDAY_NAMES[day], "spans": spans})
        rows.append(
            {
                "calendar": calendar,
                "days": days,
                "closed_text": closed_days_text(calendar),
                "team_ids": {team.pk for team in calendar.teams.all()} if calendar.pk else set(),
                "coming": hours_of(calendar).holidays_between(today, today + dt.timedelta(days=365))
                if not calendar.always_open
                else [],
            }
        )
    return rows


def _new_calendar() -> BusinessCalendar:
    """The blank form's defaults: Monday to Friday 08:00–17:00, Lagos, Nigeria's holidays."""
    return BusinessCalendar(
        name="",
        week={str(day): [["08:00", "17:00"]] for day in range(5)},
        holiday_country="NG",
    )


@login_required
def sla_settings(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, TicketStatus, "change"):
        return render(request, "403.html", status=403)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "calendar":
                _save_calendar(request.POST)
            else:
                _save_policy(request.POST)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved. Open tickets follow the new settings."))
            return redirect("tickets:sla_settings")
    calendars = list(BusinessCalendar.objects.prefetch_related("teams"))
    return render(
        request,
        "tickets/sla_settings.html",
        {
            "title": _("Service levels"),
            "calendars": _calendar_rows(calendars),
            "blank": _calendar_rows([_new_calendar()])[0],
            "policies": SlaPolicy.objects.select_related("escalate_to_team"),
            "priorities": Priority.choices,
            "teams": teams_choices(),
            "zones": sorted(_common_zones()),
        },
    )


def _common_zones() -> set[str]:
    from zoneinfo import available_timezones

    return {zone for zone in available_timezones() if "/" in zone and not zone.startswith("Etc")}

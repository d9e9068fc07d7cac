"""Business calendars and SLA policies on the settings page and in the API: saved through the
same services, bad values refused with a clear message and nothing written, the ticket's SLA
readable in the API, and only administrators change them."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.tickets.models import BusinessCalendar, SlaPolicy
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db

OFFICE = {str(day): [["08:00", "17:00"]] for day in range(5)}


def test_the_page_adds_a_calendar_with_nigerian_holidays_and_a_policy(
    admin_user, make_team, client
):
    service = make_team("Service")
    client.force_login(admin_user)
    assert "/tickets/settings/sla/" in client.get("/tickets/settings/").text
    page = client.get("/tickets/settings/sla/")
    assert page.status_code == 200 and "New calendar" in page.text
    form = {"form": "calendar", "name": "Lagos office", "time_zone": "Africa/Lagos",
            "holiday_country": "ng", "teams": [str(service.pk)], "is_default": "on",
            "closed_days": "2026-12-24 Stock count\n2026-08-26 (open) Mawlid declared later"}  # fmt: skip
    for day in range(5):
        form[f"d{day}_open1"], form[f"d{day}_close1"] = "08:00", "12:00"
        form[f"d{day}_open2"], form[f"d{day}_close2"] = "13:00", "17:00"
    saved = client.post("/tickets/settings/sla/", form)
    assert saved.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert calendar.holiday_country == "NG" and calendar.is_default
    assert (
        calendar.week["0"] == [["08:00", "12:00"], ["13:00", "17:00"]] and calendar.week["5"] == []
    )
    assert calendar.closed_days == [
        {"date": "2026-08-26", "name": "Mawlid declared later", "open": True},
        {"date": "2026-12-24", "name": "Stock count"},
    ]
    assert list(calendar.teams.all()) == [service]
    shown = client.get("/tickets/settings/sla/").text
    assert "Christmas Day" in shown and "Stock count" in shown  # the coming closed days

    added = client.post("/tickets/settings/sla/", {
        "form": "policy", "name": "VIP", "customer_tag": "VIP", "first_response_minutes": "30",
        "resolution_minutes": "240", "warn_before_minutes": "10", "is_active": ["off", "on"]})  # fmt: skip
    assert added.status_code == 302
    assert SlaPolicy.objects.get(name="VIP").first_response_minutes == 30


def test_bad_settings_are_refused_with_a_clear_message_and_nothing_saved(admin_user, client):
    client.force_login(admin_user)
    half = client.post("/tickets/settings/sla/", {"form": "calendar", "name": "Half",
                                                   "d0_open1": "08:00"})  # fmt: skip
    assert "give both the opening and the closing time" in half.text
    backwards = client.post("/tickets/settings/sla/", {"form": "calendar", "name": "Back",
                                                        "d0_open1": "17:00", "d0_close1": "08:00"})  # fmt: skip
    assert "closes before it opens" in backwards.text
    closed = client.post("/tickets/settings/sla/", {"form": "calendar", "name": "Never"})
    assert "at least one day" in closed.text
    bad_day = client.post("/tickets/settings/sla/", {"form": "calendar", "name": "X",
        "d0_open1": "08:00", "d0_close1": "17:00", "closed_days": "24/12/2026 Christmas"})  # fmt: skip
    assert "line 1" in bad_day.text
    no_target = client.post("/tickets/settings/sla/", {"form": "policy", "name": "Empty"})
    assert "first-answer or a solution target" in no_target.text
    assert not BusinessCalendar.objects.exists() and not SlaPolicy.objects.exists()


def test_a_seller_may_not_change_service_levels(make_user, client):
    client.force_login(make_user("seller", role="Front office"))
    assert client.get("/tickets/settings/sla/").status_code == 403
    assert client.post("/tickets/settings/sla/", {"form": "policy", "name": "X"}).status_code == 403
    assert not SlaPolicy.objects.exists()


def test_the_api_saves_calendars_and_policies_and_shows_a_tickets_clocks(
    admin_user, make_user, make_team, api_client
):
    admin = api_client(admin_user)
    team = make_team("Service")
    made = call(admin, "post", "/api/v1/business-calendars", {
        "name": "Abuja", "week": OFFICE, "holiday_country": "NG", "holiday_subdivision": "",
        "closed_days": [{"date": "2026-12-31", "name": "Year-end"}], "team_ids": [team.pk]})  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["team_ids"] == [team.pk]
    assert_problem(call(admin, "post", "/api/v1/business-calendars",
                        {"name": "Mars", "time_zone": "Mars/Olympus", "week": OFFICE}), 422,
                   field="time_zone")  # fmt: skip
    assert_problem(call(admin, "post", "/api/v1/business-calendars",
                        {"name": "Bad", "week": {"0": [["9am", "5pm"]]}}), 422, field="week")  # fmt: skip
    assert_problem(call(admin, "post", "/api/v1/business-calendars",
                        {"name": "Where", "week": OFFICE, "holiday_country": "QQ"}), 422,
                   field="holiday_country")  # fmt: skip
    policy = call(admin, "post", "/api/v1/sla-policies",
                  {"name": "Standard", "first_response_minutes": 240, "resolution_minutes": 960})  # fmt: skip
    assert policy.status_code == 201
    assert_problem(call(admin, "post", "/api/v1/sla-policies", {"name": "None"}), 422,
                   field="first_response_minutes")  # fmt: skip
    assert_problem(call(admin, "post", "/api/v1/sla-policies",
                        {"name": "standard", "resolution_minutes": 5}), 422, field="name")  # fmt: skip
    changed = call(admin, "put", f"/api/v1/sla-policies/{policy.json()['id']}",
                   {"name": "Standard", "first_response_minutes": 120, "is_active": True})  # fmt: skip
    assert changed.json()["first_response_minutes"] == 120

    agent = make_user("ada", role="Service desk", team=team)
    ticket = make_ticket(owner=agent)
    shown = call(api_client(agent), "get", f"/api/v1/tickets/{ticket.pk}/sla").json()
    assert shown["policy"] == "Standard"
    assert [c["label"] for c in shown["clocks"]] == ["First answer"]
    assert shown["clocks"][0]["state"] == "running" and shown["clocks"][0]["seconds_left"] > 0
    assert [s["step"] for s in shown["steps"]] == ["started"]
    detail = call(api_client(agent), "get", f"/api/v1/tickets/{ticket.pk}").json()
    assert detail["first_response_due_at"] and detail["resolution_due_at"] is None
    seller = api_client(make_user("seller", role="Front office"))
    assert call(seller, "post", "/api/v1/sla-policies", {"name": "Mine",
                                                         "resolution_minutes": 5}).status_code == 403  # fmt: skip
    outsider = make_user("outsider", role="Service desk", team=make_team("Other"))
    assert call(api_client(outsider), "get", f"/api/v1/tickets/{ticket.pk}/sla").status_code == 404


def test_the_ticket_page_shows_time_left_and_the_steps(admin_user, make_user, make_team, client):
    from centric.tickets.sla_settings import calendar_save, policy_save

    team = make_team("Service")
    calendar_save(name="Round the clock", always_open=True, is_default=True)
    policy_save(name="Standard", first_response_minutes=240, resolution_minutes=960)
    agent = make_user("ada", role="Service desk", team=team)
    ticket = make_ticket(owner=agent)
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/").text
    assert "Service level" in page and "Standard" in page
    assert "3 h 59 min left" in page or "4 h 0 min left" in page
    assert "started" in page

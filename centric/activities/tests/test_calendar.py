"""The iCalendar feed: what a calendar app reads at the secret address, which stops working
when revoked, replaced or when its user is deactivated."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from centric.activities.calendar import _fold
from centric.activities.models import CalendarFeed
from centric.activities.services import activity_complete
from centric.activities.testing import make_activity
from centric.core.api.testing import call
from centric.customers.testing import make_person
from centric.staff.services.users import user_deactivate

pytestmark = pytest.mark.django_db
LAGOS = zoneinfo.ZoneInfo("Africa/Lagos")


@pytest.fixture
def ada(make_user, make_team):
    return make_user("ada", team=make_team("Sales"), first_name="Ada", last_name="Obi")


def _feed_url(client, user) -> str:
    client.force_login(user)
    page = client.post("/activities/calendar/", {"action": "create"})
    client.logout()
    found = re.search(r'value="(http[^"]+\.ics)"', page.text)
    assert found, page.text
    return found.group(1).removeprefix("http://testserver")


def test_a_calendar_app_reads_the_users_activities(ada, client):
    person = make_person(actor=ada, first_name="Chiamaka", last_name="Nwosu")
    make_activity(
        owner=ada,
        kind="meeting",
        title="Meeting; pricing, delivery",
        person=person,
        due_at=dt.datetime(2030, 5, 4, 10, 0, tzinfo=LAGOS),
        duration_minutes=90,
        notes="Bring the catalogue\nand the price list",
    )
    make_activity(
        owner=ada,
        kind="task",
        title="Send the quote",
        all_day=True,
        due_at=dt.datetime(2030, 5, 6, 12, 0, tzinfo=LAGOS),
    )
    url = _feed_url(client, ada)

    response = client.get(url)  # no session: the secret is the key

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    meeting = events["Meeting; pricing, delivery"]
    assert meeting.decoded("DTSTART") == dt.datetime(2030, 5, 4, 9, 0, tzinfo=dt.UTC)
    assert meeting.decoded("DTEND") - meeting.decoded("DTSTART") == dt.timedelta(minutes=90)
    assert "Chiamaka Nwosu" in str(meeting["DESCRIPTION"])
    assert "Bring the catalogue\nand the price list" in str(meeting["DESCRIPTION"])
    task = events["Send the quote"]
    assert task.decoded("DTSTART") == dt.date(2030, 5, 6)
    assert task.decoded("DTEND") == dt.date(2030, 5, 7)
    assert len({str(event["UID"]) for event in events.values()}) == 2


def test_done_activities_are_marked_and_hidden_customers_left_out(
    ada, make_user, make_team, client
):
    other = make_user("bola", team=make_team("Service"))
    secret = make_person(actor=other, first_name="Ngozi")
    make_activity(owner=ada, person=secret, title="Visit Ngozi")
    done = make_activity(owner=ada, title="Restock", due_at=timezone.now())
    activity_complete(done, actor=ada)
    make_activity(owner=other, title="Bola's own call")
    url = _feed_url(client, ada)

    text = client.get(url).content.decode()

    assert "✓ Restock" in text
    assert "Ngozi" not in text and "Bola's own call" not in text


def test_a_new_address_revokes_the_old_and_stop_ends_it(ada, client):
    first = _feed_url(client, ada)
    second = _feed_url(client, ada)

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    client.force_login(ada)
    client.post("/activities/calendar/", {"action": "revoke"})
    assert client.get(second).status_code == 404
    assert client.get("/activities/calendar/cal_not-a-real-secret.ics").status_code == 404


def test_a_deactivated_users_feed_stops_working(ada, make_user, client):
    url = _feed_url(client, ada)
    admin = make_user("admin", role="Administrator")

    user_deactivate(user=ada, actor=admin)

    assert client.get(url).status_code == 404


def test_the_api_makes_shows_and_stops_the_feed(ada, api_client, client):
    api = api_client(ada)

    assert call(api, "get", "/api/v1/calendar-feed").status_code == 404
    made = call(api, "post", "/api/v1/calendar-feed")
    assert made.status_code == 201
    url = made.json()["url"].removeprefix("http://testserver")
    assert client.get(url).status_code == 200
    assert call(api, "get", "/api/v1/calendar-feed").json()["last_used_at"] is not None
    assert call(api, "delete", "/api/v1/calendar-feed").status_code == 204
    assert client.get(url).status_code == 404
    assert CalendarFeed.objects.get().revoked_at is not None


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "Ọjọ́ ìbí Adébáyọ̀ " * 10

    folded = _fold(line)

    parts = folded.split("\r\n ")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert "".join(parts) == line

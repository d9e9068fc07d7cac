"""Activities: planned about a customer and a deal, visible only with that customer, done onto
the timeline once, repeating without drift past a month's end, in pages and in the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from centric.activities.models import Activity
from centric.activities.recurrence import next_due
from centric.activities.services import activity_complete, activity_update
from centric.activities.testing import make_activity
from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.interactions.models import Interaction, InteractionLink
from centric.sales.testing import make_deal

pytestmark = pytest.mark.django_db
LAGOS = zoneinfo.ZoneInfo("Africa/Lagos")


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "ada": make_user("ada", team=sales),
        "chidi": make_user("chidi", team=sales),
        "bola": make_user("bola", team=service),
        "read_only": make_user("reader", role="Read only", team=sales),
    }


def test_an_activity_about_a_deal_is_about_its_customer_too(world):
    person = make_person(actor=world["ada"], first_name="Chinedu")
    deal = make_deal(owner=world["ada"], person=person)

    call_back = make_activity(owner=world["ada"], deal=deal, title="Call Chinedu about the order")

    assert call_back.person == person and call_back.deal == deal
    assert call_back.owner == world["ada"] and call_back.team == world["ada"].team


def test_an_activity_about_a_person_one_may_not_see_is_hidden_even_from_its_owner(
    world, api_client, client
):
    secret = make_person(actor=world["bola"], first_name="Ngozi", last_name="Eze")
    hidden = make_activity(owner=world["ada"], person=secret, title="Visit Ngozi")
    shown = make_activity(owner=world["ada"], title="Prepare the price list")

    assert list(Activity.objects.visible_to(world["ada"])) == [shown]
    assert (
        call(api_client(world["ada"]), "get", f"/api/v1/activities/{hidden.pk}").status_code == 404
    )
    client.force_login(world["ada"])
    assert client.get(f"/activities/{hidden.pk}/").status_code == 404
    assert client.post(f"/activities/{hidden.pk}/done/").status_code == 404
    assert Activity.objects.get(pk=hidden.pk).done_at is None


def test_done_lands_on_the_timeline_once_linked_to_the_deal(world):
    person = make_person(actor=world["ada"], first_name="Chinedu")
    deal = make_deal(owner=world["ada"], person=person, title="50 bags of cement")
    visit = make_activity(
        owner=world["ada"], deal=deal, kind="visit", title="Site visit", notes="Bring <samples>"
    )

    done = activity_complete(visit, actor=world["ada"], outcome="Wants delivery on Friday")
    again = activity_complete(done, actor=world["ada"], outcome="A second click")

    interaction = Interaction.objects.get(person=person)
    assert (interaction.kind, interaction.channel) == ("visit", "visit")
    assert interaction.subject == "Site visit"
    assert interaction.summary == "Wants delivery on Friday"
    assert "&lt;samples&gt;" in interaction.body  # the notes are text, never markup
    targets = set(InteractionLink.objects.values_list("object_id", flat=True))
    assert targets == {deal.pk, visit.pk}
    assert again.done_at == done.done_at and again.outcome == "Wants delivery on Friday"
    assert Interaction.objects.count() == 1


def test_an_internal_task_done_has_no_timeline_entry(world):
    task = make_activity(owner=world["ada"], kind="task", title="Order more stock")

    done = activity_complete(task, actor=world["ada"])

    assert done.done_at is not None and done.interaction is None
    assert not Interaction.objects.exists()


def test_a_repeating_activity_is_followed_by_its_next_occurrence_once(world):
    due = dt.datetime(2027, 1, 31, 9, 0, tzinfo=LAGOS)
    monthly = make_activity(
        owner=world["ada"],
        kind="call",
        title="Monthly check-in",
        due_at=due,
        recurrence="monthly",
        remind_minutes_before=30,
    )

    activity_complete(monthly, actor=world["ada"])
    activity_complete(monthly, actor=world["ada"])  # a double click

    (following,) = Activity.objects.filter(previous=monthly)
    # 31 January + one month is the last day of February, at the same wall-clock time.
    assert following.due_at == dt.datetime(2027, 2, 28, 9, 0, tzinfo=LAGOS)
    assert following.done_at is None and following.recurrence == "monthly"
    assert following.remind_at == following.due_at - dt.timedelta(minutes=30)


@pytest.mark.parametrize(
    ("recurrence", "interval", "due", "expected"),
    [
        ("daily", 1, dt.datetime(2027, 3, 5, 9, 0), dt.datetime(2027, 3, 6, 9, 0)),
        # Friday to Monday, and two weekdays from Friday is Tuesday.
        ("weekdays", 1, dt.datetime(2027, 3, 5, 9, 0), dt.datetime(2027, 3, 8, 9, 0)),
        ("weekdays", 2, dt.datetime(2027, 3, 5, 9, 0), dt.datetime(2027, 3, 9, 9, 0)),
        ("weekly", 2, dt.datetime(2027, 3, 5, 9, 0), dt.datetime(2027, 3, 19, 9, 0)),
        ("monthly", 1, dt.datetime(2027, 12, 15, 9, 0), dt.datetime(2028, 1, 15, 9, 0)),
        ("monthly", 3, dt.datetime(2027, 11, 30, 9, 0), dt.datetime(2028, 2, 29, 9, 0)),
        ("yearly", 1, dt.datetime(2028, 2, 29, 9, 0), dt.datetime(2029, 2, 28, 9, 0)),
        ("", 1, dt.datetime(2027, 3, 5, 9, 0), None),
    ],
)
def test_next_due(recurrence, interval, due, expected):
    assert next_due(due, recurrence, interval) == expected


def test_the_wall_clock_time_holds_across_a_daylight_saving_change():
    london = zoneinfo.ZoneInfo("Europe/London")
    before = dt.datetime(2027, 3, 27, 9, 0, tzinfo=london)  # the day before clocks go forward

    after = next_due(before, "daily")

    assert after is not None and after.astimezone(london).hour == 9
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(hours=23)


def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(world, api_client):
    api = api_client(world["ada"])

    for body, field in (
        ({"title": "Call", "kind": "telegram"}, "kind"),
        ({"title": "Call", "recurrence_interval": 0}, "recurrence_interval"),
        ({"title": "Call", "duration_minutes": -5}, "duration_minutes"),
        ({"title": "", "kind": "call"}, "title"),
        ({"title": "Call", "due_at": "tomorrow-ish"}, "due_at"),
    ):
        assert_problem(call(api, "post", "/api/v1/activities", body), 422, field=field)
    assert not Activity.objects.exists()


def test_the_api_plans_and_completes_an_activity(world, api_client):
    person = make_person(actor=world["ada"], first_name="Bisi", last_name="Adeyemi")
    api = api_client(world["ada"])

    created = call(
        api,
        "post",
        "/api/v1/activities",
        {
            "kind": "call",
            "title": "Call Bisi about the quote",
            "due_at": "2027-01-12T10:30:00+01:00",
            "person_id": person.pk,
            "remind_minutes_before": 10,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    done = call(
        api,
        "post",
        f"/api/v1/activities/{body['id']}/complete",
        {"outcome": "She will pay on Monday", "version": body["version"]},
    )

    assert done.status_code == 200, done.content
    result = done.json()
    interaction = Interaction.objects.get(pk=result["interaction_id"])
    assert interaction.person == person and interaction.kind == "call"
    assert result["outcome"] == "She will pay on Monday" and result["next_activity_id"] is None
    again = call(api, "post", f"/api/v1/activities/{body['id']}/complete", {"outcome": "again"})
    assert again.json()["interaction_id"] == result["interaction_id"]
    stale = call(api, "post", "/api/v1/activities", {"title": "Other", "kind": "task"}).json()
    call(api, "patch", f"/api/v1/activities/{stale['id']}", {"title": "Renamed"})
    refused = call(
        api, "post", f"/api/v1/activities/{stale['id']}/complete", {"version": stale["version"]}
    )
    assert_problem(refused, 409)


def test_one_who_may_only_read_cannot_complete(world, api_client):
    activity = make_activity(owner=world["ada"], title="Send the invoice")

    refused = call(
        api_client(world["read_only"]), "post", f"/api/v1/activities/{activity.pk}/complete", {}
    )

    assert refused.status_code == 403
    assert Activity.objects.get(pk=activity.pk).done_at is None


def test_done_from_a_page_goes_back_where_it_came_from(world, client):
    person = make_person(actor=world["ada"], first_name="Emeka")
    activity = make_activity(owner=world["ada"], person=person, title="Call Emeka")
    client.force_login(world["ada"])

    page = client.get(f"/people/{person.pk}/")
    response = client.post(
        f"/activities/{activity.pk}/done/", {"outcome": "Interested", "next": "/"}
    )

    assert "Call Emeka" in page.text and "Plan an activity" in page.text
    assert response.status_code == 302 and response["Location"] == "/"
    assert Activity.objects.get(pk=activity.pk).outcome == "Interested"
    evil = client.post(f"/activities/{activity.pk}/done/", {"next": "https://evil.example/"})
    assert evil["Location"] == f"/activities/{activity.pk}/"


def test_the_form_uses_the_browsers_date_and_time_pickers(world, client):
    client.force_login(world["ada"])

    page = client.get("/activities/new/")

    assert 'type="datetime-local"' in page.text
    created = client.post(
        "/activities/new/",
        {
            "kind": "meeting",
            "title": "Meet the buyer",
            "due_at": "2027-02-01T14:00",
            "duration_minutes": 60,
            "recurrence_interval": 1,
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    meeting = Activity.objects.get(title="Meet the buyer")
    assert meeting.due_at == dt.datetime(2027, 2, 1, 14, 0, tzinfo=LAGOS)


def test_moving_the_due_time_moves_the_reminder(world):
    activity = make_activity(owner=world["ada"], remind_minutes_before=60)
    first = activity.remind_at

    moved = activity_update(
        activity, actor=world["ada"], due_at=activity.due_at + dt.timedelta(days=1)
    )

    assert moved.remind_at == first + dt.timedelta(days=1) and moved.reminded_at is None
    cleared = activity_update(moved, actor=world["ada"], remind_minutes_before=None)
    assert cleared.remind_at is None


def test_an_activity_cannot_name_a_person_its_author_may_not_see(world, api_client):
    secret = make_person(actor=world["bola"], first_name="Ngozi")

    refused = call(
        api_client(world["ada"]),
        "post",
        "/api/v1/activities",
        {"title": "Call Ngozi", "person_id": secret.pk},
    )

    assert_problem(refused, 422, field="person_id")
    assert not Activity.objects.exists()

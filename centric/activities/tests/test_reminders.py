"""Reminders delivered by the worker: an in-app notification and an email through a real SMTP
server on loopback; stale, done and repeated reminders deliver nothing more."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from centric.activities.models import Activity
from centric.activities.reminders import reminder_deliver
from centric.activities.services import activity_complete, activity_update
from centric.activities.testing import make_activity
from centric.customers.testing import make_person
from centric.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ada(make_user, make_team):
    return make_user("ada", team=make_team("Sales"), first_name="Ada", last_name="Obi")


def _run_worker() -> None:
    call_command("worker", batch=True, interval=0, stdout=io.StringIO(), stderr=io.StringIO())


def test_a_due_reminder_arrives_in_app_and_by_email(ada, smtp):
    person = make_person(actor=ada, first_name="Chinedu", last_name="Okafor")
    # Due in five minutes, reminded ten minutes before: the reminder is due now.
    make_activity(
        owner=ada,
        person=person,
        title="Call Chinedu about the invoice",
        due_at=timezone.now() + dt.timedelta(minutes=5),
        remind_minutes_before=10,
        notes="He asked for the account number",
    )

    _run_worker()
    _run_worker()  # a second pass finds nothing more to send

    (notification,) = Notification.objects.filter(user=ada)
    assert notification.title == "Reminder: Call Chinedu about the invoice"
    assert "Chinedu Okafor" in notification.body and notification.read_at is None
    (message,) = smtp.messages
    assert message["Subject"] == "Reminder: Call Chinedu about the invoice"
    assert message["X-Envelope-To"] == "ada@example.com"
    text = message.get_content()
    assert "He asked for the account number" in text and "/activities/" in text


def test_a_reminder_not_yet_due_waits_for_its_time(ada, smtp):
    activity = make_activity(
        owner=ada, due_at=timezone.now() + dt.timedelta(days=2), remind_minutes_before=60
    )

    _run_worker()

    assert not Notification.objects.exists() and not smtp.messages
    assert Activity.objects.get(pk=activity.pk).reminded_at is None


def test_a_moved_or_done_activity_gets_no_stale_reminder(ada, smtp):
    moved = make_activity(owner=ada, title="Moved", due_at=timezone.now(), remind_minutes_before=0)
    first_time = moved.remind_at
    activity_update(moved, actor=ada, due_at=timezone.now() + dt.timedelta(days=3))
    done = make_activity(owner=ada, title="Done", due_at=timezone.now(), remind_minutes_before=0)
    remind_at = done.remind_at
    activity_complete(done, actor=ada)

    _run_worker()

    assert reminder_deliver(moved.pk, first_time) == "stale"
    assert reminder_deliver(done.pk, remind_at) == "stale"
    assert not Notification.objects.exists() and not smtp.messages


def test_a_repeated_delivery_notifies_once(ada, smtp):
    activity = make_activity(owner=ada, due_at=timezone.now(), remind_minutes_before=0)

    results = [reminder_deliver(activity.pk, activity.remind_at) for _ in range(3)]

    assert results == ["sent", "already sent", "already sent"]
    assert Notification.objects.count() == 1 and len(smtp.messages) == 1


def test_a_mail_server_that_is_down_leaves_the_notification(ada, caplog):
    activity = make_activity(owner=ada, due_at=timezone.now(), remind_minutes_before=0)

    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=1,  # nothing listens there
        EMAIL_TIMEOUT=2,
    ):
        assert reminder_deliver(activity.pk, activity.remind_at) == "sent"

    assert Notification.objects.filter(user=ada).count() == 1
    assert "Reminder email to ada@example.com failed" in caplog.text


def test_the_inbox_shows_and_opens_a_reminder(ada, client):
    activity = make_activity(owner=ada, due_at=timezone.now(), remind_minutes_before=0)
    reminder_deliver(activity.pk, activity.remind_at)
    client.force_login(ada)

    badge = client.get("/notifications/badge/")
    inbox = client.get("/notifications/")
    notification = Notification.objects.get(user=ada)
    opened = client.get(f"/notifications/{notification.pk}/")

    assert ">1<span" in badge.text
    assert activity.title in inbox.text
    assert opened.status_code == 302 and opened["Location"] == f"/activities/{activity.pk}/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None
    assert client.get("/notifications/badge/").text.strip() == ""

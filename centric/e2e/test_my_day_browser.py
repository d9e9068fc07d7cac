"""My day in a browser: the seller sees today's and overdue activities, marks one done from
the keyboard and comes back to the page; the bell counts a reminder; the activity form uses
the browser's date-time picker; no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centric.activities.models import Activity
from centric.activities.reminders import reminder_deliver
from centric.activities.testing import make_activity
from centric.customers.testing import make_person
from centric.e2e.test_accessibility_browser import _violations
from centric.sales.testing import make_deal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # for the injected axe-core script


def test_a_seller_does_the_day(page, live_server, sign_in, make_user, make_team):
    seller = make_user("seller", team=make_team("Sales"), first_name="Ada")
    person = make_person(actor=seller, first_name="Kelechi", last_name="Obi")
    overdue = make_activity(
        owner=seller,
        person=person,
        title="Call Kelechi back",
        due_at=timezone.now() - dt.timedelta(days=1),
    )
    reminded = make_activity(
        owner=seller, title="Send the price list", due_at=timezone.now(), remind_minutes_before=0
    )
    reminder_deliver(reminded.pk, reminded.remind_at)
    make_deal(owner=seller, title="Generator contract", next_step="", person=person)
    sign_in(page, seller)
    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.get_by_role("link", name="Call Kelechi back")).to_be_visible()
    expect(page.get_by_role("link", name="Generator contract")).to_be_visible()
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    assert _violations(page) == []

    row = page.locator("li", has=page.get_by_role("link", name="Call Kelechi back"))
    row.get_by_role("button", name="Done").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("“Call Kelechi back” is done.")).to_be_visible()
    assert Activity.objects.get(pk=overdue.pk).done_at is not None
    expect(page.get_by_role("link", name="Call Kelechi back")).to_have_count(0)

    page.goto(f"{live_server.url}/activities/new/")
    assert page.get_by_label("Due").get_attribute("type") == "datetime-local"

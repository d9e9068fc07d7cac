"""The service desk in a browser: an administrator sets a calendar's hours from the keyboard
form; an agent sees a ticket's SLA clock and inserts a help article's link into a reply; a
customer rates a solved ticket on a phone-sized screen from the emailed link; no WCAG 2.1 A/AA
violation on these pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centric.e2e.test_accessibility_browser import _violations
from centric.knowledge.testing import make_article
from centric.tickets.models import BusinessCalendar, SatisfactionRating
from centric.tickets.satisfaction import rating_token
from centric.tickets.sla_settings import calendar_save, policy_save
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # for the injected axe-core script


def test_an_administrator_adds_a_calendar(page, live_server, sign_in, make_user, make_team):
    make_team("Service")
    admin = make_user("admin", role="Administrator", is_superuser=True)
    sign_in(page, admin)
    page.goto(f"{live_server.url}/tickets/settings/sla/")
    expect(page.get_by_role("heading", name="Service levels")).to_be_visible()
    page.locator("#cal-name-new").fill("Lagos office")  # the new calendar's form
    page.get_by_role("button", name="Add calendar").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    calendar = BusinessCalendar.objects.get(name="Lagos office")
    assert calendar.holiday_country == "NG" and calendar.week["0"] == [["08:00", "17:00"]]
    expect(page.get_by_text("Christmas Day").first).to_be_attached()
    assert _violations(page) == []


def test_an_agent_sees_the_clock_and_links_an_article(
    page, live_server, sign_in, make_user, make_team
):
    calendar_save(name="All day", always_open=True, is_default=True)
    policy_save(name="Standard", first_response_minutes=240, resolution_minutes=960)
    agent = make_user("ngozi", role="Service desk", team=make_team("Service"))
    make_article(owner=agent, title="Reset the inverter", audience="public", status="published")
    ticket = make_ticket(owner=agent, subject="Inverter beeps")
    sign_in(page, agent)
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    expect(page.get_by_text("left").first).to_be_visible()
    page.get_by_label("Reply or note").fill("Hello, please try this:")
    page.get_by_role("button", name="Insert link in the reply").click()
    expect(page.get_by_label("Reply or note")).to_have_value(
        "Hello, please try this:\n\nReset the inverter: http://127.0.0.1:8000/help/reset-the-inverter/"
    )
    assert _violations(page) == []


def test_a_customer_rates_from_a_phone(browser, live_server, make_user, make_team):
    agent = make_user("ngozi", role="Service desk", team=make_team("Service"))
    ticket = make_ticket(owner=agent, subject="Delivery to Lekki")
    phone = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = phone.new_page()
    page.goto(f"{live_server.url}/rate/{rating_token(ticket)}/?score=4")
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(page.get_by_label("4")).to_be_checked()
    page.get_by_label("Anything to add? (optional)").fill("The driver called first")
    page.get_by_role("button", name="Send my rating").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment) == (4, "The driver called first")
    assert _violations(page) == []
    phone.close()

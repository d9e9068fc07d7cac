"""The count page in a browser: whose figure, lost beside the customers, the chart's table, the
notice for a resolution no worker picks up; no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from centric.customers.tests.factories import make_person
from centric.e2e.test_accessibility_browser import _violations
from centric.identity.models import ResolutionRun

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def test_the_count_page_says_whose_and_what_changed(
    page, live_server, sign_in, make_user, make_team
):
    seller = make_user("seller", role="Manager", team=make_team("Sales"))
    make_person(actor=seller, first_name="Chinedu", last_name="Okafor", lifecycle_stage="customer")
    make_person(
        actor=seller,
        first_name="Bisi",
        last_name="Adeyemi",
        lifecycle_stage="customer",
        lost_at=timezone.localdate(),
        lost_to="ShopRite",
    )
    ResolutionRun.objects.create()  # queued; no worker runs in this test
    sign_in(page, seller)
    page.goto(f"{live_server.url}/customers/")
    expect(page.locator("#count-number")).to_have_text("1")
    expect(page.locator("#count-scope")).to_have_text("in the teams you can see: Sales")
    expect(page.locator("#count-lost")).to_have_text("1")
    expect(page.get_by_text("No background worker is running")).to_be_visible()
    expect(page.locator("#trend-this-month")).to_contain_text("−1 lost")
    if shots := os.environ.get("CENTRIC_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/count.png", full_page=True)
    assert _violations(page) == []

"""Accepting every group of duplicates above a confidence, with the keyboard only: type the
confidence, see what it would merge, merge, and undo it all; the pages pass axe's WCAG checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.e2e.test_accessibility_browser import _violations
from centric.identity.models import BulkMerge, CandidatePair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # for axe-core only


def _pair(a, b, probability):
    low, high = sorted([a.pk, b.pk])
    CandidatePair.objects.create(
        person_low_id=low,
        person_high_id=high,
        probability=probability,
        weight=5,
        evidence=[{"comparison": "phone", "level": "same number", "weight": 6.8}],
    )


def test_accept_groups_above_a_confidence_and_undo_with_the_keyboard(
    page, live_server, sign_in, make_user, make_team
):
    manager = make_user("ngozi", role="Manager", team=make_team("Sales"), first_name="Ngozi")
    okafor = [
        make_person(actor=manager, first_name=name, last_name="Okafor", phone="0803 123 4567")
        for name in ("Chinedu", "Chinedu", "Chined")
    ]
    _pair(okafor[0], okafor[1], 0.99)
    _pair(okafor[1], okafor[2], 0.98)
    _pair(okafor[0], okafor[2], 0.97)
    bisi = [make_person(actor=manager, first_name="Bisi", last_name="Adeyemi") for _ in range(2)]
    _pair(*bisi, 0.7)
    sign_in(page, manager)

    page.goto(f"{live_server.url}/customers/duplicates/")
    rows = page.locator("#list-region tbody tr")
    expect(rows.first).to_contain_text("3 records · 3 pairs")
    expect(rows.nth(1)).to_contain_text("Bisi Adeyemi")
    assert _violations(page) == []

    threshold = page.get_by_label("Confidence")
    threshold.focus()
    threshold.fill("0.95")
    threshold.press("Enter")  # htmx fetches the preview in place
    preview = page.locator("#accept-preview")
    expect(preview).to_contain_text("At 0.95: 1 group of 3 records becomes one customer")
    merge = preview.get_by_role("button", name="Merge 1 group")
    merge.focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/customers/duplicates/accepted/*/")
    expect(page.locator(".messages")).to_contain_text("1 group(s) merged")
    assert Person.objects.filter(merged_into=okafor[0]).count() == 2
    assert Person.objects.get(pk=okafor[0].pk).first_name == "Chinedu"
    assert _violations(page) == []

    page.once("dialog", lambda dialog: dialog.accept())
    undo = page.get_by_role("button", name="Undo all these merges")
    undo.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("1 merge(s) undone")
    assert BulkMerge.objects.get().status == BulkMerge.Status.UNDONE
    assert not Person.objects.filter(merged_into__isnull=False).exists()

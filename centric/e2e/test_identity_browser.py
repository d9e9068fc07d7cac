"""Resolving a duplicate in a real browser: a manager opens the review queue, opens a pair, merges
it through the golden-record preview with one manual pick, lands on the survivor's page with an
Undo button, and undoes the merge."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair, Merge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_merge_and_undo(page, live_server, sign_in, make_user, make_team):
    manager = make_user("ngozi", role="Manager", team=make_team("Sales"), first_name="Ngozi")
    long_name = make_person(
        actor=manager,
        first_name="Chukwuemeka",
        last_name="Okafor",
        phone="0803 123 4567",
        lifecycle_stage="customer",
    )
    short_name = make_person(
        actor=manager,
        first_name="Emeka",
        last_name="Okafor",
        phone="+234 803 123 4567",
        email="emeka@example.com",
        lifecycle_stage="customer",
    )
    pair = CandidatePair.objects.create(
        person_low_id=long_name.pk,
        person_high_id=short_name.pk,
        probability=0.91,
        weight=3.3,
        evidence=[
            {"comparison": "first name", "level": "nickname", "weight": 4.9},
            {"comparison": "last name", "level": "exact", "weight": 6.1},
            {"comparison": "phone", "level": "same number", "weight": 6.8},
        ],
    )
    sign_in(page, manager)

    # The queue, from the navigation.
    page.locator("#sidebar").get_by_role("link", name="Duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicates")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Chukwuemeka Okafor")
    expect(row).to_contain_text("91%")
    row.get_by_role("link", name="Review").click()

    # Side by side, with the evidence.
    expect(page.get_by_role("heading", level=1)).to_have_text("Same person?")
    expect(page.locator("table.compare")).to_contain_text("emeka@example.com")
    expect(page.locator("table.compare")).to_contain_text("First name: nickname")
    page.get_by_role("link", name="Merge…").click()

    # The preview: keep the long name, keep the older record as the survivor.
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge records")
    page.get_by_label(f"First name: Chukwuemeka Okafor (#{long_name.pk})").check()
    expect(page.get_by_label(f"First name: Emeka Okafor (#{short_name.pk})")).not_to_be_checked()
    page.get_by_role("button", name="Merge", exact=True).click()

    # The survivor's page, with the undo button.
    page.wait_for_url(f"{live_server.url}/people/{long_name.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Chukwuemeka Okafor")
    messages = page.locator(".messages")
    expect(messages).to_contain_text("1 record(s) merged into Chukwuemeka Okafor.")
    short_name.refresh_from_db()
    assert short_name.merged_into_id == long_name.pk
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.MERGED
    expect(page.get_by_text("emeka@example.com")).to_be_visible()

    messages.get_by_role("button", name="Undo").click()
    page.wait_for_url(f"{live_server.url}/people/{long_name.pk}/")
    expect(page.locator(".messages")).to_contain_text("Merge undone")
    short_name.refresh_from_db()
    assert short_name.merged_into_id is None
    assert Merge.objects.get().undone_at is not None
    assert Person.objects.get(pk=short_name.pk).contact_points.filter(kind="email").exists()
    expect(page.get_by_text("emeka@example.com")).to_have_count(0)

    # Undone: the pair waits in the queue again.
    page.goto(f"{live_server.url}/customers/duplicates/")
    expect(page.locator("tbody tr").first).to_contain_text("Emeka Okafor")


def test_the_person_form_warns_about_a_likely_duplicate(
    page, live_server, sign_in, make_user, make_team
):
    user = make_user("tunde", team=make_team("Sales"), first_name="Tunde")
    existing = make_person(
        actor=user,
        first_name="Chukwuemeka",
        last_name="Okafor",
        phone="0803 123 4567",
        lifecycle_stage="customer",
    )
    make_person(actor=user, first_name="Ada", last_name="Obi", phone="0802 000 0000")
    sign_in(page, user)
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("First name").fill("Emeka")
    page.get_by_label("Last name").fill("Okafor")
    with page.expect_response(
        lambda r: "/customers/duplicates/check" in r.url and "phone" in r.url
    ):
        page.get_by_label("Phone", exact=True).fill("+234 803 123 4567")
        page.get_by_label("Email", exact=True).click()
    panel = page.locator("#duplicate-panel")
    expect(panel).to_contain_text("This looks like")
    link = panel.get_by_role("link", name="Chukwuemeka Okafor")
    expect(link).to_have_attribute("href", f"/people/{existing.pk}/")
    expect(panel).to_contain_text("% likely the same")
    expect(panel).to_contain_text("Phone:")
    expect(panel).not_to_contain_text("Ada Obi")

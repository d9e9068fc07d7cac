"""An organisation's timeline in a real browser: its people's calls show on it, "Show" narrows
it to the organisation itself, and a meeting added by hand appears at the top without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from centric.customers.services import membership_set, organisation_create, person_create
from centric.interactions.models import Interaction
from centric.interactions.services import interaction_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_a_meeting_to_an_organisation_and_narrow_its_timeline(
    page, live_server, sign_in, make_user, make_team
):
    user = make_user("ngozi", team=make_team("Sales", kind="sales"))
    shop = organisation_create(actor=user, name="Balogun Textiles")
    buyer = person_create(actor=user, first_name="Amaka", last_name="Obi")
    membership_set(person=buyer, organisation=shop, role="Buyer")
    interaction_create(person=buyer, channel="phone", kind="call", subject="Called Amaka")
    sign_in(page, user)

    page.goto(f"{live_server.url}/people/organisations/{shop.pk}/")
    timeline = page.locator("#timeline-items")
    expect(timeline.locator(".timeline-item")).to_have_count(1)
    expect(timeline.locator(".timeline-item").first).to_contain_text("Amaka Obi")

    page.evaluate("window.__noReload = true")
    form = page.locator("#interaction-form")
    form.get_by_label("Type").select_option("meeting")
    form.get_by_label("Subject").fill("Quarterly review")
    form.get_by_label("What happened").fill("Agreed the May order.")
    with page.expect_response(lambda r: "/timeline/" in r.url and r.status == 201):
        form.get_by_role("button", name="Add to timeline").click()
    expect(timeline.locator(".timeline-item").first).to_contain_text("Quarterly review")
    expect(timeline.locator(".timeline-item")).to_have_count(2)
    assert page.evaluate("window.__noReload") is True
    meeting = Interaction.objects.get(kind="meeting")
    assert (meeting.organisation_id, meeting.person_id) == (shop.pk, None)

    page.get_by_label("Show").select_option("organisation")
    expect(timeline.locator(".timeline-item")).to_have_count(1)
    expect(timeline).not_to_contain_text("Called Amaka")
    expect(timeline).to_contain_text("Quarterly review")

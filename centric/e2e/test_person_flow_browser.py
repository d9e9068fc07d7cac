"""The everyday flow in a real browser: create a person with a messy phone number, find them by
another spelling of it from the search box (keyboard only), open their timeline, add a note."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centric.customers.models import Person
from centric.interactions.models import Interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_find_by_phone_and_add_a_note(page, live_server, sign_in, make_user, make_team):
    user = make_user("amaka", team=make_team("Sales", kind="sales"), first_name="Amaka")
    sign_in(page, user)

    # Create a person with the phone written the way people write it.
    page.get_by_role("link", name="New person").click()
    page.get_by_label("First name").fill("Chidinma")
    page.get_by_label("Last name").fill("Okonkwo-Browser")
    page.get_by_label("Phone", exact=True).fill("0803 123 4567")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chidinma Okonkwo-Browser")
    expect(page.locator(".messages")).to_contain_text("Chidinma Okonkwo-Browser was added.")
    person = Person.objects.get(last_name="Okonkwo-Browser")
    assert person.primary_phone == "+2348031234567"

    # From another page, "/" focuses the search box; type the international spelling.
    page.goto(f"{live_server.url}/people/")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("/")
    search = page.locator("#search-input")
    expect(search).to_be_focused()
    with page.expect_response(lambda r: "/search/" in r.url and r.status == 200):
        page.keyboard.type("+234 803 123 4567")
    results = page.locator("#search-results")
    expect(results).to_be_visible()
    expect(results).to_contain_text("Chidinma Okonkwo-Browser")
    expect(results).to_contain_text("+234 803 123 4567")

    # Arrow down selects the result, Enter opens it.
    page.keyboard.press("ArrowDown")
    expect(results.locator('[role="option"]').first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", re.compile("search-option-p"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/people/{person.pk}/")

    # Ctrl-K also reaches the search box.
    page.keyboard.press("Control+k")
    expect(search).to_be_focused()
    page.keyboard.press("Escape")

    # The timeline: add a note; it appears at the top without a page load.
    timeline = page.locator("#timeline-items")
    expect(timeline).to_contain_text("Nothing on the timeline yet.")
    page.evaluate("window.__noReload = true")
    form = page.locator("#interaction-form")
    form.get_by_label("Subject").fill("Asked about the blue fabric")
    form.get_by_label("What happened").fill("Wants 6 yards by Friday.")
    with page.expect_response(lambda r: "/timeline/" in r.url and r.status == 201):
        form.get_by_role("button", name="Add to timeline").click()
    first_entry = timeline.locator(".timeline-item").first
    expect(first_entry).to_contain_text("Asked about the blue fabric")
    expect(first_entry).to_contain_text("Wants 6 yards by Friday.")
    expect(first_entry).to_contain_text("Note")
    expect(page.locator(".timeline-empty")).to_be_hidden()
    assert page.evaluate("window.__noReload") is True
    # The form is fresh again for the next entry.
    expect(page.locator("#interaction-form").get_by_label("Subject")).to_have_value("")
    note = Interaction.objects.get(person=person)
    assert (note.kind, note.actor_user_id) == ("note", user.pk)

    # The fresh form works again: log a call, which goes on top of the note.
    form = page.locator("#interaction-form")
    form.get_by_label("Type").select_option("call")
    form.get_by_label("What happened").fill("Called back about the fabric.")
    with page.expect_response(lambda r: "/timeline/" in r.url and r.status == 201):
        form.get_by_role("button", name="Add to timeline").click()
    expect(timeline.locator(".timeline-item").first).to_contain_text(
        "Called back about the fabric."
    )
    expect(timeline.locator(".timeline-item")).to_have_count(2)
    assert page.evaluate("window.__noReload") is True
    assert Interaction.objects.filter(person=person, kind="call", channel="phone").exists()


def test_phone_layout_has_a_menu_button(page, live_server, sign_in, make_user):
    user = make_user("bola")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, user)
    navigation = page.locator("#sidebar")
    menu = page.locator("#menu-toggle")
    expect(menu).to_be_visible()
    expect(navigation.get_by_role("link", name="People")).not_to_be_in_viewport()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="People")).to_be_in_viewport()
    navigation.get_by_role("link", name="People").click()
    page.wait_for_url(f"{live_server.url}/people/")


def test_timeline_filters_and_load_more_in_the_browser(
    page, live_server, sign_in, make_user, make_team
):
    import datetime as dt

    from django.utils import timezone

    from centric.customers.services import person_create
    from centric.interactions.services import interaction_create

    user = make_user("tunde", team=make_team("Service", kind="service"))
    person = person_create(actor=user, first_name="Kemi", last_name="Timeline")
    now = timezone.now()
    for index in range(24):
        channel, kind = (("email", "email"), ("whatsapp", "message"))[index % 2]
        interaction_create(
            person=person,
            channel=channel,
            kind=kind,
            subject=f"{channel} {index}",
            occurred_at=now - dt.timedelta(hours=index),
        )
    sign_in(page, user)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    items = page.locator("#timeline-items .timeline-item")
    expect(items).to_have_count(20)
    expect(items.first).to_contain_text("email 0")

    page.get_by_role("link", name="Load more").click()
    expect(items).to_have_count(24)
    expect(items.last).to_contain_text("whatsapp 23")

    page.get_by_label("Channel").select_option("whatsapp")
    expect(items).to_have_count(12)
    expect(items.first).to_contain_text("whatsapp 1")
    expect(page.locator("#timeline-items")).not_to_contain_text("email")

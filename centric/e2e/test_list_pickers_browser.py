"""The owner and tag filters of the people list in a real browser: type a few letters, pick with
the keyboard, the list refreshes and the choice survives a reload; on a phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centric.customers.tests.factories import make_person
from centric.extras.services import tag_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def business(make_user, make_team):
    sales = make_team("Sales", kind="sales")
    viewer = make_user("boss", role="Administrator", team=sales, first_name="Boss")
    adebayo = make_user("abayo", team=sales, first_name="Adébáyọ̀", last_name="Okafor")
    bola = make_user("bola", team=sales, first_name="Bola", last_name="Adeyemi")
    vip = tag_create(name="VIP customers")
    tag_create(name="Vintage")
    first = make_person(actor=adebayo, first_name="Owned", last_name="ByAdebayo")
    make_person(actor=bola, first_name="Owned", last_name="ByBola")
    first.tags.set([vip])
    return {"viewer": viewer}


def test_pick_an_owner_and_a_tag_with_the_keyboard(page, live_server, sign_in, business):
    sign_in(page, business["viewer"])
    page.goto(f"{live_server.url}/people/")
    rows = page.locator("#list-region tbody")
    expect(rows).to_contain_text("ByBola")

    owner = page.get_by_label("Owner", exact=True)
    owner.click()
    with page.expect_response(lambda r: "/staff/lookup/users/?q=adeb" in r.url):
        owner.press_sequentially("adeb")
    options = page.locator("#id_owner_options [role='option']")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Adébáyọ̀ Okafor")
    expect(owner).to_have_attribute("aria-expanded", "true")
    # typing alone does not filter
    expect(rows).to_contain_text("ByBola")

    owner.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(owner).to_have_attribute("aria-activedescendant", "id_owner_options_0")
    with page.expect_response(lambda r: "/people/?" in r.url and "owner=abayo" in r.url):
        owner.press("Enter")
    expect(owner).to_have_value("abayo")
    expect(page.locator("#id_owner_options")).to_be_hidden()
    expect(rows).to_contain_text("ByAdebayo")
    expect(rows).not_to_contain_text("ByBola")
    expect(page).to_have_url(re.compile(r"owner=abayo"))

    tag = page.get_by_label("Tag", exact=True)
    tag.click()
    with page.expect_response(lambda r: "/settings/tags/lookup/?q=vi" in r.url):
        tag.press_sequentially("vi")
    tag_options = page.locator("#id_tag_options [role='option']")
    expect(tag_options).to_have_count(2)
    tag.press("Escape")
    expect(page.locator("#id_tag_options")).to_be_hidden()
    tag.press("ArrowDown")  # opens the list again
    tag.press("ArrowDown")
    tag.press("ArrowDown")
    expect(tag_options.nth(1)).to_have_attribute("aria-selected", "true")
    tag.press("ArrowUp")
    expect(tag_options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(tag_options.nth(0)).to_have_text("Vintage")
    tag.press("ArrowDown")
    expect(tag_options.nth(1)).to_have_text("VIP customers")
    with page.expect_response(lambda r: "/people/?" in r.url and "tag=VIP" in r.url):
        tag.press("Enter")
    expect(tag).to_have_value("VIP customers")

    # After a reload the choices are still there, the owner named under the field.
    page.reload()
    expect(page.get_by_label("Owner", exact=True)).to_have_value("abayo")
    expect(page.get_by_label("Tag", exact=True)).to_have_value("VIP customers")
    expect(page.locator("[data-lookup-label]").first).to_have_text("Adébáyọ̀ Okafor")
    expect(rows).to_contain_text("ByAdebayo")


def test_the_me_shortcut_and_clearing_the_owner(page, live_server, sign_in, business):
    sign_in(page, business["viewer"])
    page.goto(f"{live_server.url}/people/?owner=abayo")
    rows = page.locator("#list-region tbody")
    expect(rows).not_to_contain_text("ByBola")

    owner = page.get_by_label("Owner", exact=True)
    owner.fill("")
    with page.expect_response(lambda r: "/staff/lookup/users/?q=m" in r.url):
        owner.press_sequentially("m")
    me = page.locator("#id_owner_options [role='option']").first
    expect(me).to_have_text("Me")
    with page.expect_response(lambda r: "/people/?" in r.url and "owner=me" in r.url):
        me.click()
    expect(owner).to_have_value("me")
    expect(rows).to_contain_text("No one matches these filters.")

    # Emptying the field and leaving it shows everyone again.
    owner.fill("")
    with page.expect_response(lambda r: r.url.endswith("/people/")):
        owner.press("Tab")
    expect(rows).to_contain_text("ByBola")


def test_without_javascript_the_fields_are_plain_text(browser, live_server, business):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "boss")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Owner", exact=True).fill("bola")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"owner=bola"))
    rows = page.locator("tbody")
    expect(rows).to_contain_text("ByBola")
    expect(rows).not_to_contain_text("ByAdebayo")
    expect(page.locator("[data-lookup-label]").first).to_have_text("Bola Adeyemi")
    context.close()


def test_on_a_phone_the_suggestions_fit_the_screen(browser, live_server, business):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "boss")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.goto(f"{live_server.url}/people/")
    owner = page.get_by_label("Owner", exact=True)
    owner.tap()
    with page.expect_response(lambda r: "/staff/lookup/users/?q=bo" in r.url):
        owner.press_sequentially("bo")
    option = page.locator("#id_owner_options [role='option']", has_text="Bola Adeyemi")
    box = page.locator("#id_owner_options").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    with page.expect_response(lambda r: "/people/?" in r.url and "owner=bola" in r.url):
        option.tap()
    expect(owner).to_have_value("bola")
    expect(page.locator("#list-region tbody")).not_to_contain_text("ByAdebayo")
    context.close()


def test_give_a_person_another_owner_with_the_picker(page, live_server, sign_in, business):
    """The edit form's owner is the same type-ahead: pick a colleague with the keyboard, save."""
    from centric.customers.models import Person

    person = Person.objects.get(last_name="ByBola")
    sign_in(page, business["viewer"])
    page.goto(f"{live_server.url}/people/{person.pk}/edit/")
    owner = page.get_by_label("Owner", exact=True)
    expect(owner).to_have_value("bola")
    expect(page.locator("[data-lookup-label]")).to_have_text("Bola Adeyemi")

    owner.fill("")
    with page.expect_response(lambda r: "/staff/lookup/users/?q=adeb" in r.url):
        owner.press_sequentially("adeb")
    options = page.locator("#id_owner_options [role='option']")
    expect(options).to_have_count(1)
    owner.press("ArrowDown")
    owner.press("Enter")  # picks; it does not submit the form
    expect(owner).to_have_value("abayo")
    expect(page.locator("[data-lookup-label]")).to_have_text("Adébáyọ̀ Okafor")
    expect(page).to_have_url(re.compile(r"/edit/$"))

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    person.refresh_from_db()
    assert person.owner.username == "abayo"

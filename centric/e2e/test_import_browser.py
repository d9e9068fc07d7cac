"""Importing a Google Contacts file in a real browser, as an administrator: upload it, read each
column's suggestion and why, change one with the keyboard, choose the owner and team of new
records, save the mapping as a template, preview the rows (a repeated row named by its earlier
line, an update's changes field by field), import it with the real worker, and find the people
stored as the file says; the next file of that shape is offered the template."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.e2e.test_accessibility_browser import _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # for axe-core only


# Google Contacts' new layout, as Google writes it: a label column beside each value, several
# values in one cell joined by " ::: ", the group labels in "Labels".
HEADER = (
    "First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,"
    "Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value"
)
GOOGLE = (
    f"{HEADER}\n"
    "Amaka,,Okonkwo,Amy,Okonkwo Fabrics,Owner,1988-03-14,Met at the Aba trade fair,"
    "* myContacts ::: Customers,* Work,amaka@okonkwofabrics.ng,Mobile ::: WhatsApp,"
    "+234 803 111 2222 ::: +234 809 333 4444\n"
    "Kelechi,Obinna,Nwankwo,,,,,,* myContacts,Work,kelechi.nwankwo@example.ng,Mobile,"
    "+234 803 555 0101\n"
    "Amaka,,Okonkwo,Amy,Okonkwo Fabrics,Owner,1988-03-14,Met at the Aba trade fair,"
    "* myContacts ::: Customers,* Work,amaka@okonkwofabrics.ng,Mobile ::: WhatsApp,"
    "+234 803 111 2222 ::: +234 809 333 4444\n"
)


@pytest.fixture
def business(make_user, make_team):
    head_office = make_team("Head office")
    lagos = make_team("Lagos sales")
    admin = make_user("adaeze", role="Administrator", team=head_office, first_name="Adaeze")
    chika = make_user("chika", team=lagos, first_name="Chika", last_name="Obi")
    kelechi = make_person(
        actor=admin,
        first_name="Kelechi",
        last_name="Nwankwo",
        email="kelechi.nwankwo@example.ng",
        phone="0803 555 0101",
    )
    return {"admin": admin, "chika": chika, "kelechi": kelechi}


def _upload(page, live_server, path):
    page.goto(f"{live_server.url}/imports/new/")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url(re.compile(r"/imports/\d+/mapping/$"))


def _column(page, header):
    return page.get_by_label(header, exact=True)


def test_import_a_google_contacts_file_through_the_pages(
    page, live_server, sign_in, business, tmp_path
):
    path = tmp_path / "contacts.csv"
    path.write_text(GOOGLE, encoding="utf-8")
    sign_in(page, business["admin"])

    # Upload: each column arrives with a suggested field and the reason for it.
    _upload(page, live_server, path)
    expect(_column(page, "Phone 1 - Value")).to_have_accessible_description(
        re.compile(r"Suggested Phone: Google Contacts: Phone 1 - Value")
    )
    expect(_column(page, "E-mail 1 - Value")).to_have_accessible_description(
        re.compile(r"Suggested Email: Google Contacts: E-mail 1 - Value")
    )
    expect(_column(page, "Phone 1 - Label")).to_have_accessible_description(
        re.compile(r"the label of the value beside it .*stored with that value")
    )
    labels = _column(page, "Labels")
    expect(labels).to_have_accessible_description(
        re.compile(r"Not imported unless you choose Tags .*: .*system groups .* never do")
    )
    expect(labels).to_have_value("")

    # The Labels column becomes tags, chosen with the keyboard.
    labels.focus()
    page.keyboard.type("Tags")
    expect(labels).to_have_value("tags")

    # New records go to Chika in Lagos sales; rows match existing people by email.
    owner = page.get_by_label("Owner of new records")
    owner.click()
    owner.press("Control+a")
    with page.expect_response(lambda r: "/staff/lookup/users/?q=chi" in r.url):
        owner.press_sequentially("chi")
    page.locator("[role='option']", has_text="Chika").first.wait_for()
    owner.press("ArrowDown")
    owner.press("Enter")
    expect(owner).to_have_value("chika")
    page.get_by_label("Team of new records").select_option(label="Lagos sales")
    page.get_by_label("Email address").check()

    page.get_by_label("Template name").fill("Google Contacts")
    page.get_by_role("button", name="Save mapping as template").click()
    expect(page.locator(".messages")).to_contain_text(
        "Saved the mapping as the template “Google Contacts”."
    )
    expect(labels).to_have_value("tags")
    expect(owner).to_have_value("chika")

    # The preview: a new record, an update with its changes, the repeated row refused.
    page.get_by_role("button", name="Save mapping and preview").click()
    preview = page.get_by_role("region", name="Preview: the first rows as they would be saved")
    rows = preview.locator(".table-wrap > table > tbody > tr:not(.preview-changes)")
    expect(rows.nth(0)).to_contain_text("New record")
    expect(rows.nth(1)).to_contain_text("Updates Kelechi Nwankwo")
    expect(rows.nth(2)).to_contain_text(
        "Email amaka@okonkwofabrics.ng appears more than once in the file (first on line 2)"
    )
    changes = preview.get_by_role("table", name="What line 3 changes on the record")
    expect(changes.get_by_role("row", name=re.compile(r"^Middle name"))).to_contain_text("Obinna")
    label_row = changes.get_by_role("row", name=re.compile(r"^Label of \+2348035550101"))
    expect(label_row).to_contain_text("mobile")
    expect(label_row).to_contain_text("Will change")
    expect(changes.get_by_role("row", name=re.compile(r"^Label of kelechi"))).to_contain_text(
        "work"
    )
    expect(changes).to_contain_text("Not added again")
    assert _violations(page) == []

    # Import: the worker runs the queued job; the page follows it to the end.
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    call_command("worker", batch=True, interval=0, verbosity=0)
    progress = page.get_by_role("region", name="Progress")
    expect(progress).to_contain_text("3 of 3 rows processed", timeout=15_000)
    expect(progress).to_contain_text("Done")
    # Created, updated, unchanged, rejected (the repeated row).
    expect(progress.locator("dd")).to_have_text(["1", "1", "0", "1"])

    # The imported person as the file says, with Chika as owner in Lagos sales.
    amaka = Person.objects.get(first_name="Amaka")
    page.goto(f"{live_server.url}/people/{amaka.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amaka Okonkwo")
    expect(page.get_by_text("Owner: Chika Obi")).to_be_visible()
    expect(page.get_by_text("Lagos sales", exact=True)).to_be_visible()
    # Google's groups became tags, its system group not.
    main = page.locator("#main")
    expect(main.get_by_role("link", name="Customers", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name=re.compile("myContacts"))).to_have_count(0)
    contacts = page.get_by_role("region", name="Contact").get_by_role("listitem")
    expect(contacts).to_have_count(3)
    expect(contacts.filter(has_text="amaka@okonkwofabrics.ng")).to_contain_text("Email · work")
    expect(contacts.filter(has_text="+234 803 111 2222")).to_contain_text("Phone · mobile")
    expect(contacts.filter(has_text="+234 809 333 4444")).to_contain_text("Phone · WhatsApp")

    # The person who was there: the blank middle name and labels filled, nothing added twice.
    page.goto(f"{live_server.url}/people/{business['kelechi'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kelechi Obinna Nwankwo")
    expect(page.get_by_text("Owner: Adaeze")).to_be_visible()
    contacts = page.get_by_role("region", name="Contact").get_by_role("listitem")
    expect(contacts).to_have_count(2)
    expect(contacts.filter(has_text="kelechi.nwankwo@example.ng")).to_contain_text("Email · work")
    expect(contacts.filter(has_text="+234 803 555 0101")).to_contain_text("Phone · mobile")

    # The next file of this shape is offered the template, which applies every choice.
    second = tmp_path / "contacts-december.csv"
    second.write_text(
        f"{HEADER}\n"
        "Zainab,,Lawal,,,,,,* myContacts ::: Suppliers,Home,zainab.lawal@example.ng,Mobile,"
        "0805 555 0606\n",
        encoding="utf-8",
    )
    _upload(page, live_server, second)
    templates = page.get_by_role("form", name="Saved templates")
    expect(templates.get_by_role("status")).to_have_text(
        "This file has the same columns as the template “Google Contacts”."
    )
    expect(templates.get_by_label("Template").locator("option:checked")).to_have_text(
        "Google Contacts"
    )
    expect(_column(page, "Labels")).to_have_value("")
    templates.get_by_role("button", name="Apply template").click()
    expect(page.locator(".messages")).to_contain_text(
        "Applied the template “Google Contacts”; check the preview."
    )
    expect(_column(page, "Labels")).to_have_value("tags")
    expect(page.get_by_label("Owner of new records")).to_have_value("chika")
    expect(page.get_by_label("Team of new records").locator("option:checked")).to_have_text(
        "Lagos sales"
    )
    expect(page.get_by_label("Email address")).to_be_checked()

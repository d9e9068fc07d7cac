"""A second user of another team must not see a private record: not in search, not by its URL."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from centric.core.models import VisibilityPolicy
from centric.customers.services import person_create

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_private_record_stays_hidden_from_another_team(
    page, live_server, sign_in, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "private"}
    )
    sales, service = make_team("Sales", kind="sales"), make_team("Service", kind="service")
    owner = make_user("amaka", team=sales)
    other = make_user("bayo", team=service)
    hidden = person_create(
        actor=owner,
        first_name="Ọláolúwa",
        last_name="Zebulon-Private",
        contact_points=[
            {"kind": "phone", "value": "0803 555 0199"},
            {"kind": "email", "value": "olaoluwa.private@example.com"},
        ],
    )
    own = person_create(
        actor=other,
        first_name="Olaolu",
        last_name="Zebulon-Shared",
        contact_points=[{"kind": "phone", "value": "0803 555 0288"}],
    )

    sign_in(page, other)
    search = page.locator("#search-input")
    results = page.locator("#search-results")

    def type_query(query: str) -> None:
        """Type into the search box and wait for the results of exactly this query."""
        with page.expect_response(lambda r: "/search/" in r.url and r.status == 200):
            search.fill(query)
        expect(results).to_contain_text(query)

    # By name: the other team's private person is not offered; their own namesake is.
    type_query("zebulon")
    expect(results).to_contain_text("Olaolu Zebulon-Shared")
    expect(results).not_to_contain_text("Private")

    # By phone, in two written forms, and by email: nothing.
    for query in ("+234 803 555 0199", "234-803-555-0199", "olaoluwa.private@example.com"):
        type_query(query)
        expect(results).to_contain_text("Nothing found")
        expect(results).not_to_contain_text("Zebulon")

    # The full results page says the same.
    page.goto(f"{live_server.url}/search/?q=08035550199")
    expect(page.locator("main")).not_to_contain_text("Zebulon-Private")

    # Its address, typed in directly: the 404 page, not a 403 that would confirm it exists.
    response = page.goto(f"{live_server.url}/people/{hidden.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name=re.compile("could not find", re.I))).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Ọláolúwa")
    for suffix in ("history/", "edit/"):
        assert page.goto(f"{live_server.url}/people/{hidden.pk}/{suffix}").status == 404

    # Their own record opens normally.
    assert page.goto(f"{live_server.url}/people/{own.pk}/").status == 200
    expect(page.locator("main")).to_contain_text("Zebulon-Shared")

"""Automated WCAG 2.1 A/AA checks with axe-core (from npm, injected by the test only; pages never
load it) on the pages people use most, forms with errors included: a field's error and help must
be read out with it (aria-describedby names ids that exist)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from centric.activities.testing import make_activity
from centric.core.tests.kit_app.testing import make_voucher
from centric.customers.tests.factories import make_person
from centric.leads.testing import make_lead
from centric.sales.services import stage_update
from centric.sales.testing import make_deal, make_pipeline

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    # The site's CSP allows no inline script, rightly; only this test's own axe-core is let in.
    return {**browser_context_args, "bypass_csp": True}


def _violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in result["violations"]
    ]


def test_main_pages_have_no_wcag_violations(page, live_server, sign_in, make_user, make_team):
    seller = make_user("seller", role="Manager", team=make_team("Sales"))
    person = make_person(actor=seller, first_name="Ngozi", phone="0803 123 4567")
    voucher = make_voucher(owner=seller)
    activity = make_activity(owner=seller, person=person, title="Call Ngozi")
    lead = make_lead(owner=seller, first_name="Tunde", last_name="Bakare")
    make_pipeline()
    deal = make_deal(owner=seller, person=person, title="Uniforms")
    stage_update(deal.pipeline.stages.get(name="Proposal"), checklist=["Samples delivered"])
    sign_in(page, seller)
    paths = [
        "/",
        "/people/",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        "/people/organisations/",
        "/search/?q=ngozi",
        "/kit/vouchers/",
        f"/kit/vouchers/{voucher.pk}/",
        "/kit/vouchers/new/",
        f"/kit/vouchers/{voucher.pk}/history/",
        "/?scope=team",
        "/activities/",
        f"/activities/{activity.pk}/",
        "/activities/new/",
        "/activities/calendar/",
        "/notifications/",
        "/leads/",
        f"/leads/{lead.pk}/",
        f"/leads/{lead.pk}/convert/",
        "/sales/reports/",
        "/sales/reports/results/",
        f"/sales/deals/{deal.pk}/",
    ]
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        violations = _violations(page)
        if violations:
            found[path] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_forms_with_errors_have_no_wcag_violations(
    page, live_server, sign_in, make_user, make_team
):
    seller = make_user("seller", role="Manager", team=make_team("Sales"))
    sign_in(page, seller)
    found = {}
    for path in ("/people/new/", "/kit/vouchers/new/"):
        page.goto(live_server.url + path)
        page.click("form.stack button[type=submit]")
        page.wait_for_selector(".has-error")
        violations = _violations(page)
        if violations:
            found[path] = violations
        described = page.evaluate(
            """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
                el => el.getAttribute('aria-describedby').split(/\\s+/)
                    .filter(id => id && !document.getElementById(id)))"""
        )
        assert described == [], (path, described)
    assert found == {}, json.dumps(found, indent=1)

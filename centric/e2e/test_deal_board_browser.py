"""The deals board in a browser: a card moves by keyboard (its stage select and Move), by
dragging it onto a column, and a stage that needs an amount refuses the move and says so; no
WCAG 2.1 A/AA violation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from centric.e2e.test_accessibility_browser import _violations
from centric.sales.models import Deal
from centric.sales.testing import make_deal, make_pipeline

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}  # for the injected axe-core script


def test_a_seller_moves_deals_on_the_board(page, live_server, sign_in, make_user, make_team):
    seller = make_user("seller", team=make_team("Sales"))
    pipeline = make_pipeline()
    bare = make_deal(owner=seller, title="Solar inverter for Mama Put", amount=None)
    priced = make_deal(owner=seller, title="POS terminals", amount=Decimal("480000.00"))
    sign_in(page, seller)
    page.goto(f"{live_server.url}/sales/?pipeline={pipeline.pk}")

    # The keyboard's way: the card's stage select, then Move.
    card = page.locator(f"[data-deal='{bare.pk}']")
    card.get_by_label("Move Solar inverter for Mama Put to").select_option(label="Proposal")
    card.get_by_role("button", name="Move").press("Enter")
    expect(page.get_by_text("“Proposal” needs an amount.")).to_be_visible()
    bare.refresh_from_db()
    assert bare.stage.name == "New"

    # Dragging a card onto a column submits the same form.
    proposal = pipeline.stages.get(name="Proposal")
    page.locator(f"[data-deal='{priced.pk}']").drag_to(
        page.locator(f"[data-stage='{proposal.pk}']")
    )
    expect(page.get_by_text("“POS terminals” moved to Proposal.")).to_be_visible()
    assert Deal.objects.get(pk=priced.pk).stage == proposal
    expect(page.locator(f"[data-stage='{proposal.pk}'] [data-deal='{priced.pk}']")).to_be_visible()
    assert _violations(page) == []

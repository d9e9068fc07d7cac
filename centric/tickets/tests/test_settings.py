"""The business's ticket statuses and categories: named its way, each status with what it
means, retired rather than deleted, the same through the page and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from centric.core.api.testing import assert_problem, call
from centric.tickets.models import TicketCategory, TicketStatus
from centric.tickets.statuses import first_status
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


def test_an_administrator_renames_adds_and_retires_statuses_on_the_page(admin_user, client):
    client.force_login(admin_user)
    assert "/tickets/settings/" in client.get("/tickets/").text  # the list's Settings button
    page = client.get("/tickets/settings/")
    assert page.status_code == 200
    assert [s.name for s in page.context["statuses"]][:2] == ["New", "Open"]

    new = TicketStatus.objects.get(name="New")
    renamed = client.post(
        "/tickets/settings/",
        {"form": "status", "pk": new.pk, "name": "Just in", "kind": "new", "position": "0",
         "is_active": ["off", "on"]},
    )  # fmt: skip
    assert renamed.status_code == 302 and TicketStatus.objects.get(pk=new.pk).name == "Just in"
    added = client.post(
        "/tickets/settings/",
        {"form": "status", "name": "Waiting for parts", "kind": "pending_back_office"},
    )
    assert added.status_code == 302
    assert TicketStatus.objects.get(name="Waiting for parts").is_active
    # The last "new" status cannot be retired: new tickets need one.
    refused = client.post(
        "/tickets/settings/",
        {"form": "status", "pk": new.pk, "name": "Just in", "kind": "new", "is_active": "off"},
    )
    assert refused.status_code == 200 and "need one" in refused.text
    assert TicketStatus.objects.get(pk=new.pk).is_active
    taken = client.post("/tickets/settings/", {"form": "status", "name": "open", "kind": "open"})
    assert "taken" in taken.text
    client.post("/tickets/settings/", {"form": "category", "name": "Repairs"})
    assert list(TicketCategory.objects.values_list("name", flat=True)) == ["Repairs"]


def test_a_retired_status_stays_on_its_tickets_but_is_not_chosen_again(admin_user, make_user):
    agent = make_user("agent", role="Service desk")
    ticket = make_ticket(owner=agent)
    waiting = TicketStatus.objects.create(name="Waiting", kind="pending_customer", position=9)
    from centric.tickets.services import ticket_create, ticket_update

    ticket = ticket_update(ticket, actor=agent, status=waiting)
    waiting.is_active = False
    waiting.save()
    ticket = ticket_update(ticket, actor=agent, subject="Still waiting")  # keeps its status
    assert ticket.status == waiting
    with pytest.raises(ValidationError, match="retired"):
        ticket_create(actor=agent, subject="New one", person=ticket.person, status=waiting)
    assert first_status().kind == "new"


def test_the_api_lists_adds_and_changes_them(admin_user, make_user, api_client):
    admin = api_client(admin_user)
    listed = call(admin, "get", "/api/v1/ticket-statuses").json()
    assert [s["kind"] for s in listed] == [
        "new", "open", "pending_customer", "pending_back_office", "solved", "closed"
    ]  # fmt: skip
    made = call(admin, "post", "/api/v1/ticket-statuses", {"name": "Escalated", "kind": "open"})
    assert made.status_code == 201
    changed = call(
        admin, "put", f"/api/v1/ticket-statuses/{made.json()['id']}",
        {"name": "Escalated to L2", "kind": "open", "is_active": False},
    )  # fmt: skip
    assert changed.json()["is_active"] is False and changed.json()["name"] == "Escalated to L2"
    assert_problem(
        call(admin, "post", "/api/v1/ticket-statuses", {"name": "Odd", "kind": "maybe"}), 422
    )
    assert_problem(
        call(admin, "post", "/api/v1/ticket-statuses", {"name": "escalated to l2", "kind": "open"}),
        422,
        field="name",
    )
    assert call(admin, "post", "/api/v1/ticket-categories", {"name": "Billing"}).status_code == 201
    agent = api_client(make_user("agent", role="Service desk"))
    assert call(agent, "get", "/api/v1/ticket-categories").json()[0]["name"] == "Billing"
    refused = call(agent, "post", "/api/v1/ticket-categories", {"name": "Mine"})
    assert refused.status_code == 403

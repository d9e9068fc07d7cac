"""Canned replies and macros: placeholders filled from the customer's and the ticket's data with
safe fallbacks (never evaluated), the fields a macro sets, and nothing sent until the agent
sends the reply — on the page and through the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from centric.core.api.testing import assert_problem, call
from centric.customers.models import Person
from centric.customers.testing import make_person
from centric.tickets.macros import macro_apply, macro_save, render_reply
from centric.tickets.models import TicketStatus
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db

REPLY = (
    "Hello {first_name|there}, thank you for reaching {agent_first_name} about "
    "{ticket_number}. {order_number|Your order} is on its way. {unknown}"
)


@pytest.fixture
def agent(make_user):
    return make_user("ngozi", role="Service desk", first_name="Ngozi")


def test_placeholders_fill_with_fallbacks_and_are_never_evaluated(agent):
    named = make_ticket(
        owner=agent, person=make_person(actor=agent, first_name="Kemi", email="k@example.com")
    )
    nameless = make_person(actor=agent, last_name="{order_number}", email="o@example.com")
    Person.objects.filter(pk=nameless.pk).update(first_name="")  # only a family name
    odd = make_ticket(owner=agent, person=Person.objects.get(pk=nameless.pk))

    text = render_reply(REPLY, named, agent)
    assert text.startswith(f"Hello Kemi, thank you for reaching Ngozi about {named.number}.")
    assert "Your order is on its way." in text and text.endswith("{unknown}")
    # No first name: the fallback. A value that looks like a placeholder stays as written.
    assert render_reply("Hello {first_name|there}", odd, agent) == "Hello there"
    assert render_reply("Dear {last_name}", odd, agent) == "Dear {order_number}"
    with pytest.raises(ValidationError, match="Unknown placeholder"):
        macro_save(name="Bad", body="Hi {frist_name}")


def test_a_macro_sets_its_fields_and_gives_its_reply_without_sending(agent):
    pending = TicketStatus.objects.get(kind="pending_customer")
    macro = macro_save(
        name="Ask for a photo",
        body="Hello {first_name|there}, please send a photo of the label.",
        set_status=pending,
        set_priority="high",
    )
    ticket = make_ticket(
        owner=agent, person=make_person(actor=agent, first_name="Musa", email="m@example.com")
    )

    ticket, reply = macro_apply(ticket, actor=agent, macro=macro)

    assert (ticket.status, ticket.priority) == (pending, "high")
    assert reply == "Hello Musa, please send a photo of the label."
    assert not ticket.messages.exists()  # the agent checks and sends it
    with pytest.raises(ValidationError, match="sets a field"):
        macro_save(name="Empty")


def test_the_page_and_the_api_use_macros(agent, admin_user, client, api_client):
    macro = macro_save(name="Thanks", body="Thank you {first_name|there}!")
    ticket = make_ticket(
        owner=agent, person=make_person(actor=agent, first_name="Efe", email="e@example.com")
    )
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/")
    assert "Canned reply" in page.text

    used = client.post(f"/tickets/{ticket.pk}/macro/", {"macro": macro.pk})
    assert used.status_code == 302
    assert "Thank you Efe!" in client.get(f"/tickets/{ticket.pk}/").text  # in the reply box

    api = api_client(agent)
    applied = call(api, "post", f"/api/v1/tickets/{ticket.pk}/apply-macro", {"macro_id": macro.pk})
    assert applied.status_code == 200 and applied.json()["reply"] == "Thank you Efe!"
    assert [m["name"] for m in call(api, "get", "/api/v1/ticket-macros").json()] == ["Thanks"]
    assert (
        call(api, "post", "/api/v1/ticket-macros", {"name": "Mine", "body": "x"}).status_code == 403
    )
    admin = api_client(admin_user)
    bad = call(admin, "post", "/api/v1/ticket-macros", {"name": "Typo", "body": "{frist_name}"})
    assert_problem(bad, 422, field="body")
    made = call(admin, "post", "/api/v1/ticket-macros", {"name": "Solve", "set_priority": "low"})
    assert made.status_code == 201

    client.force_login(admin_user)
    added = client.post(
        "/tickets/settings/",
        {"form": "macro", "name": "Delivery", "body": "Hi {first_name|there}", "set_status": ""},
    )
    assert added.status_code == 302
    assert "Delivery" in client.get("/tickets/settings/").text

"""Tickets: the business's statuses with solved/closed stamps, links to orders and deals one may
see, public replies sent by email with threading headers (a real SMTP server on loopback) and
internal notes never sent, the collision warning when two agents answer at once, visibility
through the customer, and the same through the pages and the API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from centric.core.api.testing import assert_problem, call
from centric.customers.testing import make_person
from centric.sales.testing import make_deal
from centric.tickets.choices import MessageKind, StatusKind
from centric.tickets.models import Ticket, TicketMessage, TicketStatus
from centric.tickets.replies import ReplyCollision, reply_send, ticket_message_add
from centric.tickets.services import ticket_create, ticket_update
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    service, sales = make_team("Service"), make_team("Sales")
    return {
        "service": service,
        "sales": sales,
        "ngozi": make_user("ngozi", role="Service desk", team=service, first_name="Ngozi"),
        "preye": make_user("preye", role="Service desk", team=service, first_name="Preye"),
        "ada": make_user("ada", team=sales),
    }


def _caller(world, **fields):
    return make_person(
        owner=world["ada"],
        team=world["sales"],
        first_name="Kemi",
        last_name="Adebayo",
        email="kemi.adebayo@example.com",
        **fields,
    )


def test_a_ticket_starts_new_and_its_status_stamps_solved_and_closed(world):
    ticket = ticket_create(
        actor=world["ngozi"], subject="Generator won't start", person=_caller(world)
    )

    assert ticket.status.kind == StatusKind.NEW and ticket.number == f"T-{ticket.pk:05d}"
    assert (ticket.owner, ticket.team) == (world["ngozi"], world["service"])
    solved = TicketStatus.objects.get(kind=StatusKind.SOLVED)
    ticket = ticket_update(ticket, actor=world["ngozi"], status=solved)
    assert ticket.solved_at is not None and ticket.closed_at is None
    reopened = ticket_update(
        ticket, actor=world["ngozi"], status=TicketStatus.objects.get(kind="open")
    )
    assert reopened.solved_at is None
    with pytest.raises(ValidationError, match="who the ticket is for"):
        ticket_create(actor=world["ngozi"], subject="Nobody's")


def test_a_link_to_a_deal_one_may_not_see_is_refused(world):
    caller = _caller(world)
    hidden = make_deal(owner=world["ada"], person=caller)  # Sales' deal
    with pytest.raises(ValidationError) as refused:
        ticket_create(actor=world["ngozi"], subject="About my order", person=caller, deal=hidden)
    assert set(refused.value.message_dict) == {"deal"}
    assert not Ticket.objects.exists()


def test_the_service_desk_sees_its_tickets_and_sales_does_not(world):
    ticket = make_ticket(owner=world["ngozi"], person=_caller(world))
    assert list(Ticket.objects.visible_to(world["preye"])) == [ticket]  # same team
    assert not Ticket.objects.visible_to(world["ada"]).exists()  # Sales: not its ticket


@pytest.mark.django_db(transaction=True)
def test_a_public_reply_is_emailed_with_threading_and_a_note_is_not(world, smtp):
    """Through a real SMTP server on loopback, as the worker sends them."""
    ticket = make_ticket(owner=world["ngozi"], person=_caller(world), subject="Inverter beeps")

    note = ticket_message_add(ticket, actor=world["ngozi"], kind="internal", body="Check warranty")
    first = ticket_message_add(
        ticket, actor=world["ngozi"], kind="public", body="Please send a photo."
    )
    second = ticket_message_add(
        ticket, actor=world["ngozi"], kind="public", body="Thanks, a technician comes Monday."
    )
    for message in (first, second):
        assert reply_send(message.pk) == "sent"
    assert reply_send(first.pk) == "already sent"  # a retried task sends once

    assert note.to_email == "" and note.message_id == ""
    one, two = smtp.messages
    assert one["X-Envelope-To"] == "kemi.adebayo@example.com"
    assert one["Subject"] == f"[{ticket.number}] Inverter beeps"
    assert one["Message-ID"] == first.message_id and two["Message-ID"] == second.message_id
    assert two["In-Reply-To"] == first.message_id and two["References"] == first.message_id
    assert one["X-Centric-Ticket"] == ticket.number
    bodies = one.get_content() + two.get_content()
    assert "Please send a photo." in bodies and "Check warranty" not in bodies
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert TicketMessage.objects.get(pk=first.pk).sent_at is not None


def test_a_reply_the_mail_server_refuses_stays_with_its_error(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    ticket = make_ticket(owner=world["ngozi"], person=_caller(world))
    reply = ticket_message_add(ticket, actor=world["ngozi"], kind="public", body="Hello")

    assert reply_send(reply.pk) == "failed"
    reply.refresh_from_db()
    assert reply.sent_at is None and reply.send_error  # kept, saying why


def test_two_agents_answering_at_once_are_warned(world):
    ticket = make_ticket(owner=world["ngozi"], person=_caller(world))
    seen = ticket_message_add(ticket, actor=world["ngozi"], kind="internal", body="Looking").pk
    ticket_message_add(
        ticket, actor=world["preye"], kind="public", body="We are on it", seen_message_id=seen
    )

    with pytest.raises(ReplyCollision, match="Preye"):
        ticket_message_add(
            ticket, actor=world["ngozi"], kind="public", body="Hello", seen_message_id=seen
        )
    assert ticket.messages.count() == 2  # nothing was added
    sent = ticket_message_add(
        ticket,
        actor=world["ngozi"],
        kind="public",
        body="Hello",
        seen_message_id=seen,
        send_anyway=True,
    )
    assert sent.kind == MessageKind.PUBLIC


def test_a_reply_needs_an_email_and_words(world):
    no_email = make_person(owner=world["ngozi"], first_name="Musa", phone="0803 123 4567")
    ticket = make_ticket(owner=world["ngozi"], person=no_email)
    with pytest.raises(ValidationError, match="no email"):
        ticket_message_add(ticket, actor=world["ngozi"], kind="public", body="Hi")
    with pytest.raises(ValidationError, match="Write"):
        ticket_message_add(ticket, actor=world["ngozi"], kind="internal", body="   ")
    assert not ticket.messages.exists()


def test_the_page_and_the_api_reply_through_the_same_rules(world, client, api_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ticket = make_ticket(owner=world["ngozi"], person=_caller(world))
    client.force_login(world["ngozi"])

    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "Reply to the customer" in page.text
    done = client.post(
        f"/tickets/{ticket.pk}/reply/", {"kind": "internal", "body": "Called back", "seen": "0"}
    )
    assert done.status_code == 302
    later = client.get(f"/tickets/{ticket.pk}/")
    assert "Called back" in later.text and "Internal note" in later.text

    api = api_client(world["preye"])
    listed = call(api, "get", f"/api/v1/tickets/{ticket.pk}/messages").json()
    assert [m["body"] for m in listed] == ["Called back"]
    seen = listed[-1]["id"]
    made = call(
        api,
        "post",
        f"/api/v1/tickets/{ticket.pk}/messages",
        {"kind": "public", "body": "On our way", "seen_message_id": seen},
    )
    assert made.status_code == 201 and made.json()["to_email"] == "kemi.adebayo@example.com"
    # Ngozi's page still shows the message before Preye's: her reply is held back.
    held = client.post(
        f"/tickets/{ticket.pk}/reply/", {"kind": "public", "body": "Hello Kemi", "seen": str(seen)}
    )
    assert held.status_code == 302 and ticket.messages.count() == 2
    assert "Hello Kemi" in client.get(f"/tickets/{ticket.pk}/").text  # the draft is kept
    refused = call(
        api_client(world["ngozi"]),
        "post",
        f"/api/v1/tickets/{ticket.pk}/messages",
        {"kind": "public", "body": "Hello", "seen_message_id": seen},
    )
    assert_problem(refused, 409)
    outsider = api_client(world["ada"])
    assert call(outsider, "get", f"/api/v1/tickets/{ticket.pk}/messages").status_code == 404
    assert client.get("/tickets/").status_code == 200

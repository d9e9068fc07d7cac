"""Merging a duplicate ticket, splitting a message off, linking related tickets: on the page and
through the API, only with tickets one may change, never across customers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from centric.core.api.testing import call
from centric.customers.testing import make_person
from centric.tickets.choices import StatusKind
from centric.tickets.merging import ticket_merge
from centric.tickets.models import Ticket
from centric.tickets.replies import ticket_message_add
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(make_user, make_team):
    return make_user("ngozi", role="Service desk", team=make_team("Service"))


def test_a_duplicate_merges_into_the_other_with_its_messages(agent):
    caller = make_person(actor=agent, first_name="Kemi", email="kemi@example.com")
    kept = make_ticket(owner=agent, person=caller, subject="Inverter")
    duplicate = make_ticket(owner=agent, person=caller, subject="Inverter again")
    ticket_message_add(duplicate, actor=agent, kind="internal", body="Same as the other")

    ticket_merge(duplicate, into=kept, actor=agent)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept and duplicate.status.kind == StatusKind.CLOSED
    assert "Same as the other" in [m.body for m in kept.messages.all()]
    with pytest.raises(ValidationError, match="already merged"):
        ticket_merge(duplicate, into=kept, actor=agent)
    other = make_ticket(owner=agent, person=make_person(actor=agent, email="x@example.com"))
    with pytest.raises(ValidationError, match="same customer"):
        ticket_merge(other, into=kept, actor=agent)


def test_the_page_splits_links_and_merges(agent, client, make_user):
    caller = make_person(actor=agent, first_name="Musa", email="musa@example.com")
    ticket = make_ticket(owner=agent, person=caller, subject="Two problems")
    note = ticket_message_add(ticket, actor=agent, kind="internal", body="Also the battery")
    client.force_login(agent)

    split = client.post(
        f"/tickets/{ticket.pk}/relate/",
        {"action": "split", "message": note.pk, "subject": "Battery"},
    )
    new = Ticket.objects.get(subject="Battery")
    assert split.status_code == 302 and new.description == "Also the battery"
    assert list(new.related.all()) == [ticket] and list(ticket.related.all()) == [new]
    assert "Battery" in client.get(f"/tickets/{ticket.pk}/").text  # shown as related

    merged = client.post(f"/tickets/{new.pk}/relate/", {"action": "merge", "other": ticket.number})
    assert merged.status_code == 302 and Ticket.objects.get(pk=new.pk).merged_into == ticket
    hidden = make_ticket(owner=make_user("sales", team=None), person=caller)
    refused = client.post(
        f"/tickets/{ticket.pk}/relate/", {"action": "link", "other": str(hidden.pk)}
    )
    assert refused.status_code == 302 and not ticket.related.filter(pk=hidden.pk).exists()


def test_the_api_merges_splits_and_links(agent, api_client):
    caller = make_person(actor=agent, email="efe@example.com")
    one, two = (make_ticket(owner=agent, person=caller) for _ in range(2))
    api = api_client(agent)
    message = ticket_message_add(one, actor=agent, kind="internal", body="Split me")

    split = call(api, "post", f"/api/v1/tickets/{one.pk}/split", {"message_id": message.pk})
    assert split.status_code == 201 and split.json()["number"].startswith("T-")
    assert (
        call(api, "post", f"/api/v1/tickets/{one.pk}/related", {"other_id": two.pk}).status_code
        == 204
    )
    related = call(api, "get", f"/api/v1/tickets/{one.pk}/related").json()
    assert {r["id"] for r in related} == {two.pk, split.json()["id"]}
    merged = call(api, "post", f"/api/v1/tickets/{two.pk}/merge", {"into_id": one.pk})
    assert merged.status_code == 200 and merged.json()["id"] == one.pk
    assert (
        call(api, "post", f"/api/v1/tickets/{one.pk}/merge", {"into_id": 999999}).status_code == 404
    )

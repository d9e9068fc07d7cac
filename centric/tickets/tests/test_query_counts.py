"""The queues and the ticket page read a fixed number of queries, however many tickets, replies,
SLA steps and goodwill actions there are (the bench measures their time at 2M tickets)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centric.goodwill.testing import make_goodwill
from centric.tickets.replies import ticket_message_add
from centric.tickets.sla_settings import calendar_save, policy_save
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def agent(make_user, make_team, client):
    calendar_save(name="All day", always_open=True, is_default=True)
    policy_save(name="Standard", first_response_minutes=60, resolution_minutes=600)
    user = make_user("ada", role="Service desk", team=make_team("Service"))
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", ["/tickets/?owner=me&open=1", "/tickets/?open=1&sort=due"])
def test_a_queue_reads_as_many_queries_for_3_tickets_as_for_12(agent, client, url):
    for _ in range(3):
        make_ticket(owner=agent)
    _count(client, url)  # warm the caches a first page view fills
    few = _count(client, url)
    for _ in range(9):
        make_ticket(owner=agent)
    assert _count(client, url) == few


def test_the_ticket_page_reads_as_many_queries_with_more_replies_and_goodwill(agent, client):
    ticket = make_ticket(owner=agent)
    ticket_message_add(ticket, actor=agent, kind="internal", body="First note")
    url = f"/tickets/{ticket.pk}/"
    _count(client, url)
    few = _count(client, url)
    for number in range(5):
        ticket_message_add(ticket, actor=agent, kind="internal", body=f"Note {number}")
        make_goodwill(owner=agent, ticket=ticket, person=ticket.person)
    assert _count(client, url) == few

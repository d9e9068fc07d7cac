"""A retried channel delivery (same channel and message id) is idempotent for those who may see
the first interaction, and reveals nothing of it to anyone else (decision 0036)."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem, call
from centric.core.errors import DuplicateError
from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction
from centric.interactions.services import interaction_create

pytestmark = pytest.mark.django_db

SECRET = "Our price to you is 40% off"


@pytest.fixture
def teams(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    ada = make_user("ada", team=sales)
    bola = make_user("bola", team=service)
    return {
        "ada": ada,
        "colleague": make_user("colleague", team=sales),
        "bola": bola,
        "amaka": make_person(actor=ada, first_name="Amaka"),
        "bisi": make_person(actor=bola, first_name="Bisi"),
    }


def _payload(person, **fields):
    return {
        "channel": "whatsapp",
        "kind": "message",
        "direction": "inbound",
        "person_id": person.pk,
        "subject": "Offer",
        "body": SECRET,
        "external_id": "wamid.1",
    } | fields


def test_a_retry_by_the_sender_returns_the_first_interaction_with_200(teams, api_client):
    client = api_client(teams["ada"])
    first = call(client, "post", "/api/v1/interactions", _payload(teams["amaka"]))
    again = call(client, "post", "/api/v1/interactions", _payload(teams["amaka"]))

    assert first.status_code == 201, first.content
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert Interaction.objects.count() == 1


def test_a_retry_by_a_colleague_who_may_see_it_returns_it(teams, api_client):
    first = call(api_client(teams["ada"]), "post", "/api/v1/interactions", _payload(teams["amaka"]))
    again = call(
        api_client(teams["colleague"]), "post", "/api/v1/interactions", _payload(teams["amaka"])
    )

    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert Interaction.objects.count() == 1


def test_another_teams_channel_id_is_a_conflict_that_reveals_nothing(teams, api_client):
    first = call(api_client(teams["ada"]), "post", "/api/v1/interactions", _payload(teams["amaka"]))
    original = Interaction.objects.get()

    response = call(
        api_client(teams["bola"]),
        "post",
        "/api/v1/interactions",
        _payload(teams["bisi"], subject="", body="hello"),
    )

    body = assert_problem(response, 409)
    assert body["detail"] == "A message with this channel id was already recorded."
    text = response.content.decode()
    for revealed in (SECRET, "Offer", "Amaka", str(first.json()["id"]), str(teams["amaka"].pk)):
        assert revealed not in text.replace(response.json()["instance"], "")
    assert set(body) == {"type", "title", "status", "detail", "instance", "errors"}
    assert Interaction.objects.count() == 1
    original.refresh_from_db()
    assert (original.person_id, original.body) == (teams["amaka"].pk, SECRET)


def test_the_service_refuses_a_hidden_duplicate_without_naming_it(teams):
    first = interaction_create(
        actor=teams["ada"],
        person=teams["amaka"],
        channel="whatsapp",
        kind="message",
        body=SECRET,
        external_id="wamid.2",
    )

    with pytest.raises(DuplicateError) as refused:
        interaction_create(
            actor=teams["bola"],
            person=teams["bisi"],
            channel="whatsapp",
            kind="message",
            body="hi",
            external_id="wamid.2",
        )

    assert refused.value.message == "A message with this channel id was already recorded."
    assert refused.value.extra == {}
    assert list(Interaction.objects.values_list("pk", flat=True)) == [first.pk]
    # The same id on another channel is another message.
    other = interaction_create(
        actor=teams["bola"],
        person=teams["bisi"],
        channel="sms",
        kind="message",
        body="hi",
        external_id="wamid.2",
    )
    assert other.pk != first.pk


def test_a_system_delivery_without_an_actor_is_still_deduplicated(teams):
    first = interaction_create(
        person=teams["amaka"], channel="whatsapp", kind="message", body="a", external_id="w.3"
    )
    again = interaction_create(
        person=teams["amaka"], channel="whatsapp", kind="message", body="a", external_id="w.3"
    )
    assert again.pk == first.pk

"""Timeline pages: filters, keyset "Load more", adding a note by hand (htmx and plain post)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from centric.core.models import VisibilityPolicy
from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction
from centric.interactions.services import interaction_create


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), first_name="Sade", last_name="Ade")


@pytest.fixture
def person(seller):
    return make_person(actor=seller, first_name="Chinedu")


def _touchpoints(person, count, *, channel="whatsapp", kind="message", start=0):
    now = timezone.now()
    return [
        interaction_create(
            person=person,
            channel=channel,
            kind=kind,
            subject=f"{channel} {index}",
            occurred_at=now - dt.timedelta(hours=index),
        )
        for index in range(start, start + count)
    ]


@pytest.mark.django_db
def test_the_360_page_shows_the_newest_touchpoints_first(logged_in_client, seller, person):
    _touchpoints(person, 3)
    response = logged_in_client(seller).get(reverse("customers:person_detail", args=[person.pk]))
    items = response.context["timeline_page"].items
    assert [i.subject for i in items] == ["whatsapp 0", "whatsapp 1", "whatsapp 2"]
    assert "Nothing on the timeline yet." not in response.content.decode()


@pytest.mark.django_db
def test_timeline_filters_by_channel_and_kind(logged_in_client, seller, person):
    _touchpoints(person, 2, channel="whatsapp", kind="message")
    _touchpoints(person, 2, channel="email", kind="email", start=2)
    _touchpoints(person, 1, channel="phone", kind="call", start=4)
    client = logged_in_client(seller)
    url = reverse("interactions:person_timeline", args=[person.pk])
    response = client.get(url, {"channel": "email"}, HTTP_HX_REQUEST="true")
    assert [i.subject for i in response.context["timeline_page"].items] == ["email 2", "email 3"]
    assert "<html" not in response.content.decode()
    response = client.get(url, {"kind": "call"}, HTTP_HX_REQUEST="true")
    assert [i.subject for i in response.context["timeline_page"].items] == ["phone 4"]
    response = client.get(url, {"channel": "sms"}, HTTP_HX_REQUEST="true")
    assert "Nothing on the timeline matches these filters." in response.content.decode()


@pytest.mark.django_db
def test_timeline_load_more_pages_with_a_cursor(logged_in_client, seller, person):
    _touchpoints(person, 25)
    client = logged_in_client(seller)
    first = client.get(reverse("customers:person_detail", args=[person.pk]))
    page = first.context["timeline_page"]
    assert len(page.items) == 20 and page.next_cursor
    assert "Load more" in first.content.decode()
    more = client.get(
        reverse("interactions:person_timeline", args=[person.pk]),
        {"cursor": page.next_cursor},
        HTTP_HX_REQUEST="true",
    )
    subjects = [i.subject for i in more.context["timeline_page"].items]
    assert subjects == [f"whatsapp {i}" for i in range(20, 25)]
    assert "Load more" not in more.content.decode()


@pytest.mark.django_db
def test_a_plain_visit_to_the_timeline_url_goes_to_the_360_page(logged_in_client, seller, person):
    response = logged_in_client(seller).get(
        reverse("interactions:person_timeline", args=[person.pk]), {"channel": "email"}
    )
    assert response.status_code == 302
    assert response.url == reverse("customers:person_detail", args=[person.pk]) + "?channel=email"


@pytest.mark.django_db
def test_add_a_note_with_htmx_returns_the_new_entry(logged_in_client, seller, person):
    response = logged_in_client(seller).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "note", "subject": "Asked about delivery", "body": "Wants it <b>Friday</b>"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 201
    note = Interaction.objects.get(person=person)
    assert (note.kind, note.channel, note.actor_user) == ("note", "other", seller)
    assert "<b>" not in note.body and "&lt;b&gt;Friday&lt;/b&gt;" in note.body
    body = response.content.decode()
    assert f'id="interaction-{note.pk}"' in body
    assert "Asked about delivery" in body
    assert 'hx-swap-oob="true"' in body


@pytest.mark.django_db
def test_a_call_gets_the_phone_channel_and_its_duration(logged_in_client, seller, person):
    logged_in_client(seller).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "call", "body": "Follow-up", "duration_minutes": "5", "direction": "outbound"},
        HTTP_HX_REQUEST="true",
    )
    call = Interaction.objects.get(person=person)
    assert (call.channel, call.duration_seconds, call.direction) == ("phone", 300, "outbound")


@pytest.mark.django_db
def test_an_empty_note_is_refused_with_the_message_in_the_form(logged_in_client, seller, person):
    response = logged_in_client(seller).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "note", "subject": "", "body": "  "},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#interaction-form"
    assert "Write what happened." in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_a_manual_kind_outside_the_list_is_refused(logged_in_client, seller, person):
    logged_in_client(seller).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "purchase", "body": "Bought"},
        HTTP_HX_REQUEST="true",
    )
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_a_plain_post_adds_the_note_and_redirects(logged_in_client, seller, person):
    response = logged_in_client(seller).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "visit", "body": "Visited the shop"},
    )
    assert response.status_code == 302
    assert Interaction.objects.get(person=person).channel == "visit"


@pytest.mark.django_db
def test_another_teams_private_person_timeline_is_404(
    logged_in_client, seller, person, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "private"}
    )
    outsider = logged_in_client(make_user("outsider", team=make_team("Service")))
    assert (
        outsider.get(
            reverse("interactions:person_timeline", args=[person.pk]), HTTP_HX_REQUEST="true"
        ).status_code
        == 404
    )
    response = outsider.post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "note", "body": "sneaky"},
    )
    assert response.status_code == 404
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_read_only_user_may_not_add_notes(logged_in_client, seller, person, make_user):
    reader = make_user("reader", role="Read only", team=seller.team)
    response = logged_in_client(reader).post(
        reverse("interactions:person_interaction_create", args=[person.pk]),
        {"kind": "note", "body": "hello"},
    )
    assert response.status_code == 403
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client, person):
    response = client.post(
        reverse("interactions:person_interaction_create", args=[person.pk]), {"kind": "note"}
    )
    assert response.status_code == 302
    assert not Interaction.objects.exists()

import pytest
from django.core.exceptions import ValidationError

from centric.customers.tests.factories import make_person
from centric.interactions.models import Interaction
from centric.interactions.selectors import timeline
from centric.interactions.services import interaction_create


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"))


@pytest.mark.django_db
def test_body_html_is_sanitised(seller):
    person = make_person(actor=seller)
    note = interaction_create(
        actor=seller,
        person=person,
        channel="email",
        kind="email",
        direction="inbound",
        subject="Hi",
        body='<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x">x</a></p>',
    )
    assert (
        "script" not in note.body and "onclick" not in note.body and "javascript" not in note.body
    )
    assert note.body.startswith("<p>Hello")
    assert note.actor_user == seller


@pytest.mark.django_db
def test_a_retried_delivery_with_the_same_external_id_is_recorded_once(seller):
    person = make_person(actor=seller)
    first = interaction_create(
        person=person,
        channel="whatsapp",
        kind="message",
        direction="inbound",
        body="Hi",
        external_id="wamid.1",
    )
    second = interaction_create(
        person=person,
        channel="whatsapp",
        kind="message",
        direction="inbound",
        body="Hi",
        external_id="wamid.1",
    )
    assert first.pk == second.pk
    assert Interaction.objects.count() == 1


@pytest.mark.django_db
def test_an_interaction_needs_a_subject_and_content(seller):
    with pytest.raises(ValidationError):
        interaction_create(channel="phone", kind="call", body="Called")
    person = make_person(actor=seller)
    with pytest.raises(ValidationError):
        interaction_create(person=person, channel="phone", kind="call")
    with pytest.raises(ValidationError):
        interaction_create(person=person, channel="pigeon", kind="call", body="x")
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_timeline_is_newest_first_filtered_and_follows_visibility(seller, make_team, make_user):
    import datetime as dt

    from django.utils import timezone

    person = make_person(actor=seller)
    now = timezone.now()
    old = interaction_create(
        person=person,
        channel="sms",
        kind="message",
        body="old",
        occurred_at=now - dt.timedelta(days=2),
    )
    new = interaction_create(
        person=person, channel="phone", kind="call", body="new", occurred_at=now
    )
    assert list(timeline(seller, person=person)) == [new, old]
    assert list(timeline(seller, person=person, channel="sms")) == [old]
    assert list(timeline(seller, person=person, kind="call")) == [new]
    outsider = make_user("outsider", team=make_team("Service"))
    assert list(timeline(outsider, person=person)) == []

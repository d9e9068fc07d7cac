"""Merging people and undoing it exactly; refusing what must be refused."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from centric.customers.models import Consent, ContactPoint, Membership, Person
from centric.customers.services import (
    consent_record,
    membership_set,
    organisation_create,
    person_update,
)
from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair, Merge
from centric.identity.services.merge import MergeError, golden_record, merge_undo, people_merge
from centric.interactions.models import Interaction, InteractionLink
from centric.interactions.services import interaction_create, interaction_link_add


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


def _state(person_ids):
    """Everything that points at these people, to compare before and after."""
    return {
        "people": sorted(
            Person.objects.filter(pk__in=person_ids).values_list(
                "pk", "first_name", "last_name", "external_id", "merged_into_id", "date_of_birth"
            )
        ),
        "points": sorted(
            ContactPoint.objects.filter(person_id__in=person_ids).values_list("pk", "person_id")
        ),
        "interactions": sorted(
            Interaction.objects.filter(person_id__in=person_ids).values_list("pk", "person_id")
        ),
        "consents": sorted(
            Consent.objects.filter(person_id__in=person_ids).values_list(
                "pk", "person_id", "status"
            )
        ),
        "memberships": sorted(
            Membership.objects.filter(person_id__in=person_ids).values_list(
                "pk", "person_id", "organisation_id"
            )
        ),
        "tags": sorted(
            (p.pk, tuple(sorted(p.tags.values_list("name", flat=True))))
            for p in Person.objects.filter(pk__in=person_ids)
        ),
        "links": _person_links(person_ids),
    }


def _person_links(person_ids):
    """The timeline links to these people (decision 0038), whole rows."""
    return sorted(
        InteractionLink.objects.filter(
            content_type__app_label="customers",
            content_type__model="person",
            object_id__in=person_ids,
        ).values_list("pk", "interaction_id", "content_type_id", "object_id", "created_at")
    )


@pytest.fixture
def two_records(seller):
    emeka = make_person(
        actor=seller,
        first_name="Emeka",
        last_name="Okafor",
        phone="0803 123 4567",
        external_id="WA-1",
        tags=["WhatsApp"],
    )
    chukwuemeka = make_person(
        actor=seller,
        first_name="Chukwuemeka",
        last_name="Okafor",
        email="emeka@example.com",
        date_of_birth="1985-03-02",
        tags=["VIP"],
    )
    interaction_create(
        person=emeka, channel="whatsapp", kind="message", direction="inbound", body="Hello"
    )
    interaction_create(
        person=chukwuemeka, channel="email", kind="email", direction="inbound", body="Hi"
    )
    consent_record(person=emeka, purpose="marketing_sms", status="granted", method="form")
    shop = organisation_create(actor=seller, name="Okafor Stores")
    membership_set(person=emeka, organisation=shop, role="Owner")
    return chukwuemeka, emeka


@pytest.mark.django_db
def test_merge_moves_every_link_to_the_survivor_and_hides_the_other(seller, two_records):
    survivor, other = two_records
    merge = people_merge(actor=seller, survivor=survivor, others=[other])
    survivor.refresh_from_db()
    other.refresh_from_db()
    assert other.merged_into == survivor
    assert not Person.objects.visible_to(seller).filter(pk=other.pk).exists()
    assert set(survivor.contact_points.values_list("value_normalized", flat=True)) == {
        "+2348031234567",
        "emeka@example.com",
    }
    assert survivor.interactions.count() == 2
    assert list(survivor.consents.values_list("purpose", flat=True)) == ["marketing_sms"]
    assert list(survivor.memberships.values_list("organisation__name", flat=True)) == [
        "Okafor Stores"
    ]
    assert set(survivor.tags.values_list("name", flat=True)) == {"VIP", "WhatsApp"}
    assert survivor.external_id == "WA-1"
    assert merge.merged_ids == [other.pk]


@pytest.mark.django_db
def test_undo_restores_the_original_records_and_links_exactly(seller, two_records):
    survivor, other = two_records
    ids = [survivor.pk, other.pk]
    before = _state(ids)
    merge = people_merge(actor=seller, survivor=survivor, others=[other])
    assert _state(ids) != before
    merge_undo(actor=seller, merge=merge)
    assert _state(ids) == before
    with pytest.raises(MergeError):
        merge_undo(actor=seller, merge=merge)


@pytest.mark.django_db
def test_manual_pick_and_survivorship(seller, two_records):
    survivor, other = two_records
    golden = {
        g.field: g
        for g in golden_record(survivor=survivor, others=[other], choices={"first_name": other.pk})
    }
    assert golden["first_name"].value == "Emeka" and golden["first_name"].rule == "manual"
    assert golden["date_of_birth"].value.isoformat() == "1985-03-02"


@pytest.mark.django_db
def test_merging_records_the_user_may_not_see_is_refused_and_changes_nothing(
    seller, two_records, make_team, make_user
):
    survivor, other = two_records
    outsider = make_user("outsider", team=make_team("Service"), role="Manager")
    before = _state([survivor.pk, other.pk])
    with pytest.raises(PermissionDenied):
        people_merge(actor=outsider, survivor=survivor, others=[other])
    assert _state([survivor.pk, other.pk]) == before
    assert Merge.objects.count() == 0


@pytest.mark.django_db
def test_a_record_already_merged_or_deleted_gives_a_clear_message(seller, two_records):
    survivor, other = two_records
    third = make_person(actor=seller, first_name="C.", last_name="Okafor")
    people_merge(actor=seller, survivor=survivor, others=[other])
    with pytest.raises(MergeError, match="already merged"):
        people_merge(actor=seller, survivor=third, others=[other])
    gone = make_person(actor=seller, first_name="Gone")
    gone_id = gone.pk
    gone.delete()
    with pytest.raises((MergeError, PermissionDenied)):
        people_merge(actor=seller, survivor=third, others=[Person(pk=gone_id)])


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_changed(seller, two_records, monkeypatch):
    survivor, other = two_records
    before = _state([survivor.pk, other.pk])
    from centric.identity.services import merge as merge_module

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(merge_module, "refresh_primary_contacts", explode)
    with pytest.raises(RuntimeError):
        people_merge(actor=seller, survivor=survivor, others=[other])
    assert _state([survivor.pk, other.pk]) == before
    assert Merge.objects.count() == 0


@pytest.mark.django_db
def test_pairs_inside_the_merge_are_closed(seller, two_records):
    survivor, other = two_records
    low, high = sorted([survivor.pk, other.pk])
    pair = CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=0.8, weight=3.0
    )
    people_merge(actor=seller, survivor=survivor, others=[other])
    pair.refresh_from_db()
    assert pair.status == CandidatePair.Status.MERGED


@pytest.mark.django_db(transaction=True)
def test_two_staff_merging_overlapping_records_at_once_cannot_corrupt_data(seller):
    a = make_person(actor=seller, first_name="Ngozi", last_name="Eze", phone="08031111111")
    b = make_person(actor=seller, first_name="Ngozi", last_name="Eze", phone="08032222222")
    c = make_person(actor=seller, first_name="Ngozi", last_name="Eze", phone="08033333333")
    barrier = threading.Barrier(2)
    outcomes = []

    def merge(survivor, other):
        try:
            barrier.wait(timeout=10)
            people_merge(
                actor=seller,
                survivor=Person.objects.get(pk=survivor.pk),
                others=[Person.objects.get(pk=other.pk)],
            )
            outcomes.append("merged")
        except MergeError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=merge, args=args) for args in ((a, b), (c, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["merged", "refused"]
    b.refresh_from_db()
    assert b.merged_into_id in {a.pk, c.pk}
    assert Merge.objects.count() == 1
    assert (
        ContactPoint.objects.filter(value_normalized="+2348032222222")
        .values_list("person_id", flat=True)
        .get()
        == b.merged_into_id
    )


@pytest.mark.django_db
def test_newer_consent_answer_wins_and_undo_restores_it(seller):
    a = make_person(actor=seller, first_name="Bola")
    b = make_person(actor=seller, first_name="Bolanle")
    consent_record(person=a, purpose="marketing_email", status="granted", method="form")
    consent_record(person=b, purpose="marketing_email", status="withdrawn", method="portal")
    merge = people_merge(actor=seller, survivor=a, others=[b])
    assert a.consents.get().status == "withdrawn"
    merge_undo(actor=seller, merge=merge)
    assert a.consents.get().status == "granted"
    assert b.consents.get().status == "withdrawn"


@pytest.mark.django_db
def test_survivor_edit_after_merge_gets_a_new_version(seller, two_records):
    survivor, other = two_records
    version = survivor.version
    people_merge(actor=seller, survivor=survivor, others=[other])
    survivor.refresh_from_db()
    assert survivor.version == version + 1
    person_update(
        person=survivor, actor=seller, expected_version=survivor.version, middle_name="Ikenna"
    )


@pytest.mark.django_db
def test_merge_repoints_timeline_links_and_undo_restores_them_exactly(seller, two_records):
    survivor, other = two_records
    friend = make_person(actor=seller, first_name="Ada", last_name="Obi")
    referral = interaction_create(
        actor=seller, person=friend, channel="phone", kind="call", subject="Referred Emeka"
    )
    introduction = interaction_create(
        actor=seller, person=friend, channel="phone", kind="call", subject="Introduced both"
    )
    interaction_link_add(interaction=referral, target=other, actor=seller)
    interaction_link_add(interaction=introduction, target=survivor, actor=seller)
    interaction_link_add(interaction=introduction, target=other, actor=seller)
    ids = [survivor.pk, other.pk]
    before = _state(ids)

    merge = people_merge(actor=seller, survivor=survivor, others=[other])

    # The survivor takes the other's links; one interaction linked to both keeps one link.
    assert sorted(
        (interaction_id, object_id)
        for _pk, interaction_id, _type, object_id, _at in _state(ids)["links"]
    ) == sorted([(referral.pk, survivor.pk), (introduction.pk, survivor.pk)])
    assert _person_links([other.pk]) == []

    merge_undo(actor=seller, merge=merge)

    assert _state(ids) == before


@pytest.mark.django_db
def test_one_interaction_linked_to_two_merged_records_keeps_one_link_and_undo_gives_both_back(
    seller,
):
    survivor = make_person(actor=seller, first_name="Ngozi", last_name="Eze")
    first = make_person(actor=seller, first_name="Ngozi", last_name="Eze")
    second = make_person(actor=seller, first_name="N.", last_name="Eze")
    friend = make_person(actor=seller, first_name="Ada", last_name="Obi")
    meeting = interaction_create(
        actor=seller,
        person=friend,
        channel="visit",
        kind="meeting",
        subject="Met both",
        links=[first, second],
    )
    ids = [survivor.pk, first.pk, second.pk]
    before = _person_links(ids)

    merge = people_merge(actor=seller, survivor=survivor, others=[first, second])

    assert list(
        InteractionLink.objects.filter(interaction=meeting).values_list("object_id", flat=True)
    ) == [survivor.pk]
    merge_undo(actor=seller, merge=merge)
    assert _person_links(ids) == before


@pytest.mark.django_db
def test_what_needs_attention_on_a_merged_record_stays_with_the_customer(seller, two_records):
    survivor, other = two_records
    kept = {"field": "phone", "value": "0803 12", "reason": "“0803 12” is not a valid number."}
    Person.objects.filter(pk=other.pk).update(
        needs_attention=[kept, {"field": "name", "value": "", "reason": "No name."}]
    )
    other.refresh_from_db()

    merge = people_merge(actor=seller, survivor=survivor, others=[other])

    survivor.refresh_from_db()
    # The survivor has a name: only the kept phone follows it.
    assert survivor.needs_attention == [kept]
    merge_undo(actor=seller, merge=merge)
    survivor.refresh_from_db()
    assert survivor.needs_attention is None

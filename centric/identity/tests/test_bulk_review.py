"""The review queue as groups, strongest first, and accepting every group above a confidence
in one undoable action."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction

from centric.core.models import VisibilityPolicy
from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.identity import selectors
from centric.identity.models import BulkMerge, CandidatePair, Merge
from centric.identity.services import review
from centric.identity.services.merge import MergeError, merge_undo, people_merge
from centric.identity.services.review import bulk_merge_undo, clusters_accept


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


@pytest.fixture
def outsider(make_team, make_user):
    return make_user("outsider", team=make_team("Service"), role="Manager")


def pair(a: Person, b: Person, probability: float) -> CandidatePair:
    low, high = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=probability, weight=5.0
    )


@pytest.fixture
def queue(seller):
    """A household's four records joined by five pairs, a two-record pair, and a weak chain."""
    chinedu = [
        make_person(actor=seller, first_name=name, last_name="Okafor", phone="0803 123 4567")
        for name in ("Chinedu", "Chinedu", "Chined", "C.")
    ]
    a, b, c, d = chinedu
    household = [
        pair(a, b, 0.99),
        pair(b, c, 0.97),
        pair(c, d, 0.96),
        pair(a, c, 0.98),
        pair(b, d, 0.95),
    ]
    bisi = [make_person(actor=seller, first_name="Bisi", last_name="Adeyemi") for _ in range(2)]
    twins = [pair(*bisi, 0.9)]
    tunde = [make_person(actor=seller, first_name="Tunde", last_name="Bakare") for _ in range(3)]
    chain = [pair(tunde[0], tunde[1], 0.99), pair(tunde[1], tunde[2], 0.62)]
    return {
        "household": (chinedu, household),
        "twins": (bisi, twins),
        "chain": (tunde, chain),
    }


def _ids(people):
    return sorted(p.pk for p in people)


@pytest.mark.django_db
def test_pairs_are_grouped_into_clusters_strongest_first(seller, outsider, queue):
    hidden = [make_person(actor=outsider, first_name="Ngozi", last_name="Eze") for _ in range(2)]
    pair(*hidden, 0.999)
    clusters = selectors.pending_clusters(seller)
    people, pairs = queue["household"]
    assert [c.person_ids for c in clusters] == [
        _ids(people),
        _ids(queue["chain"][0]),
        _ids(queue["twins"][0]),
    ]
    first = clusters[0]
    assert first.pair_ids == sorted(p.pk for p in pairs)
    assert (first.max_probability, first.min_probability) == (0.99, 0.95)
    assert first.mean_probability == pytest.approx(0.97)
    # The chain's best pair ties the household's; the household's mean is higher.
    assert clusters[1].max_probability == 0.99 and clusters[1].min_probability == 0.62
    assert selectors.pending_clusters(outsider)[0].person_ids == _ids(hidden)


@pytest.mark.django_db
def test_accepting_merges_every_group_whose_every_pair_is_above_the_threshold(seller, queue):
    preview = selectors.clusters_to_accept(seller, 0.95)
    assert [c.person_ids for c in preview.clusters] == [_ids(queue["household"][0])]
    assert (preview.records, preview.records_merged_away) == (4, 3)

    batch = clusters_accept(actor=seller, threshold=0.9)

    household, twins, chain = (queue[k][0] for k in ("household", "twins", "chain"))
    assert batch.status == BulkMerge.Status.DONE
    assert (batch.clusters_planned, batch.clusters_merged, batch.records_merged) == (2, 2, 4)
    assert batch.skipped == []
    merges = list(batch.merges.order_by("pk"))
    assert [(m.survivor_id, sorted(m.merged_ids)) for m in merges] == [
        (household[0].pk, _ids(household[1:])),
        (twins[0].pk, [twins[1].pk]),
    ]
    assert Person.objects.filter(pk__in=_ids(household[1:]), merged_into=household[0]).count() == 3
    # The golden record: the spelling most of the household's records agree on.
    household[0].refresh_from_db()
    assert household[0].first_name == "Chinedu"
    # The chain has one weak pair: it stays whole in the queue for a person to look at.
    assert not Person.objects.filter(pk__in=_ids(chain), merged_into__isnull=False).exists()
    assert set(
        CandidatePair.objects.filter(pk__in=[p.pk for p in queue["chain"][1]]).values_list(
            "status", flat=True
        )
    ) == {CandidatePair.Status.PENDING}
    assert [c.person_ids for c in selectors.pending_clusters(seller)] == [_ids(chain)]


@pytest.mark.django_db
def test_undoing_the_action_undoes_each_of_its_merges(seller, queue):
    before = sorted(Person.objects.values_list("pk", "first_name", "merged_into_id"))
    statuses = sorted(CandidatePair.objects.values_list("pk", "status"))
    batch = clusters_accept(actor=seller, threshold=0.9)
    assert Merge.objects.filter(undone_at__isnull=True).count() == 2

    undone = bulk_merge_undo(actor=seller, batch=batch)

    assert undone.status == BulkMerge.Status.UNDONE and undone.merges_undone == 2
    assert sorted(Person.objects.values_list("pk", "first_name", "merged_into_id")) == before
    assert sorted(CandidatePair.objects.values_list("pk", "status")) == statuses
    with pytest.raises(MergeError, match="already undone"):
        bulk_merge_undo(actor=seller, batch=undone)


@pytest.mark.django_db
def test_each_merge_of_the_action_can_also_be_undone_alone(seller, queue):
    batch = clusters_accept(actor=seller, threshold=0.9)
    twins_merge = batch.merges.get(survivor=queue["twins"][0][0])
    merge_undo(actor=seller, merge=twins_merge)
    undone = bulk_merge_undo(actor=seller, batch=batch)
    assert undone.merges_undone == 1 and undone.skipped == []
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.django_db
def test_a_merge_that_cannot_be_undone_is_listed_and_the_rest_are_undone(seller, queue):
    batch = clusters_accept(actor=seller, threshold=0.9)
    household_survivor = queue["household"][0][0]
    newcomer = make_person(actor=seller, first_name="Chinedu", last_name="Okafor")
    people_merge(actor=seller, survivor=household_survivor, others=[newcomer])
    undone = bulk_merge_undo(actor=seller, batch=batch)
    assert undone.status == BulkMerge.Status.UNDONE
    assert [entry["people"][0] for entry in undone.skipped] == [household_survivor.pk]
    assert "later merge" in undone.skipped[0]["reason"]
    assert not Person.objects.filter(pk=queue["twins"][0][1].pk, merged_into__isnull=False).exists()


@pytest.mark.django_db
def test_a_group_with_a_record_the_user_may_not_change_is_left_whole(seller, outsider):
    VisibilityPolicy.objects.create(record_type="customers.person", level="public_read")
    mine = make_person(actor=seller, first_name="Amaka", last_name="Obi")
    theirs = make_person(actor=outsider, first_name="Amaka", last_name="Obi")
    other = make_person(actor=seller, first_name="Amaka", last_name="Obi")
    pair(mine, theirs, 0.99)
    pair(theirs, other, 0.99)
    assert selectors.pending_clusters(seller)[0].person_ids == _ids([mine, theirs, other])
    preview = selectors.clusters_to_accept(seller, 0.9)
    assert (preview.clusters, preview.not_changeable) == ([], 1)
    with pytest.raises(ValidationError):
        clusters_accept(actor=seller, threshold=0.9)
    assert not Person.objects.filter(merged_into__isnull=False).exists()
    assert BulkMerge.objects.count() == 0


@pytest.mark.django_db
def test_bad_thresholds_and_missing_permission_are_refused(seller, queue, make_user):
    for threshold in (0, 0.3, 1.5, -0.2):
        with pytest.raises(ValidationError, match="between 0.5 and 1"):
            clusters_accept(actor=seller, threshold=threshold)
    with pytest.raises(ValidationError, match="No group"):
        clusters_accept(actor=seller, threshold=0.999)
    reader = make_user("reader", role="Read only", team=seller.team)
    with pytest.raises(PermissionDenied):
        clusters_accept(actor=reader, threshold=0.9)
    assert BulkMerge.objects.count() == 0 and Merge.objects.count() == 0


@pytest.mark.django_db
def test_a_group_whose_pair_was_decided_meanwhile_is_skipped_with_the_reason(seller, queue):
    batch = BulkMerge.objects.create(
        threshold=0.9,
        requested_by=seller,
        plan=[
            {"people": c.person_ids, "pairs": c.pair_ids}
            for c in selectors.clusters_to_accept(seller, 0.9).clusters
        ],
        clusters_planned=2,
    )
    twins_pair = queue["twins"][1][0]
    twins_pair.status = CandidatePair.Status.NOT_SAME
    twins_pair.save()
    done = review.bulk_merge_run(batch_id=batch.pk)
    assert (done.clusters_done, done.clusters_merged, done.records_merged) == (2, 1, 3)
    assert done.skipped == [
        {
            "people": _ids(queue["twins"][0]),
            "reason": "The review queue changed since: a pair of this group was decided or rescored.",
        }
    ]
    # Run again (a retried task): nothing is merged twice.
    assert review.bulk_merge_run(batch_id=batch.pk).clusters_merged == 1
    assert Merge.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_groups_are_merged_by_the_worker_with_progress(seller, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(review, "INLINE_LIMIT", 2)
    for index in range(5):
        people = [
            make_person(actor=seller, first_name=f"Ada{index}", last_name="Okeke") for _ in range(2)
        ]
        pair(*people, 0.97)
    with transaction.atomic():
        batch = clusters_accept(actor=seller, threshold=0.95)
    assert (batch.status, batch.progress, batch.clusters_planned) == ("queued", 0, 5)
    assert Merge.objects.count() == 0 and DBTaskResult.objects.count() == 1

    call_command("worker", batch=True, interval=0, verbosity=0)

    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.clusters_merged) == ("done", 100, 5)
    assert Merge.objects.filter(bulk=batch).count() == 5

    with transaction.atomic():
        undoing = bulk_merge_undo(actor=seller, batch=batch)
    assert (undoing.status, undoing.progress) == ("undo_queued", 0)
    call_command("worker", batch=True, interval=0, verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.merges_undone) == ("undone", 5)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.django_db
def test_a_group_of_more_than_twenty_records_is_left_for_a_person(seller):
    """Twenty-two members of a church sharing the office landline, every pair scored high."""
    members = [
        make_person(
            actor=seller, first_name=f"Member{index}", last_name="Adeyemi", phone="0201 285 2651"
        )
        for index in range(22)
    ]
    for left, right in zip(members, members[1:], strict=False):
        pair(left, right, 0.99)
    preview = selectors.clusters_to_accept(seller, 0.95)
    assert (preview.clusters, preview.too_large) == ([], 1)
    with pytest.raises(ValidationError, match="No group"):
        clusters_accept(actor=seller, threshold=0.95)
    assert not Person.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_accepting_the_same_groups_at_once_merge_each_group_once(seller, queue):
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    errors = []

    def accept():
        try:
            barrier.wait(timeout=10)
            clusters_accept(actor=seller, threshold=0.9)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # The second either finds nothing left to accept (SQLite serialises the two) or finds the
    # groups merged under it and lists them as skipped (PostgreSQL's row locks).
    assert all("No group" in str(error) for error in errors), errors
    batches = list(BulkMerge.objects.order_by("pk"))
    assert len(batches) + len(errors) == 2
    assert sum(b.clusters_merged for b in batches) == 2  # the household and the twins, once each
    assert sum(len(b.skipped) for b in batches) == (2 if len(batches) == 2 else 0)
    assert Merge.objects.count() == 2
    household = queue["household"][0]
    assert Person.objects.filter(merged_into=household[0]).count() == 3

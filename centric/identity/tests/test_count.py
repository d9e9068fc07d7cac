"""The exact customer count and its explanation."""

import datetime as dt

import pytest
from django.utils import timezone

from centric.customers.services import person_update
from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair
from centric.identity.selectors import customer_count
from centric.identity.services.merge import people_merge
from centric.interactions.services import interaction_create


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


def _customer(actor, name, days_ago=None, **fields):
    person = make_person(actor=actor, first_name=name, lifecycle_stage="customer", **fields)
    if days_ago is not None:
        interaction_create(
            person=person,
            channel="in_person",
            kind="purchase",
            body="Bought",
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        )
    return person


def _pair(a, b, probability):
    low, high = sorted([a.pk, b.pk])
    return CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=probability, weight=1.0
    )


@pytest.mark.django_db
def test_count_explains_records_duplicates_and_non_customers(seller):
    a = _customer(seller, "Ada", days_ago=10)
    a_dup = _customer(seller, "Adaeze", days_ago=400)
    b = _customer(seller, "Bisi", days_ago=100)
    b_dup = _customer(seller, "Bisola")
    c = _customer(seller, "Chidi", days_ago=200)
    c_maybe = _customer(seller, "Chidiebere")
    make_person(actor=seller, first_name="Lead", lifecycle_stage="lead")
    people_merge(actor=seller, survivor=a, others=[a_dup])
    _pair(b, b_dup, 0.99)
    _pair(c, c_maybe, 0.7)

    count = customer_count(seller)
    assert count.records == 7
    assert count.merged == 1
    assert count.clustered == 1
    assert count.identities == 5
    assert count.not_customers == 1
    assert count.customers == 4
    assert count.pending_pairs == 1
    assert count.at_least == 3
    assert count.breakdown == {"active": 1, "at_risk": 1, "lapsed": 1, "inactive": 1}
    assert count.trend[-1]["customers"] == count.customers


@pytest.mark.django_db
def test_lost_this_month_names_the_competitor_and_counts_follow_visibility(
    seller, make_team, make_user
):
    person = _customer(seller, "Tari", days_ago=5)
    person_update(
        person=person,
        actor=seller,
        lifecycle_stage="lost",
        lost_at=timezone.localdate(),
        lost_to="ShopRite",
    )
    count = customer_count(seller)
    assert [(row["name"], row["lost_to"], row["stage"]) for row in count.lost_this_month] == [
        ("Tari Okafor", "ShopRite", "lost")
    ]
    assert count.trend[-1]["lost"] == count.lost_this_month_total == 1
    assert count.trend[-1]["customers"] == count.customers == 0
    assert (count.lost, count.not_customers) == (1, 0)
    outsider = make_user("outsider", team=make_team("Service"))
    assert customer_count(outsider).records == 0


@pytest.mark.django_db
def test_lost_to_reads_the_competitor_of_the_customers_lost_deal(seller):
    """The count's "lost to" and the lost-to-competitors report read the same deals."""
    from centric.sales.models import Competitor, LostReason
    from centric.sales.services import deal_move
    from centric.sales.testing import make_deal

    person = _customer(seller, "Ebi", days_ago=40)
    deal = make_deal(owner=seller, person=person, title="Uniforms")
    reason = LostReason.objects.create(name="Went with a competitor", names_competitor=True)
    konga = Competitor.objects.create(name="Konga")
    lost_stage = deal.pipeline.stages.get(outcome="lost")
    deal_move(deal, actor=seller, stage=lost_stage, lost_reason=reason, competitor=konga)
    person_update(
        person=person,
        actor=seller,
        lifecycle_stage="lost",
        lost_at=timezone.localdate(),
        lost_to="Jumia (typed by hand)",
    )

    (row,) = customer_count(seller).lost_this_month

    assert row["lost_to"] == "Konga"


@pytest.mark.django_db
def test_settings_changes_and_merges_are_audited(seller):
    from centric.core.models import AuditEvent
    from centric.identity.services.settings import identity_settings_update

    identity_settings_update(
        actor=seller,
        review_threshold=0.4,
        merge_threshold=0.9,
        auto_merge=False,
        default_survivorship="most_recent",
        field_survivorship={},
        trusted_sources=[],
        active_days=60,
        at_risk_days=120,
        lapsed_days=300,
    )
    event = AuditEvent.objects.get(kind="settings_change")
    assert event.detail["changed"]["merge_threshold"] == {"from": 0.95, "to": 0.9}
    a, b = _customer(seller, "Uche"), _customer(seller, "Uchenna")
    people_merge(actor=seller, survivor=a, others=[b])
    assert AuditEvent.objects.get(kind="merge").detail == {
        "survivor": a.pk,
        "merged": [b.pk],
        "automatic": False,
    }

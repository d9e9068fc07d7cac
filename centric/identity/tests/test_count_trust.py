"""The count says whose it is; lost and churned customers stand beside the customers; the monthly
chart, "lost this month" and the note on the last resolution agree with each other."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from centric.customers.models import Person
from centric.customers.services import person_update
from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair, Merge, ResolutionRun
from centric.identity.selectors import customer_count
from centric.identity.services.merge import people_merge

LAGOS = zoneinfo.ZoneInfo("Africa/Lagos")
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=LAGOS)


def at(month: int, day: int = 10, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=LAGOS)


@pytest.fixture
def sales(make_team):
    return make_team("Sales")


@pytest.fixture
def seller(make_user, sales):
    return make_user("seller", team=sales, role="Manager")


def _person(actor, name, *, created, stage="customer", **fields):
    person = make_person(actor=actor, first_name=name, lifecycle_stage=stage, **fields)
    Person.objects.filter(pk=person.pk).update(created_at=created, updated_at=created)
    person.refresh_from_db()
    return person


def _lose(person, actor, *, on, stage="lost", lost_to=""):
    person_update(person=person, actor=actor, lifecycle_stage=stage, lost_at=on, lost_to=lost_to)
    Person.objects.filter(pk=person.pk).update(updated_at=at(on.month, on.day))


def _merge(actor, survivor, other, *, when, automatic=False):
    merge = people_merge(actor=actor, survivor=survivor, others=[other], automatic=automatic)
    Merge.objects.filter(pk=merge.pk).update(merged_at=when)
    Person.objects.filter(pk=other.pk).update(updated_at=when)
    return merge


# ---------------------------------------------------------------- whose figure


@pytest.mark.django_db
def test_the_count_says_whose_customers_it_counts(
    seller, sales, make_team, make_user, admin_user, logged_in_client, api_client
):
    lagos = make_team("Lagos", parent=sales, lead=seller)
    service = make_team("Service")
    other_seller = make_user("bisi", team=service, role="Manager")
    _person(seller, "Chinedu", created=at(3))
    _person(other_seller, "Bisi", created=at(3))

    mine = customer_count(seller, now=NOW)
    assert (mine.customers, mine.scope.whole_business) == (1, False)
    assert mine.scope.teams == ["Lagos", "Sales"]
    assert mine.scope.description == "in the teams you can see: Lagos, Sales"
    everyone = customer_count(admin_user, now=NOW)
    assert (everyone.customers, everyone.scope.whole_business, everyone.scope.teams) == (
        2,
        True,
        [],
    )

    page = logged_in_client(seller).get(reverse("identity:count")).content.decode()
    assert "in the teams you can see: Lagos, Sales" in page
    assert "across the whole business" not in page
    admin_page = logged_in_client(admin_user).get(reverse("identity:count")).content.decode()
    assert "across the whole business" in admin_page

    body = api_client(seller).get("/api/v1/customers/count").json()
    assert body["scope"] == {
        "whole_business": False,
        "teams": ["Lagos", "Sales"],
        "description": "in the teams you can see: Lagos, Sales",
    }
    assert api_client(admin_user).get("/api/v1/customers/count").json()["scope"] == {
        "whole_business": True,
        "teams": [],
        "description": "across the whole business",
    }
    assert lagos.pk


# ---------------------------------------------------------------- lost beside, not inside


@pytest.mark.django_db
def test_lost_and_churned_customers_stand_beside_the_customers_not_inside(
    seller, logged_in_client, api_client
):
    _person(seller, "Ada", created=at(1))
    marked = _person(seller, "Emeka", created=at(1))
    _lose(marked, seller, on=dt.date(2026, 5, 2), stage="customer", lost_to="Jumia")
    churned = _person(seller, "Ngozi", created=at(1))
    person_update(person=churned, actor=seller, lifecycle_stage="churned")
    _person(seller, "Funke", created=at(1), stage="lost")
    _person(seller, "Tunde", created=at(1), stage="lead")

    count = customer_count(seller, now=NOW)
    assert (count.customers, count.lost, count.churned, count.not_customers) == (1, 2, 1, 1)
    assert count.identities == count.customers + count.lost + count.churned + count.not_customers
    assert sum(count.breakdown.values()) == count.customers

    page = logged_in_client(seller).get(reverse("identity:count")).content.decode()
    assert '<p class="count-number" id="count-number">1</p>' in page
    assert 'id="count-lost">2<' in page and 'id="count-churned">1<' in page
    body = api_client(seller).get("/api/v1/customers/count").json()
    assert (body["customers"], body["lost"], body["churned"], body["not_customers"]) == (
        1,
        2,
        1,
        1,
    )


@pytest.mark.django_db
def test_a_duplicate_pair_of_a_customer_and_a_lost_record_is_one_customer(seller):
    kept = _person(seller, "Chinedu", created=at(2))
    old = _person(seller, "Chinedu", created=at(1), stage="lost")
    low, high = sorted([kept.pk, old.pk])
    CandidatePair.objects.create(person_low_id=low, person_high_id=high, probability=0.99, weight=9)
    count = customer_count(seller, now=NOW)
    assert (count.identities, count.customers, count.lost, count.clustered) == (1, 1, 0, 1)
    assert count.trend[-1]["customers"] == 1


# ---------------------------------------------------------------- the chart agrees


@pytest.mark.django_db
def test_each_months_change_is_gained_minus_lost_minus_merged_away(seller):
    """With a fixed clock (15 June 2026): 3 customers in January, 2 gained in March, one lost in
    April, one merged into another in May, one gained and one churned in June."""
    ada = _person(seller, "Ada", created=at(1))
    ada_again = _person(seller, "Adaeze", created=at(1, 20))
    bisi = _person(seller, "Bisi", created=at(1))
    _person(seller, "Chidi", created=at(3))
    dayo = _person(seller, "Dayo", created=at(3, 25))
    _person(seller, "Lead", created=at(2), stage="lead")
    _lose(bisi, seller, on=dt.date(2026, 4, 8), lost_to="ShopRite")
    _merge(seller, ada, ada_again, when=at(5, 3))
    _person(seller, "Efe", created=at(6, 2))
    person_update(person=dayo, actor=seller, lifecycle_stage="churned", lost_at=dt.date(2026, 6, 9))

    count = customer_count(seller, now=NOW, months=6)
    rows = {row["month"]: row for row in count.trend}
    assert [row["month"] for row in count.trend] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
        "2026-06",
    ]
    assert [row["customers"] for row in count.trend] == [3, 3, 5, 4, 3, 3]
    assert (rows["2026-04"]["lost"], rows["2026-05"]["merged"]) == (1, 1)
    assert (rows["2026-06"]["gained"], rows["2026-06"]["lost"]) == (1, 1)
    previous = 0
    for row in count.trend:
        assert row["customers"] - previous == row["gained"] - row["lost"] - row["merged"]
        assert row["change"] == row["gained"] - row["lost"] - row["merged"]
        previous = row["customers"]
    assert count.trend[-1]["customers"] == count.customers == 3
    assert [row["name"] for row in count.lost_this_month] == ["Dayo Okafor"]
    assert count.lost_this_month_total == count.trend[-1]["lost"] == 1


@pytest.mark.django_db
def test_the_chart_starts_from_the_customers_before_its_first_month(seller):
    old = _person(seller, "Old", created=dt.datetime(2025, 3, 1, 9, tzinfo=LAGOS))
    _person(seller, "Older", created=dt.datetime(2025, 2, 1, 9, tzinfo=LAGOS))
    _lose(old, seller, on=dt.date(2025, 4, 1))
    count = customer_count(seller, now=NOW, months=3)
    assert [row["customers"] for row in count.trend] == [1, 1, 1]
    assert [row["change"] for row in count.trend] == [0, 0, 0]


@pytest.mark.django_db
def test_a_lost_date_typed_in_the_future_counts_as_lost_today(seller):
    person = _person(seller, "Yemi", created=at(1))
    _lose(person, seller, on=dt.date(2026, 9, 1))
    count = customer_count(seller, now=NOW, months=2)
    assert count.trend[-1] == {
        "month": "2026-06",
        "customers": 0,
        "gained": 0,
        "lost": 1,
        "merged": 0,
        "change": -1,
    }
    assert count.lost_this_month_total == 1 and count.customers == 0


# ---------------------------------------------------------------- what a resolution changed


@pytest.mark.django_db
def test_the_page_says_how_much_the_last_resolution_changed_the_count_and_why(
    seller, logged_in_client, api_client
):
    started, finished = at(6, 1, 14), at(6, 1, 14) + dt.timedelta(minutes=3)
    run = ResolutionRun.objects.create(
        status=ResolutionRun.Status.DONE, started_at=started, finished_at=finished, progress=100
    )
    people = [_person(seller, f"Kemi {n}", created=at(2)) for n in range(8)]
    _merge(seller, people[0], people[1], when=started + dt.timedelta(minutes=1), automatic=True)
    _merge(seller, people[0], people[2], when=started + dt.timedelta(minutes=2), automatic=True)
    _merge(seller, people[3], people[4], when=at(6, 5))  # by hand, after the run
    low, high = sorted([people[5].pk, people[6].pk])
    CandidatePair.objects.create(
        person_low_id=low, person_high_id=high, probability=0.99, weight=9, run=run
    )
    _merge(seller, people[7], _person(seller, "Old", created=at(1)), when=at(5, 1))  # before

    count = customer_count(seller, now=NOW)
    assert count.customers == 4
    assert count.since_resolution == {
        "run_id": run.pk,
        "run_started_at": started,
        "run_finished_at": finished,
        "change": -4,
        "before": 8,
        "merged_by_resolution": 2,
        "found_by_resolution": 1,
        "merged_by_hand": 1,
    }

    page = logged_in_client(seller).get(reverse("identity:count")).content.decode()
    assert "−4 since the resolution of 1 Jun 2026 14:00" in page
    assert "2 duplicates merged by that resolution" in page
    assert "1 duplicate it found above the merge threshold counts as one already" in page
    assert "1 merged by hand since" in page
    body = api_client(seller).get("/api/v1/customers/count").json()
    assert body["since_resolution"]["change"] == -4
    assert body["since_resolution"]["run_started_at"].startswith("2026-06-01T")


@pytest.mark.django_db
def test_no_resolution_yet_means_no_note(seller, logged_in_client):
    _person(seller, "Ada", created=at(1))
    assert customer_count(seller, now=NOW).since_resolution is None
    page = logged_in_client(seller).get(reverse("identity:count")).content.decode()
    assert "since the resolution of" not in page
    assert timezone.now()


@pytest.mark.django_db
def test_customers_visible_is_the_one_definition_of_a_customer(seller, make_user, make_team):
    from centric.identity.selectors import customers_visible

    ada = _person(seller, "Ada", created=at(1))
    marked = _person(seller, "Emeka", created=at(1))
    _lose(marked, seller, on=dt.date(2026, 5, 2), stage="customer")
    _person(seller, "Ngozi", created=at(1), stage="churned")
    _person(seller, "Tunde", created=at(1), stage="lead")
    assert list(customers_visible(seller).values_list("pk", flat=True)) == [ada.pk]
    assert not customers_visible(make_user("outsider", team=make_team("Service"))).exists()


@pytest.mark.django_db
def test_the_chart_table_shows_what_changed_each_month(seller, logged_in_client):
    ada = _person(seller, "Ada", created=at(1))
    again = _person(seller, "Adaeze", created=at(1))
    today = timezone.localtime()
    _merge(seller, ada, again, when=today)
    page = logged_in_client(seller).get(reverse("identity:count")).content.decode()
    assert "This month: +0 gained, −0 lost, −1 merged away = −1." in page
    assert '<th scope="col">Merged away</th>' in page
    month = timezone.localtime().strftime("%B %Y")
    assert f"<title>{month}: 1 customer (+0 gained, −0 lost, −1 merged away)</title>" in page


@pytest.mark.django_db
def test_the_count_takes_as_many_queries_for_many_people_as_for_few(seller):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            customer_count(seller, now=NOW)
        return len(captured)

    first = _person(seller, "Ada", created=at(1))
    _lose(_person(seller, "Bisi", created=at(2)), seller, on=dt.date(2026, 6, 1))
    _merge(seller, first, _person(seller, "Adaeze", created=at(1)), when=at(4))
    few = queries()
    for n in range(6):
        person = _person(seller, f"Chidi {n}", created=at(n + 1))
        if n % 2:
            _lose(person, seller, on=dt.date(2026, n + 1, 20))
        else:
            _merge(seller, first, person, when=at(n + 1, 21))
    assert queries() == few


@pytest.mark.django_db
def test_a_lead_who_became_a_customer_is_gained_the_month_they_became_one(seller):
    """Not back-dated to the month the lead was created: the chart's past does not move."""
    lead = _person(seller, "Kelechi", created=at(1), stage="lead")
    person_update(person=lead, actor=seller, lifecycle_stage="customer")
    history = Person.history.model.objects.filter(id=lead.pk)
    history.filter(history_type="+").update(history_date=at(1))
    history.filter(history_type="~").update(history_date=at(4, 12))
    _person(seller, "Amaka", created=at(2))  # a customer from the start: gained when created

    count = customer_count(seller, now=NOW, months=6)
    assert [row["gained"] for row in count.trend] == [0, 1, 0, 1, 0, 0]
    assert [row["customers"] for row in count.trend] == [0, 1, 1, 2, 2, 2]
    assert count.customers == 2

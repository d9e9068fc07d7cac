"""Records about a customer keep copies of their customers' owner and team (decision 0070):
whatever changes a customer's owner or team, or a record's customer, the copies follow, so the
one rule read from them lets the same people see the same records as a join to the customer."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from centric.activities.testing import make_activity
from centric.customers.about import ACCESS_COPIES, about_customer_models, stale_copies
from centric.customers.models import Person
from centric.customers.services import person_update
from centric.customers.testing import make_organisation, make_person
from centric.goodwill.testing import make_goodwill
from centric.identity.services.merge import merge_undo, people_merge
from centric.orders.testing import make_order
from centric.sales.models import Deal
from centric.sales.testing import make_deal
from centric.tickets.testing import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    sales, service = make_team("Sales"), make_team("Service")
    return {
        "sales": sales,
        "service": service,
        "ada": make_user("ada", team=sales),
        "bola": make_user("bola", team=service),
        "admin": make_user("admin", role="Administrator", team=sales),
    }


def _stale() -> dict[str, int]:
    return stale_copies()


def test_every_record_type_about_customers_keeps_the_copies(world):
    person = make_person(owner=world["bola"], team=world["service"], first_name="Ngozi")
    make_deal(owner=world["ada"], person=person)
    make_activity(owner=world["ada"], person=person)
    make_order(owner=world["ada"], person=person)  # and its quote
    make_ticket(owner=world["ada"], person=person)
    make_goodwill(owner=world["ada"], person=person)

    labels = {model._meta.label for model in about_customer_models()}
    assert {
        "sales.Deal",
        "activities.Activity",
        "quotes.Quote",
        "orders.Order",
        "tickets.Ticket",
        "goodwill.GoodwillAction",
    } <= labels
    for model in about_customer_models():
        row = model._default_manager.get(person=person)
        assert (row.person_owner_id, row.person_team_id) == (world["bola"].pk, world["service"].pk)
    assert _stale() == {}


def test_a_reassigned_customer_brings_the_records_about_them_along(world):
    person = make_person(owner=world["bola"], team=world["service"], first_name="Ngozi")
    deal = make_deal(owner=world["ada"], person=person)
    make_activity(owner=world["ada"], person=person, deal=deal)
    assert not Deal.objects.visible_to(world["ada"]).exists()  # Service's customer

    person_update(person, actor=world["admin"], owner=world["ada"], team=world["sales"])

    assert list(Deal.objects.visible_to(world["ada"])) == [deal]
    assert _stale() == {}


def test_bulk_updates_of_customers_and_of_records_keep_the_copies(world):
    people = [make_person(owner=world["bola"], team=world["service"]) for _ in range(3)]
    organisation = make_organisation(owner=world["bola"], team=world["service"])
    for person in people:
        make_deal(owner=world["ada"], person=person, organisation=organisation)

    Person.objects.filter(pk__in=[p.pk for p in people[:2]]).update(team=world["sales"])
    assert _stale() == {}
    Person.objects.bulk_update(
        [Person(pk=people[2].pk, owner_id=world["ada"].pk, team_id=world["sales"].pk)],
        ["owner", "team"],
    )
    assert _stale() == {}
    type(organisation).objects.filter(pk=organisation.pk).update(owner=world["ada"])
    assert _stale() == {}

    other = make_person(owner=world["ada"], team=world["sales"])
    Deal.objects.filter(person=people[0]).update(person=other)
    Deal.objects.filter(person=people[1]).update(person_id=None)
    deal = Deal.objects.get(person=people[2])
    Deal.objects.bulk_update([Deal(pk=deal.pk, person_id=other.pk)], ["person"])
    assert _stale() == {}
    assert Deal.objects.filter(person=other).count() == 2


def test_changing_a_records_customer_by_saving_it_copies_the_new_one(world):
    first = make_person(owner=world["bola"], team=world["service"])
    second = make_person(owner=world["ada"], team=world["sales"])
    deal = make_deal(owner=world["ada"], person=first)
    deal = Deal.objects.get(pk=deal.pk)

    deal.person = second
    deal.save(update_fields=["person"])
    deal.refresh_from_db()
    assert (deal.person_owner_id, deal.person_team_id) == (world["ada"].pk, world["sales"].pk)

    deal.person_id = first.pk  # by id, nothing cached
    deal.save()
    assert _stale() == {}


def test_a_merge_and_its_undo_keep_the_copies(world):
    survivor = make_person(
        owner=world["ada"], team=world["sales"], first_name="Chinedu", last_name="Okeke"
    )
    duplicate = make_person(
        owner=world["bola"], team=world["service"], first_name="Chinedu", last_name="Okeke"
    )
    deal = make_deal(owner=world["ada"], person=duplicate)
    assert not Deal.objects.visible_to(world["ada"]).exists()

    merge = people_merge(
        actor=world["admin"],
        survivor=survivor,
        others=[duplicate],
        choices={"owner": survivor.pk, "team": survivor.pk},  # Sales keeps the customer
    )
    assert list(Deal.objects.visible_to(world["ada"])) == [deal]
    assert _stale() == {}

    merge_undo(actor=world["admin"], merge=merge)
    assert not Deal.objects.visible_to(world["ada"]).exists()
    assert _stale() == {}


def test_a_deleted_team_or_user_clears_the_copies_as_it_clears_the_customer(world, make_user):
    leaving = make_user("leaving", team=world["service"])
    person = make_person(owner=leaving, team=world["service"])
    make_deal(owner=world["ada"], person=person)

    leaving.delete()
    world["service"].delete()

    assert _stale() == {}
    deal = Deal.objects.get(person=person)
    assert (deal.person_owner_id, deal.person_team_id) == (None, None)

    other = make_person(owner=world["ada"], team=world["sales"])
    kept = make_deal(owner=world["ada"], person=other)
    Person.objects.filter(pk=other.pk).delete()  # a deleted customer: no customer, no copies
    kept.refresh_from_db()
    assert kept.person_id is None and (kept.person_owner_id, kept.person_team_id) == (None, None)
    assert _stale() == {}


def test_the_copies_are_left_out_of_history_and_rebuilt_by_the_command(world):
    person = make_person(owner=world["bola"], team=world["service"])
    deal = make_deal(owner=world["ada"], person=person)
    history_fields = {f.name for f in deal.history.model._meta.fields}
    assert not set(ACCESS_COPIES) & history_fields

    Deal.objects.filter(pk=deal.pk).refresh_copies()
    # A copy written wrong behind the application's back (raw SQL, a restore) is repaired.
    Deal.objects.filter(pk=deal.pk).update(person_owner_id=world["ada"].pk)
    assert _stale() == {"sales.Deal": 1}
    with pytest.raises(CommandError, match="sales.Deal"):
        call_command("refresh_customer_copies", check=True, verbosity=0)
    call_command("refresh_customer_copies", verbosity=0)
    call_command("refresh_customer_copies", check=True, verbosity=0)
    assert _stale() == {}


def test_a_service_desk_role_finds_every_customer_but_not_other_teams_records(
    world, make_user, client, api_client
):
    """Issue 11: the service desk looks up any caller; what Sales owns about them stays Sales'."""
    desk = make_user("desk", role="Service desk", team=world["service"])
    caller = make_person(owner=world["ada"], team=world["sales"], first_name="Kemi")
    deal = make_deal(owner=world["ada"], person=caller, title="Kemi's generator")

    assert caller in Person.objects.visible_to(desk)
    assert not Person.objects.visible_to(desk, "change").filter(pk=caller.pk).exists()
    assert not Deal.objects.visible_to(desk).filter(pk=deal.pk).exists()
    client.force_login(desk)
    assert client.get(f"/people/{caller.pk}/").status_code == 200
    assert client.get(f"/sales/deals/{deal.pk}/").status_code == 404
    api = api_client(desk)
    assert api.get(f"/api/v1/people/{caller.pk}").status_code == 200
    refused = api.patch(
        f"/api/v1/people/{caller.pk}", '{"first_name": "K"}', content_type="application/json"
    )
    assert refused.status_code in (403, 404)
    # A front-office seller of another team still finds only their own customers.
    assert caller not in Person.objects.visible_to(world["bola"])

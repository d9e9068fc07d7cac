"""`centric demo`: a deterministic, believable demo business that search and visibility work on."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from centric.core.models import VisibilityPolicy
from centric.core.normalise import normalise_phone
from centric.customers.models import ContactPoint, Membership, Organisation, Person
from centric.customers.selectors import search_customers
from centric.demo.generator import DEMO_PASSWORD, DEMO_STAFF, load_demo, remove_demo
from centric.interactions.models import Interaction
from centric.staff.models import Team, User

SMALL = 80


def quiet(_message: str) -> None:
    return None


def snapshot() -> list[tuple]:
    return list(
        Person.objects.order_by("external_id").values_list(
            "external_id",
            "first_name",
            "last_name",
            "primary_phone",
            "primary_email",
            "owner__username",
        )
    )


@pytest.fixture
def demo(db):
    load_demo(people=SMALL, log=quiet)


def test_the_command_loads_once_prints_logins_and_reset_reloads(db):
    out = io.StringIO()
    call_command("demo", people=SMALL, stdout=out)
    text = out.getvalue()
    for spec in DEMO_STAFF:
        assert spec.username in text
    assert DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    count = Person.objects.count()
    assert count >= SMALL

    again = io.StringIO()
    call_command("demo", people=SMALL, stdout=again)
    assert "already loaded" in again.getvalue()
    assert Person.objects.count() == count

    call_command("demo", people=SMALL, reset=True, stdout=io.StringIO())
    assert Person.objects.count() == count
    assert User.objects.filter(username="admin").count() == 1


def test_the_demo_is_deterministic(db):
    load_demo(people=SMALL, log=quiet)
    first = snapshot()
    interactions = Interaction.objects.count()
    remove_demo()
    assert Person.objects.count() == 0
    load_demo(people=SMALL, log=quiet)
    assert snapshot() == first
    assert Interaction.objects.count() == interactions


def test_staff_teams_and_logins(demo):
    management = Team.objects.get(name="Management")
    for name in ("Marketing", "Sales", "Service", "Back office"):
        team = Team.objects.get(name=name)
        assert team.parent == management
        assert team.lead is not None
        assert team.members.exists()
    assert management.lead.username == "admin"
    for spec in DEMO_STAFF:
        user = authenticate(username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        assert user.groups.filter(name=spec.role).exists()
    assert VisibilityPolicy.objects.get(record_type="customers.person").level == "team"


def test_phones_are_messy_but_normalised_like_the_services_do(demo):
    phones = ContactPoint.objects.filter(kind__in=["phone", "whatsapp"])
    assert phones.count() >= SMALL * 0.8
    written = set()
    for point in phones:
        assert point.value_normalized == normalise_phone(point.value, point.country or None)
        written.add(point.value[:1])
    assert {"0", "+", "2", "("} <= written  # national, international, bare 234, (0803)
    assert phones.exclude(value_normalized__startswith="+234").exists()  # foreign numbers
    person = Person.objects.exclude(primary_phone="").first()
    assert person.contact_points.filter(value_normalized=person.primary_phone).exists()


def test_search_finds_demo_customers_by_folded_name_and_any_phone_form(demo):
    admin = User.objects.get(username="admin")
    accented = (
        Person.objects.filter(search_name__gt="")
        .exclude(first_name__regex=r"^[A-Za-z' -]*$")
        .first()
    )
    assert accented is not None  # some names carry tone marks (Adébáyọ̀)
    results = search_customers(admin, accented.search_name.split()[0])
    assert accented in results.people

    point = ContactPoint.objects.filter(
        kind="phone", person__isnull=False, value_normalized__startswith="+234"
    ).first()
    national = "0" + point.value_normalized[4:]
    for form in (f"{national[:4]} {national[4:7]} {national[7:]}", point.value_normalized):
        assert point.person in search_customers(admin, form).people


def test_near_duplicates_share_a_number_under_another_spelling(demo):
    duplicates = Person.objects.filter(external_id__contains="dup")
    assert duplicates.count() >= 5
    for duplicate in duplicates:
        phone = duplicate.contact_points.get(kind="phone")
        twin = (
            Person.objects.exclude(pk=duplicate.pk)
            .filter(contact_points__value_normalized=phone.value_normalized)
            .get()
        )
        assert twin.last_name.lower() == duplicate.last_name.lower()
        assert (
            twin.contact_points.exclude(value=phone.value)
            .filter(value_normalized=phone.value_normalized)
            .exists()
            or twin.first_name != duplicate.first_name
        )


def test_two_years_of_interactions_across_channels_and_organisations(demo):
    channels = set(Interaction.objects.values_list("channel", flat=True))
    assert {"whatsapp", "sms", "phone", "email", "in_person", "visit", "web"} <= channels
    oldest = Interaction.objects.order_by("occurred_at").first().occurred_at
    newest = Interaction.objects.order_by("-occurred_at").first().occurred_at
    assert (newest - oldest).days > 365
    assert Organisation.objects.filter(name__endswith="Ltd").exists()
    assert Membership.objects.exclude(role="").exists()
    assert Person.objects.exclude(custom_fields={}).exists()
    assert Person.objects.filter(consents__isnull=False).exists()


def test_team_visibility_applies_to_demo_customers(demo):
    sales = User.objects.get(username="sales")
    service = User.objects.get(username="service2")
    admin = User.objects.get(username="admin")
    visible_to_sales = Person.objects.visible_to(sales)
    assert visible_to_sales.exists()
    assert (
        not visible_to_sales.exclude(team=sales.team)
        .filter(owner__isnull=False)
        .exclude(owner=sales)
        .exists()
    )
    # The service desk finds every caller (its role views all people), changes only its own,
    # and Sales' deals about them stay Sales'.
    from centric.sales.models import Deal

    assert Person.objects.visible_to(service).count() == Person.objects.count()
    assert not Person.objects.visible_to(service, "change").filter(team=sales.team).exists()
    assert not Deal.objects.visible_to(service).filter(team=sales.team).exists()
    assert Deal.objects.filter(team=sales.team).exists()
    assert Person.objects.visible_to(admin).count() == Person.objects.count()


def test_reset_works_after_demo_records_were_merged(demo):
    survivor, merged = Person.objects.filter(external_id__startswith="demo-p-")[:2]
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    call_command("demo", people=SMALL, reset=True, stdout=io.StringIO())
    assert Person.objects.filter(external_id__startswith="demo-p-").count() == SMALL + 12
    assert not Person.objects.filter(merged_into__isnull=False).exists()


def test_demo_people_hold_what_the_service_would_derive(demo):
    """The demo writes through the one bulk path: re-deriving primaries changes nothing."""
    from centric.customers.services import refresh_primary_contacts
    from centric.customers.services.people import person_search_name

    def state() -> tuple[list, list]:
        people = list(
            Person.objects.order_by("pk").values_list(
                "pk", "search_name", "primary_email", "primary_phone"
            )
        )
        points = list(ContactPoint.objects.order_by("pk").values_list("pk", "is_primary"))
        return people, points

    before = state()
    for person in Person.objects.all():
        assert person.search_name == person_search_name(person)
        refresh_primary_contacts(person)
    assert state() == before
    assert ContactPoint.objects.filter(person__isnull=False).count() > SMALL


def test_the_demo_has_two_pipelines_and_deals_its_sellers_see_on_the_board(demo, client):
    from centric.sales.models import Deal, Pipeline

    assert list(Pipeline.objects.values_list("name", flat=True)) == ["Retail", "Corporate accounts"]
    seller = User.objects.get(username="sales")
    mine = Deal.objects.visible_to(seller).filter(owner=seller)
    assert mine.exists()
    # Every deal is about a customer its owner sees.
    assert Deal.objects.filter(person__isnull=True).count() == 0
    # Every record about a customer carries its customer's owner and team (decision 0070).
    from centric.customers.about import stale_copies

    assert stale_copies() == {}
    client.force_login(seller)
    board = client.get("/sales/")
    assert board.status_code == 200
    # The board holds the open deals and those closed in the last 30 days.
    from django.db.models import Q
    from django.utils import timezone

    recent = Q(closed_at__isnull=True) | Q(closed_at__gte=timezone.now() - dt.timedelta(days=30))
    assert sum(c.count for c in board.context["columns"]) == (
        Deal.objects.visible_to(seller).filter(recent, pipeline=Pipeline.objects.first()).count()
    )
    shown = [deal for column in board.context["columns"] for deal in column.deals]
    assert shown and all(deal.title in board.text for deal in shown)


def test_the_demo_has_deals_lost_to_competitors_for_the_report(demo, client):
    from centric.sales.models import Deal

    lost = Deal.objects.filter(stage__outcome="lost")
    assert lost.exists() and not lost.filter(lost_reason__isnull=True).exists()
    assert lost.filter(competitor__isnull=False).exists()
    client.force_login(User.objects.get(username="admin"))
    page = client.get("/sales/reports/lost-to-competitors/", {"start": "2000-01-01"})
    assert page.status_code == 200
    assert (
        sum(bar.deals for bar in page.context["bars"])
        == lost.filter(competitor__isnull=False).count()
    )


def test_the_demo_sellers_have_activities_overdue_today_and_ahead(demo, client):
    from django.utils import timezone

    from centric.activities.models import Activity
    from centric.interactions.models import Interaction

    seller = User.objects.get(username="sales")
    mine = Activity.objects.visible_to(seller).filter(owner=seller)
    now = timezone.now()
    assert mine.filter(done_at__isnull=True, due_at__gt=now).exists()
    assert mine.filter(recurrence="weekly").exists()
    done = Activity.objects.filter(done_at__isnull=False, interaction__isnull=False)
    assert done.exists()
    # Each done one is on its customer's timeline.
    assert Interaction.objects.filter(pk__in=done.values("interaction_id")).count() == done.count()
    client.force_login(seller)
    open_one = mine.filter(done_at__isnull=True).first()
    assert open_one is not None
    assert client.get(f"/activities/{open_one.pk}/").status_code == 200


def test_the_demo_has_scored_assigned_and_converted_leads(demo, client):
    from centric.leads.models import Lead

    leads = Lead.objects.filter(external_id__startswith="demo-lead-")
    assert leads.filter(score__gt=0).exists()
    assert leads.filter(status="converted", converted_person__isnull=False).exists()
    # WhatsApp leads were handed out by the assignment rule, not left unowned.
    assert not leads.filter(source="whatsapp", owner__isnull=True).exists()
    returning = leads.get(external_id="demo-lead-returning")
    # A customer already on file: linked, no duplicate made.
    assert returning.converted_person.external_id.startswith("demo-p-")
    seller = User.objects.get(username="sales")
    client.force_login(seller)
    assert client.get("/leads/").status_code == 200
    home = client.get("/")
    assert home.status_code == 200 and "My day" in home.text


def test_the_demo_has_a_catalogue_and_quotes(demo, client):
    from centric.quotes.models import Quote

    quotes = Quote.objects.filter(external_id__startswith="demo-quote-")
    assert quotes.filter(status="accepted").exists() and quotes.filter(total__gt=0).exists()
    seller = User.objects.get(username="sales")
    client.force_login(seller)
    mine = quotes.filter(owner=seller).first()
    assert mine is not None
    assert client.get(f"/quotes/{mine.pk}/").status_code == 200
    pdf = client.get(f"/quotes/{mine.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    from centric.orders.models import Order

    orders = Order.objects.filter(quote__in=quotes)
    assert orders.count() == quotes.filter(status="accepted").count()
    assert orders.filter(fulfilment_status="fulfilled").exists()
    assert client.get("/orders/queue/").status_code == 200


def test_the_demo_service_desk_has_tickets_with_replies_and_notes(demo, client):
    from centric.tickets.models import Ticket

    agent = User.objects.get(username="service2")
    mine = Ticket.objects.visible_to(agent)
    assert mine.count() >= 20
    # Callers of every team: the desk looks each of them up.
    assert mine.exclude(person__team=agent.team).exists()
    assert mine.filter(messages__kind="public").exists()
    assert mine.filter(messages__kind="internal").exists()
    assert mine.filter(solved_at__isnull=False).exists()
    sales = User.objects.get(username="sales")
    assert not Ticket.objects.visible_to(sales).exists()  # the Service team's work
    client.force_login(agent)
    ticket = mine.filter(messages__kind="public").first()
    page = client.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200 and "To the customer" in page.text

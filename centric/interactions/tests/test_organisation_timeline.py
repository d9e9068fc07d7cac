"""An organisation's timeline: its own interactions and its people's (a toggle), filters, keyset
"Load more", adding a note by hand, and who may see and add."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centric.core.models import VisibilityPolicy
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.interactions import selectors
from centric.interactions.models import Interaction
from centric.interactions.selectors import timeline
from centric.interactions.services import interaction_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"))


@pytest.fixture
def shop(seller):
    return organisation_create(actor=seller, name="Balogun Textiles")


@pytest.fixture
def buyer(seller, shop):
    person = make_person(actor=seller, first_name="Amaka", last_name="Obi")
    membership_set(person=person, organisation=shop, role="Buyer")
    return person


def _at(hours_ago):
    return timezone.now() - dt.timedelta(hours=hours_ago)


def _entry(subject, hours_ago, *, channel="other", kind="note", **about):
    return interaction_create(
        channel=channel, kind=kind, subject=subject, occurred_at=_at(hours_ago), **about
    )


def _subjects(response):
    return [entry.subject for entry in response.context["timeline_page"].items]


def _page_url(shop):
    return reverse("customers:organisation_detail", args=[shop.pk])


def _timeline_url(shop):
    return reverse("interactions:organisation_timeline", args=[shop.pk])


def _add_url(shop):
    return reverse("interactions:organisation_interaction_create", args=[shop.pk])


def test_the_page_shows_the_organisation_and_its_peoples_interactions_newest_first(
    logged_in_client, seller, shop, buyer
):
    outsider = make_person(actor=seller, first_name="Not", last_name="Member")
    _entry("Account review", 3, organisation=shop)
    _entry("Called Amaka", 1, channel="phone", kind="call", person=buyer)
    _entry("Visited the shop with Amaka", 2, person=buyer, organisation=shop)
    _entry("Someone else", 0, person=outsider)

    response = logged_in_client(seller).get(_page_url(shop))

    assert _subjects(response) == ["Called Amaka", "Visited the shop with Amaka", "Account review"]
    assert response.context["scope"] == "people"
    body = response.content.decode()
    assert (
        f'with <a href="{reverse("customers:person_detail", args=[buyer.pk])}">Amaka Obi</a>'
        in body
    )
    assert 'id="timeline-scope"' in body and 'id="interaction-form"' in body


def test_only_the_organisation_narrows_to_what_was_logged_on_it(
    logged_in_client, seller, shop, buyer
):
    _entry("Account review", 3, organisation=shop)
    _entry("Called Amaka", 1, person=buyer)
    client = logged_in_client(seller)

    page = client.get(_page_url(shop), {"scope": "organisation"})
    fragment = client.get(_timeline_url(shop), {"scope": "organisation"}, HTTP_HX_REQUEST="true")

    assert _subjects(page) == ["Account review"]
    assert _subjects(fragment) == ["Account review"]
    assert "<html" not in fragment.content.decode()


def test_the_timeline_filters_by_channel_and_kind(logged_in_client, seller, shop, buyer):
    _entry("Email to the shop", 1, channel="email", kind="email", organisation=shop)
    _entry("Call with Amaka", 2, channel="phone", kind="call", person=buyer)
    _entry("Note on the shop", 3, organisation=shop)
    client = logged_in_client(seller)

    def subjects(**params):
        return _subjects(client.get(_timeline_url(shop), params, HTTP_HX_REQUEST="true"))

    assert subjects(channel="phone") == ["Call with Amaka"]
    assert subjects(kind="note") == ["Note on the shop"]
    assert subjects(channel="phone", scope="organisation") == []
    assert subjects(channel="telegraph") == [
        "Email to the shop",
        "Call with Amaka",
        "Note on the shop",
    ]
    empty = client.get(_timeline_url(shop), {"channel": "sms"}, HTTP_HX_REQUEST="true")
    assert "Nothing on the timeline matches these filters." in empty.content.decode()


def test_load_more_pages_with_a_cursor_and_keeps_the_filters(logged_in_client, seller, shop, buyer):
    for index in range(15):
        _entry(f"shop {index}", index * 2, organisation=shop)
        _entry(f"amaka {index}", index * 2 + 1, person=buyer)
    _entry("a call", 100, channel="phone", kind="call", person=buyer)
    client = logged_in_client(seller)

    first = client.get(_page_url(shop), {"kind": "note"})
    page = first.context["timeline_page"]
    assert len(page.items) == 20 and page.next_cursor
    assert f"cursor={page.next_cursor}&amp;kind=note&amp;scope=people" in first.content.decode()
    more = client.get(
        _timeline_url(shop),
        {"cursor": page.next_cursor, "kind": "note", "scope": "people"},
        HTTP_HX_REQUEST="true",
    )

    seen = _subjects(first) + _subjects(more)
    assert len(seen) == 30 and len(set(seen)) == 30
    assert "a call" not in seen
    assert "Load more" not in more.content.decode()


def test_a_broken_cursor_starts_again_from_the_first_page(logged_in_client, seller, shop):
    _entry("Account review", 1, organisation=shop)
    response = logged_in_client(seller).get(
        _timeline_url(shop), {"cursor": "not-a-cursor"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert _subjects(response) == ["Account review"]


def test_a_plain_visit_to_the_timeline_url_goes_to_the_organisation_page(
    logged_in_client, seller, shop
):
    response = logged_in_client(seller).get(
        _timeline_url(shop), {"channel": "email", "cursor": "x"}
    )
    assert response.status_code == 302
    assert response.url == _page_url(shop) + "?channel=email"


def test_add_a_note_with_htmx_puts_it_on_the_organisation_timeline(logged_in_client, seller, shop):
    client = logged_in_client(seller)
    response = client.post(
        _add_url(shop),
        {"kind": "note", "subject": "Annual contract", "body": "Renewal <b>in May</b>"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 201
    note = Interaction.objects.get()
    assert (note.organisation, note.person, note.kind, note.channel, note.actor_user) == (
        shop,
        None,
        "note",
        "other",
        seller,
    )
    assert "&lt;b&gt;in May&lt;/b&gt;" in note.body
    body = response.content.decode()
    assert f'id="interaction-{note.pk}"' in body and 'hx-swap-oob="true"' in body
    assert f'hx-post="{_add_url(shop)}"' in body
    assert _subjects(client.get(_page_url(shop))) == ["Annual contract"]


def test_a_meeting_and_a_visit_get_their_channels(logged_in_client, seller, shop):
    client = logged_in_client(seller)
    client.post(
        _add_url(shop),
        {"kind": "meeting", "body": "Quarterly review", "duration_minutes": "45"},
        HTTP_HX_REQUEST="true",
    )
    response = client.post(_add_url(shop), {"kind": "visit", "body": "Walked the floor"})

    assert response.status_code == 302 and response.url == _page_url(shop)
    assert list(
        Interaction.objects.filter(organisation=shop)
        .order_by("id")
        .values_list("kind", "channel", "duration_seconds")
    ) == [("meeting", "in_person", 45 * 60), ("visit", "visit", None)]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "note", "subject": "", "body": "  "}, "body", "Write what happened."),
        ({"kind": "purchase", "body": "Bought"}, "kind", "Select a valid choice."),
        ({"kind": "call", "body": "x", "occurred_at": "yesterday"}, "occurred_at", "valid"),
        ({"kind": "call", "body": "x", "duration_minutes": "-5"}, "duration_minutes", "0"),
    ],
)
def test_invalid_input_gives_field_errors_and_writes_nothing(
    logged_in_client, seller, shop, data, field, message
):
    response = logged_in_client(seller).post(_add_url(shop), data, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#interaction-form"
    form = response.context["interaction_form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Interaction.objects.exists()


def test_without_htmx_an_invalid_note_is_flashed_with_its_field(logged_in_client, seller, shop):
    response = logged_in_client(seller).post(
        _add_url(shop), {"kind": "note", "body": ""}, follow=True
    )
    assert response.redirect_chain == [(_page_url(shop), 302)]
    assert "What happened: Write what happened." in response.content.decode()
    assert not Interaction.objects.exists()


def test_another_teams_user_gets_404_for_a_private_organisation(
    logged_in_client, seller, shop, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    _entry("Account review", 1, organisation=shop)
    outsider = logged_in_client(make_user("outsider", team=make_team("Service")))

    assert outsider.get(_page_url(shop)).status_code == 404
    assert outsider.get(_timeline_url(shop), HTTP_HX_REQUEST="true").status_code == 404
    response = outsider.post(_add_url(shop), {"kind": "note", "body": "sneaky"})
    assert response.status_code == 404
    assert Interaction.objects.count() == 1


def test_a_read_only_user_sees_the_timeline_but_cannot_add(
    logged_in_client, seller, shop, make_user
):
    _entry("Account review", 1, organisation=shop)
    reader = logged_in_client(make_user("reader", role="Read only", team=seller.team))

    page = reader.get(_page_url(shop))
    response = reader.post(
        _add_url(shop), {"kind": "note", "body": "hello"}, HTTP_HX_REQUEST="true"
    )

    assert _subjects(page) == ["Account review"]
    assert 'id="interaction-form"' not in page.content.decode()
    assert response.status_code == 403
    assert Interaction.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(client, shop):
    response = client.post(_add_url(shop), {"kind": "note", "body": "hello"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get(_timeline_url(shop), HTTP_HX_REQUEST="true").status_code == 302
    assert not Interaction.objects.exists()


def test_a_member_hidden_from_the_user_is_neither_shown_nor_named(
    logged_in_client, seller, shop, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "private"}
    )
    colleague = make_user("colleague", team=make_team("Service"))
    secret = make_person(actor=colleague, first_name="Hidden", last_name="Member")
    membership_set(person=secret, organisation=shop)
    _entry("Private call", 1, person=secret)
    _entry("Meeting at the shop", 2, person=secret, organisation=shop)

    _entry("Shop note", 3, organisation=shop)

    response = logged_in_client(seller).get(_page_url(shop))

    # About a hidden person, even when it also names the shop (decision 0037).
    assert _subjects(response) == ["Shop note"]
    assert "Hidden Member" not in response.content.decode()
    assert "Meeting at the shop" not in response.content.decode()


def test_members_of_an_organisation_the_user_may_not_see_are_not_followed(
    seller, make_user, make_team
):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.organisation", defaults={"level": "private"}
    )
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": "public_read"}
    )
    other = make_user("other", team=make_team("Service"))
    hidden_shop = organisation_create(actor=other, name="Hidden shop")
    member = make_person(actor=other, first_name="Public")
    membership_set(person=member, organisation=hidden_shop)
    _entry("Public call", 1, person=member)

    assert list(timeline(seller, organisation=hidden_shop.pk, include_members=True)) == []
    assert [e.subject for e in timeline(other, organisation=hidden_shop, include_members=True)] == [
        "Public call"
    ]


def test_a_large_organisation_gives_the_same_rows_through_the_subquery(
    seller, shop, buyer, monkeypatch
):
    second = make_person(actor=seller, first_name="Bola")
    membership_set(person=second, organisation=shop)
    _entry("Amaka", 1, person=buyer)
    _entry("Bola", 2, person=second)
    _entry("Shop", 3, organisation=shop)
    inline = [e.subject for e in timeline(seller, organisation=shop, include_members=True)]

    monkeypatch.setattr(selectors, "MEMBER_IDS_INLINE", 1)
    fallback = [e.subject for e in timeline(seller, organisation=shop, include_members=True)]

    assert inline == fallback == ["Amaka", "Bola", "Shop"]


def test_the_timeline_fragment_costs_the_same_queries_for_one_row_or_a_full_page(
    logged_in_client, seller, shop, buyer
):
    client = logged_in_client(seller)
    url = _timeline_url(shop)
    _entry("first", 0, person=buyer)
    client.get(url, HTTP_HX_REQUEST="true")  # warm the session and the policy cache
    with CaptureQueriesContext(connection) as one_row:
        client.get(url, HTTP_HX_REQUEST="true")
    for index in range(20):
        member = make_person(actor=seller, first_name=f"Member{index}")
        membership_set(person=member, organisation=shop)
        _entry(f"member {index}", index + 1, person=member)
        _entry(f"shop {index}", index + 1, organisation=shop)

    with CaptureQueriesContext(connection) as full_page:
        response = client.get(url, HTTP_HX_REQUEST="true")

    assert len(response.context["timeline_page"].items) == 20
    assert len(full_page.captured_queries) == len(one_row.captured_queries)


def test_the_persons_name_on_a_row_is_escaped(logged_in_client, seller, shop):
    member = make_person(actor=seller, first_name="<i>Ada</i>", last_name="Eze")
    membership_set(person=member, organisation=shop)
    _entry("Call", 1, person=member)

    body = logged_in_client(seller).get(_page_url(shop)).content.decode()

    assert "&lt;i&gt;Ada&lt;/i&gt; Eze</a>" in body
    assert "<i>Ada</i>" not in body


@pytest.mark.parametrize(
    ("who", "page_status", "add_status"),
    [
        ("anonymous", 302, 302),
        ("no role", 404, 404),
        ("another team", 404, 404),
        ("read only", 200, 403),
        ("front office", 200, 201),
        ("administrator", 200, 201),
    ],
)
def test_permission_matrix_for_the_organisation_timeline(
    client, logged_in_client, seller, shop, make_user, make_team, who, page_status, add_status
):
    users = {
        "no role": lambda: make_user("nobody", role=None, team=seller.team),
        "another team": lambda: make_user("outsider", team=make_team("Service")),
        "read only": lambda: make_user("reader", role="Read only", team=seller.team),
        "front office": lambda: make_user("colleague", team=seller.team),
        "administrator": lambda: make_user("admin", role="Administrator", team=make_team("Ops")),
    }
    browser = client if who == "anonymous" else logged_in_client(users[who]())

    page = browser.get(_page_url(shop))
    fragment = browser.get(_timeline_url(shop), HTTP_HX_REQUEST="true")
    added = browser.post(_add_url(shop), {"kind": "note", "body": "hi"}, HTTP_HX_REQUEST="true")

    assert (page.status_code, fragment.status_code, added.status_code) == (
        page_status,
        page_status,
        add_status,
    )
    assert Interaction.objects.filter(organisation=shop).exists() == (add_status == 201)

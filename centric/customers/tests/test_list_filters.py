"""Owner and tag filters of the people and organisation lists: type-ahead pickers, not selects.

The page never loads every user or tag; without JavaScript the fields take a username or a tag
name; links with an owner id or a tag slug (the API's form, older bookmarks) still work.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from centric.customers.filters import filter_people
from centric.customers.selectors import people_visible
from centric.customers.services import organisation_create
from centric.customers.tests.factories import add_staff_members, make_person
from centric.extras.models import Tag
from centric.extras.services import tag_create

pytestmark = pytest.mark.django_db

PEOPLE = reverse("customers:person_list")
ORGANISATIONS = reverse("customers:organisation_list")


@pytest.fixture
def colleague(make_user, sales):
    return make_user("Bisi.K", team=sales, first_name="Bísí", last_name="Kuti")


@pytest.fixture
def people(seller, colleague):
    vip = tag_create(name="VIP customers")
    wholesale = tag_create(name="Wholesale")
    mine = make_person(actor=seller, first_name="Mine")
    theirs = make_person(actor=colleague, first_name="Theirs")
    nobodys = make_person(actor=None, first_name="Nobodys", team=seller.team)
    mine.tags.set([vip, wholesale])
    theirs.tags.set([wholesale])
    return {"mine": mine, "theirs": theirs, "nobodys": nobodys}


def _names(response) -> list[str]:
    return sorted(person.first_name for person in response.context["page"].items)


def _input(body: str, name: str) -> str:
    match = re.search(rf'<input type="text" name="{name}"[^>]*>', body)
    assert match, f"no text input {name}"
    return match.group(0)


@pytest.mark.parametrize("url", [PEOPLE, ORGANISATIONS])
def test_list_page_queries_do_not_grow_with_staff_and_tags(
    url, seller, logged_in_client, django_assert_num_queries, django_assert_max_num_queries
):
    make_person(actor=seller, first_name="Someone")
    organisation_create(actor=seller, name="Some shop")
    client = logged_in_client(seller)
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    add_staff_members(300)
    Tag.objects.bulk_create(Tag(name=f"Tag {n:03d}", slug=f"tag-{n:03d}") for n in range(300))

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)

    body = response.content.decode()
    assert "member299" not in body and "Member N299" not in body
    assert "Tag 299" not in body
    for query in few.captured_queries:
        assert (
            "staff_user" not in query["sql"] or "LIMIT" in query["sql"] or "WHERE" in query["sql"]
        )


@pytest.mark.parametrize("url", [PEOPLE, ORGANISATIONS])
def test_owner_and_tag_are_pickers_bound_to_their_lookups(url, seller, logged_in_client):
    body = logged_in_client(seller).get(url).content.decode()
    assert 'data-lookup-source="/staff/lookup/users/"' in body
    assert 'data-lookup-source="/settings/tags/lookup/"' in body
    assert '<script src="/static/centric/lookup.js" defer></script>' in body
    assert "&quot;value&quot;: &quot;me&quot;, &quot;label&quot;: &quot;Me&quot;" in body
    assert 'name="owner"' in body and '<select name="owner"' not in body
    assert 'name="tag"' in body and '<select name="tag"' not in body
    assert "style=" not in body
    assert "<script>" not in body


def test_filter_by_typed_username_any_case(people, admin_user, logged_in_client):
    client = logged_in_client(admin_user)
    response = client.get(PEOPLE, {"owner": "bisi.k"})
    assert _names(response) == ["Theirs"]
    body = response.content.decode()
    assert 'value="bisi.k"' in _input(body, "owner")
    assert "Bísí Kuti" in body  # the chosen owner stays named after the reload


def test_owner_shortcuts_and_ids_still_work(
    people, seller, colleague, admin_user, logged_in_client
):
    assert _names(logged_in_client(seller).get(PEOPLE, {"owner": "me"})) == ["Mine"]
    client = logged_in_client(admin_user)
    assert _names(client.get(PEOPLE, {"owner": "none"})) == ["Nobodys"]
    response = client.get(PEOPLE, {"owner": str(colleague.pk)})
    assert _names(response) == ["Theirs"]
    # an id link shows the username in the field, so the next submit filters the same way
    assert 'value="Bisi.K"' in _input(response.content.decode(), "owner")


@pytest.mark.parametrize("typed", ["ghost", "²", "9" * 30, "x" * 400])
def test_an_unknown_username_lists_no_one_and_says_why(typed, people, seller, logged_in_client):
    response = logged_in_client(seller).get(PEOPLE, {"owner": typed})
    assert response.status_code == 200
    assert _names(response) == []
    assert "No staff member has this username." in response.content.decode()


def test_filter_by_typed_tag_name_or_slug(people, admin_user, logged_in_client):
    client = logged_in_client(admin_user)
    assert _names(client.get(PEOPLE, {"tag": "vip CUSTOMERS"})) == ["Mine"]
    assert _names(client.get(PEOPLE, {"tag": "Wholesale"})) == ["Mine", "Theirs"]
    response = client.get(PEOPLE, {"tag": "vip-customers"})
    assert _names(response) == ["Mine"]
    assert 'value="VIP customers"' in _input(response.content.decode(), "tag")
    response = client.get(PEOPLE, {"tag": "nothing"})
    assert _names(response) == []
    assert "No tag has this name." in response.content.decode()


def test_a_record_is_listed_once_when_two_tags_match(seller):
    first = tag_create(name="a b")  # slug "a-b"
    second = tag_create(name="A-B")  # name matches "a-b" too; slug "a-b-2"
    person = make_person(actor=seller, first_name="Both", owner=seller)
    person.tags.set([first, second])
    queryset, _ordering = filter_people(people_visible(seller), {"tag": "a-b"}, seller)
    assert list(queryset) == [person]


def test_organisation_list_filters_by_owner_and_tag(
    seller, colleague, admin_user, logged_in_client
):
    shop = organisation_create(actor=colleague, name="Shop")
    organisation_create(actor=seller, name="Other")
    shop.tags.set([tag_create(name="Wholesale")])
    client = logged_in_client(admin_user)
    names = [o.name for o in client.get(ORGANISATIONS, {"owner": "BISI.K"}).context["page"].items]
    assert names == ["Shop"]
    names = [o.name for o in client.get(ORGANISATIONS, {"tag": "wholesale"}).context["page"].items]
    assert names == ["Shop"]


def test_exports_carry_the_typed_owner(people, seller, make_user, sales, logged_in_client):
    manager = make_user("boss", role="Manager", team=sales)
    body = logged_in_client(manager).get(PEOPLE, {"owner": "seller"}).content.decode()
    assert "/imports/export/people.csv?owner=seller" in body
    export = logged_in_client(manager).get("/imports/export/people.csv", {"owner": "seller"})
    rows = b"".join(export.streaming_content if export.streaming else [export.content])
    assert b"Mine" in rows and b"Theirs" not in rows

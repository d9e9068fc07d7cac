"""The owner of a person or organisation in their edit forms: the staff type-ahead, not a select
of every active user (decision 0012). It takes a username (any case) or a user id, and names
the chosen owner under the input."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from centric.customers.models import Organisation
from centric.customers.services import organisation_create
from centric.customers.tests.factories import add_staff_members, make_person
from centric.staff.services.users import user_deactivate

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user, sales):
    return make_user("Bisi.K", team=sales, first_name="Bísí", last_name="Kuti")


def _owner_input(body: str) -> str:
    match = re.search(r'<input type="text" name="owner"[^>]*>', body)
    assert match, "no owner text input"
    return match.group(0)


def _post_person(client, person, owner: str):
    return client.post(
        reverse("customers:person_update", args=[person.pk]),
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "version": person.version,
            "owner": owner,
        },
    )


def test_edit_form_shows_the_owner_by_username_and_name(seller, logged_in_client):
    person = make_person(actor=seller, first_name="Ada")
    body = (
        logged_in_client(seller)
        .get(reverse("customers:person_update", args=[person.pk]))
        .content.decode()
    )

    assert 'value="seller"' in _owner_input(body)
    assert "Sade Ade" in body
    assert 'data-lookup-source="/staff/lookup/users/"' in body
    assert '<script src="/static/centric/lookup.js" defer></script>' in body
    assert '<select name="owner"' not in body


def test_new_person_form_starts_with_the_creator_as_owner(seller, logged_in_client):
    body = logged_in_client(seller).get(reverse("customers:person_create")).content.decode()
    assert 'value="seller"' in _owner_input(body)


@pytest.mark.parametrize(
    "url_name,make",
    [
        ("customers:person_update", lambda actor: make_person(actor=actor, first_name="Ada")),
        (
            "customers:organisation_update",
            lambda actor: organisation_create(actor=actor, name="Shop"),
        ),
    ],
)
def test_edit_forms_do_not_load_every_staff_member(
    url_name,
    make,
    seller,
    logged_in_client,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    record = make(seller)
    client = logged_in_client(seller)
    url = reverse(url_name, args=[record.pk])
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    add_staff_members(300)

    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()

    assert "member299" not in body and "Member N299" not in body


@pytest.mark.parametrize("typed", ["bisi.k", "BISI.K", "  Bisi.K  "])
def test_owner_by_typed_username_any_case(typed, seller, colleague, logged_in_client):
    person = make_person(actor=seller, first_name="Ada")
    response = _post_person(logged_in_client(seller), person, typed)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.owner == colleague


def test_owner_by_id_still_works(seller, colleague, logged_in_client):
    organisation = organisation_create(actor=seller, name="Balogun Traders Ltd")
    response = logged_in_client(seller).post(
        reverse("customers:organisation_update", args=[organisation.pk]),
        {"name": organisation.name, "version": organisation.version, "owner": str(colleague.pk)},
    )
    assert response.status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).owner == colleague


@pytest.mark.parametrize("typed", ["ghost", "9" * 30, "x" * 151])
def test_an_unknown_owner_is_refused_next_to_the_field(typed, seller, logged_in_client):
    person = make_person(actor=seller, first_name="Ada")
    response = _post_person(logged_in_client(seller), person, typed)
    assert response.status_code == 422
    errors = response.context["form"].errors["owner"]
    assert errors and ("No active staff member" in errors[0] or "at most 150" in errors[0])
    person.refresh_from_db()
    assert person.owner == seller


def test_a_deactivated_colleague_cannot_be_made_owner(
    seller, colleague, admin_user, logged_in_client
):
    user_deactivate(user=colleague, actor=admin_user)
    person = make_person(actor=seller, first_name="Ada")
    response = _post_person(logged_in_client(seller), person, "bisi.k")
    assert response.status_code == 422
    assert "No active staff member has the username “bisi.k”." in response.content.decode()
    person.refresh_from_db()
    assert person.owner == seller


def test_an_all_digit_username_is_a_username_not_an_id(make_user, seller, sales, logged_in_client):
    """An employee number as username: the form shows it and saving keeps that user as owner,
    even when it is another user's id."""
    numbered = make_user(str(seller.pk), team=sales, first_name="Ngozi", last_name="Eze")
    person = make_person(actor=numbered, first_name="Ada")
    client = logged_in_client(seller)

    body = client.get(reverse("customers:person_update", args=[person.pk])).content.decode()
    assert f'value="{seller.pk}"' in _owner_input(body)
    assert "Ngozi Eze" in body
    response = _post_person(client, person, str(seller.pk))

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.owner == numbered


def test_a_record_keeps_its_deactivated_owner_when_saved_unchanged(
    seller, colleague, admin_user, logged_in_client
):
    person = make_person(actor=colleague, first_name="Ada", team=seller.team)
    user_deactivate(user=colleague, actor=admin_user)
    client = logged_in_client(admin_user)
    body = client.get(reverse("customers:person_update", args=[person.pk])).content.decode()
    assert 'value="Bisi.K"' in _owner_input(body)

    response = _post_person(client, person, "Bisi.K")

    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.owner == colleague

"""Fixing in place what an import kept as needing attention (decision 0055)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from centric.customers.models import Person
from centric.customers.services import person_update

pytestmark = pytest.mark.django_db

NO_NAME = {"field": "name", "value": "", "reason": "Name: the row gives none."}
BAD_DATE = {"field": "date_of_birth", "value": "31/02/1988", "reason": "Date of birth: no date."}
BAD_PHONE = {"field": "phone", "value": "0803 12", "reason": "Phone: not a number."}


def _nameless(*items):
    return Person.objects.create(
        needs_attention=[NO_NAME, *items], primary_email="kemi.bello@gmail.com"
    )


def test_giving_a_name_settles_the_missing_name_and_keeps_the_rest(admin_user):
    person = _nameless(BAD_PHONE)

    person_update(person, actor=admin_user, first_name="Kemi", last_name="Bello")

    person.refresh_from_db()
    assert (person.first_name, person.needs_attention) == ("Kemi", [BAD_PHONE])


def test_a_nameless_person_can_be_edited_while_the_name_is_awaited(admin_user):
    person = _nameless(BAD_DATE)

    person_update(person, actor=admin_user, date_of_birth=dt.date(1988, 2, 28))

    person.refresh_from_db()
    assert person.date_of_birth == dt.date(1988, 2, 28)
    assert person.needs_attention == [NO_NAME]


def test_the_last_item_settled_leaves_nothing_needing_attention(admin_user):
    person = _nameless()

    person_update(person, actor=admin_user, first_name="Kemi")

    person.refresh_from_db()
    assert person.needs_attention is None
    assert not Person.objects.filter(needs_attention__isnull=False).exists()


def test_a_person_who_needs_no_name_still_cannot_lose_theirs(admin_user):
    person = Person.objects.create(first_name="Kemi", needs_attention=[BAD_PHONE])

    with pytest.raises(ValidationError):
        person_update(person, actor=admin_user, first_name="")

    person.refresh_from_db()
    assert person.first_name == "Kemi"


def test_the_person_page_lists_what_needs_attention(logged_in_client, make_user):
    from django.urls import reverse

    admin = make_user("admin", role="Administrator")
    person = _nameless(BAD_PHONE)
    clean = Person.objects.create(first_name="Chinedu", last_name="Okafor")
    client = logged_in_client(admin)

    page = client.get(reverse("customers:person_detail", args=[person.pk])).content.decode()
    other = client.get(reverse("customers:person_detail", args=[clean.pk])).content.decode()

    assert 'id="attention-heading"' in page
    assert "“0803 12”" in page and "Phone: not a number." in page
    assert reverse("customers:person_update", args=[person.pk]) in page
    assert 'id="attention-heading"' not in other

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


def test_a_kept_value_dealt_with_leaves_the_list_and_stays_in_the_history(
    logged_in_client, make_user
):
    from django.urls import reverse

    admin = make_user("admin", role="Administrator")
    person = Person.objects.create(first_name="Emeka", needs_attention=[BAD_PHONE, BAD_DATE])
    client = logged_in_client(admin)
    url = reverse("customers:attention_settle", args=[person.pk])

    page = client.get(reverse("customers:person_detail", args=[person.pk])).content.decode()
    response = client.post(url, {"field": "phone", "value": "0803 12"})

    assert url in page and "Dealt with" in page
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.needs_attention == [BAD_DATE]
    assert person.version == 2
    assert person.history.order_by("history_date").first().needs_attention == [BAD_PHONE, BAD_DATE]
    assert person.history.latest("history_date").needs_attention == [BAD_DATE]

    client.post(url, {"field": "date_of_birth", "value": "31/02/1988"})
    person.refresh_from_db()
    assert person.needs_attention is None


def test_settling_asks_for_change_rights_and_a_name_first(logged_in_client, make_user, make_team):
    from django.urls import reverse

    from centric.customers.services import customer_attention_settle

    owner = make_user("owner", team=make_team("Sales"))
    stranger = make_user("stranger", team=make_team("Service"))
    person = _nameless(BAD_PHONE)
    Person.objects.filter(pk=person.pk).update(owner=owner, team=owner.team)
    url = reverse("customers:attention_settle", args=[person.pk])

    assert (
        logged_in_client(stranger).post(url, {"field": "phone", "value": "0803 12"}).status_code
        == 404
    )
    with pytest.raises(ValidationError):
        customer_attention_settle(record=person, field="name", value="", actor=owner)
    with pytest.raises(ValidationError):
        customer_attention_settle(record=person, field="phone", value="0803 99", actor=owner)
    person.refresh_from_db()
    assert person.needs_attention == [NO_NAME, BAD_PHONE]


def test_the_api_settles_a_value_with_the_pages_rules(api_client, make_user, make_team):
    owner = make_user("owner", team=make_team("Sales"))
    stranger = make_user("stranger", team=make_team("Service"))
    reader = make_user("reader", role="Read only", team=owner.team)
    person = _nameless(BAD_PHONE)
    Person.objects.filter(pk=person.pk).update(owner=owner, team=owner.team)
    url = f"/api/v1/people/{person.pk}/needs-attention/settled"
    body = {"field": "phone", "value": "0803 12"}

    assert api_client(stranger).post(url, body, content_type="application/json").status_code == 404
    assert api_client(reader).post(url, body, content_type="application/json").status_code == 403
    refused = api_client(owner).post(
        url, {"field": "name", "value": ""}, content_type="application/json"
    )
    assert refused.status_code == 422  # a name first
    person.refresh_from_db()
    assert person.needs_attention == [NO_NAME, BAD_PHONE]

    settled = api_client(owner).post(url, body, content_type="application/json")

    assert settled.status_code == 200
    assert [item["field"] for item in settled.json()] == ["name"]
    person.refresh_from_db()
    assert person.needs_attention == [NO_NAME]
    again = api_client(owner).post(url, body, content_type="application/json")
    assert again.status_code == 422  # already dealt with: said, not silently ignored

import pytest

from centric.customers.selectors import search_customers
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person


@pytest.fixture
def sales(make_team, make_user):
    team = make_team("Sales")
    return make_user("seller", team=team)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["0803 123 4567", "+2348031234567", "234-803-123-4567"])
def test_phone_in_any_form_finds_the_same_person(sales, query):
    person = make_person(
        actor=sales, first_name="Chukwuemeka", last_name="Okafor", phone="08031234567"
    )
    results = search_customers(sales, query)
    assert [p.pk for p in results.people] == [person.pk]
    assert results.matched_by == "phone"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["adebayo", "ADÉBÁYỌ̀", "ade", "ade oke", "okex"])
def test_name_search_is_accent_and_case_insensitive_and_partial(sales, query):
    person = make_person(actor=sales, first_name="Adébáyọ̀", last_name="Okexu")
    make_person(actor=sales, first_name="Ngozi", last_name="Eze")
    results = search_customers(sales, query)
    assert [p.pk for p in results.people] == [person.pk]


@pytest.mark.django_db
def test_email_search_exact_and_prefix(sales):
    person = make_person(actor=sales, first_name="Bola", email="Bola.Ade@Example.com")
    assert [p.pk for p in search_customers(sales, "bola.ade@example.com").people] == [person.pk]
    assert [p.pk for p in search_customers(sales, "bola.ade@").people] == [person.pk]


@pytest.mark.django_db
def test_organisation_found_by_name(sales):
    organisation = organisation_create(actor=sales, name="Balogun Market Traders Ltd")
    results = search_customers(sales, "balogun mark")
    assert [o.pk for o in results.organisations] == [organisation.pk]


@pytest.mark.django_db
def test_search_does_not_show_records_the_user_may_not_see(make_team, make_user, sales):
    other = make_user("other", team=make_team("Service"))
    make_person(actor=sales, first_name="Hidden", last_name="Customer", phone="08031234567")
    assert search_customers(other, "hidden").is_empty
    assert search_customers(other, "08031234567").is_empty

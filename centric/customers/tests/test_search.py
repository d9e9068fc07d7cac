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


@pytest.fixture
def names(sales, make_user, make_team):
    """Twelve visible people whose names start with "Ola", one whose surname does, and
    hidden ones (another team's, a merged record) that start with "Ola" too."""
    from centric.customers.models import Person

    visible = [
        make_person(actor=sales, first_name=f"Ola{chr(97 + n)}", last_name=f"Zed{n:02d}")
        for n in range(12)
    ]
    surname = make_person(actor=sales, first_name="Musa", last_name="Olawale")
    other = make_user("other", team=make_team("Service"))
    # "ola aaron", "ola aaa": the first two names in search-name order
    hidden = make_person(actor=other, first_name="Ola", last_name="Aaron")
    merged = make_person(actor=sales, first_name="Ola", last_name="Aaa")
    Person.objects.filter(pk=merged.pk).update(merged_into=visible[0])
    return {"visible": visible, "surname": surname, "hidden": hidden, "merged": merged}


@pytest.mark.django_db
def test_a_common_prefix_lists_names_that_start_with_it_from_the_name_index(
    names, sales, monkeypatch
):
    """When enough visible names start with the query, they come from the search-name index
    (a few hundred rows read) and the full-text index is not asked."""
    from centric.customers import selectors
    from centric.customers.models import Person

    original = selectors._name_candidates

    def candidates(queryset, query):
        assert queryset.model is not Person, "the full-text index was asked for people"
        return original(queryset, query)

    monkeypatch.setattr(selectors, "_name_candidates", candidates)
    results = search_customers(sales, "OLA")
    starts = [*names["visible"], names["surname"]]  # first names and a surname start with it
    expected = sorted(starts, key=lambda p: (p.last_name, p.first_name))[:10]
    assert [p.pk for p in results.people] == [p.pk for p in expected]


@pytest.mark.django_db
def test_too_few_names_in_the_window_fall_back_to_the_full_text_index(names, sales, monkeypatch):
    """A window whose names the user may not see (here the hidden and the merged record fill
    it) holds fewer than a page: the full-text index answers, with the first visible matches."""
    from centric.customers import selectors

    asked = []
    original = selectors._name_candidates

    def candidates(queryset, query):
        asked.append(queryset.model.__name__)
        return original(queryset, query)

    monkeypatch.setattr(selectors, "NAME_START_WINDOW", 2)
    monkeypatch.setattr(selectors, "_name_candidates", candidates)
    results = search_customers(sales, "ola")

    assert "Person" in asked
    starts = [*names["visible"], names["surname"]]
    expected = sorted(starts, key=lambda p: (p.last_name, p.first_name))[:10]
    assert [p.pk for p in results.people] == [p.pk for p in expected]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["musa ola", "zed0", "olab zed01"])
def test_prefixes_of_later_words_are_still_found(names, sales, query):
    results = search_customers(sales, query)
    expected = {
        "musa ola": {names["surname"].pk},
        "zed0": {p.pk for p in names["visible"][:10]},
        "olab zed01": {names["visible"][1].pk},
    }[query]
    assert {p.pk for p in results.people} == expected


@pytest.mark.django_db
def test_a_surname_prefix_is_read_from_the_name_order_index(names, sales, monkeypatch):
    from centric.customers import selectors
    from centric.customers.models import Person

    original = selectors._name_candidates

    def candidates(queryset, query):
        assert queryset.model is not Person, "the full-text index was asked for people"
        return original(queryset, query)

    monkeypatch.setattr(selectors, "_name_candidates", candidates)
    results = search_customers(sales, "OLAW", limit=1)
    assert [p.pk for p in results.people] == [names["surname"].pk]


@pytest.mark.django_db
def test_surnames_written_otherwise_are_found_through_the_full_text_index(names, sales):
    """ "OLAWALE" and "Ọ̀láwálé" lie outside the surname range ("Olaw"…): the window holds too
    few, so the full-text index answers, and finds all three."""
    shouting = make_person(actor=sales, first_name="Kemi", last_name="OLAWALE")
    accented = make_person(actor=sales, first_name="Tayo", last_name="Ọ̀láwálé")
    results = search_customers(sales, "olaw")
    assert {p.pk for p in results.people} == {names["surname"].pk, shouting.pk, accented.pk}

"""The search box finds people the way staff remember them: the last digits of a number, part
of an address or its domain, a nickname, a small typo — and still only people they may see."""

import pytest

from centric.customers.selectors import search_customers
from centric.customers.tests.factories import make_person


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"))


@pytest.fixture
def people(seller):
    return {
        "ada": make_person(
            actor=seller,
            first_name="Ada",
            last_name="Okafor",
            phone="0803 123 4567",
            email="ada.okafor@balogun-traders.com",
        ),
        "tunde": make_person(
            actor=seller, first_name="Babatunde", last_name="Bakare", phone="0705 555 0199"
        ),
        "chinedu": make_person(
            actor=seller, first_name="Chinedu", last_name="Nwosu", email="cnwosu@mail.example.ng"
        ),
        "emeka": make_person(actor=seller, first_name="Chukwuemeka", last_name="Eze"),
    }


def _found(seller, query):
    return [person.first_name for person in search_customers(seller, query).people]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["1234567", "234567", "123 4567", "31234567"])
def test_the_last_digits_of_a_number_find_its_owner(seller, people, query):
    results = search_customers(seller, query)
    assert results.matched_by == "phone"
    assert [p.first_name for p in results.people] == ["Ada"]


@pytest.mark.django_db
def test_five_digits_are_too_few_to_search_by(seller, people):
    assert _found(seller, "34567") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("@balogun-traders.com", ["Ada"]),
        ("balogun-traders.com", ["Ada"]),
        ("cnwosu@", ["Chinedu"]),
        ("cnwosu@mail", ["Chinedu"]),
        ("@mail.example.ng", ["Chinedu"]),
        ("example.ng", ["Chinedu"]),
    ],
)
def test_part_of_an_address_or_its_domain_finds_people(seller, people, query, expected):
    results = search_customers(seller, query)
    assert [p.first_name for p in results.people] == expected
    assert results.matched_by == "email"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [("tunde", ["Babatunde"]), ("emeka eze", ["Chukwuemeka"]), ("Tunde Bakare", ["Babatunde"])],
)
def test_a_nickname_finds_the_full_name(seller, people, query, expected):
    results = search_customers(seller, query)
    assert [p.first_name for p in results.people] == expected
    assert results.matched_by == "similar"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Chinedo Nwosu", "chinedu nwosuu", "Nwoso", "Chinedy"])
def test_a_small_typo_still_finds_the_person(seller, people, query):
    results = search_customers(seller, query)
    assert [p.first_name for p in results.people] == ["Chinedu"]
    assert results.matched_by == "similar"


@pytest.mark.django_db
def test_an_exact_match_is_not_mixed_with_similar_names(seller, people):
    make_person(actor=seller, first_name="Chinedo", last_name="Nwosu")
    results = search_customers(seller, "Chinedo Nwosu")
    assert [p.first_name for p in results.people] == ["Chinedo"]
    assert results.matched_by == "name"


@pytest.mark.django_db
def test_fallbacks_show_only_people_the_user_may_see(seller, people, make_user, make_team):
    outsider = make_user("outsider", team=make_team("Service"))
    for query in ("1234567", "@balogun-traders.com", "tunde", "Chinedo Nwosu"):
        assert search_customers(outsider, query).people == []


@pytest.mark.django_db
def test_searchable_custom_fields_are_found_and_others_are_not(seller):
    from centric.extras.services import custom_field_create

    custom_field_create(
        record_type="person", key="loyalty_card", label="Loyalty card", is_searchable=True
    )
    custom_field_create(record_type="person", key="note", label="Private note")
    person = make_person(
        actor=seller,
        first_name="Ngozi",
        last_name="Eze",
        custom_fields={"loyalty_card": "LC-20931", "note": "zebracrossing"},
    )
    assert _found(seller, "LC-20931") == ["Ngozi"]
    assert _found(seller, "lc 2093") == ["Ngozi"]
    assert _found(seller, "zebracrossing") == []
    assert person.search_name.startswith("ngozi eze")  # the name first: the name windows


@pytest.mark.django_db(transaction=True)
def test_making_a_field_searchable_rebuilds_the_search_names(seller):
    from django_tasks_db.models import DBTaskResult

    from centric.extras.services import custom_field_create, custom_field_update
    from centric.extras.tasks import refresh_search_names

    definition = custom_field_create(record_type="person", key="meter", label="Meter number")
    make_person(
        actor=seller, first_name="Musa", last_name="Bello", custom_fields={"meter": "MTR77"}
    )
    assert _found(seller, "MTR77") == []
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_search_names")
    assert queued.count() == 0  # a field that is not searchable changes no search name
    custom_field_update(definition=definition, is_searchable=True)
    assert queued.count() == 1  # enqueued on commit, for the worker
    refresh_search_names.call("person")  # what the worker runs
    assert _found(seller, "MTR77") == ["Musa"]
    custom_field_update(definition=definition, is_searchable=False)
    refresh_search_names.call("person")
    assert _found(seller, "MTR77") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Cinedu Nwosu", ["Chinedu"]),  # a letter dropped in the first three
        ("Xhinedu", ["Chinedu"]),  # the first letter changed
        ("Hcinedu Nwosu", ["Chinedu"]),  # the first two letters swapped
        ("Nogzi", ["Ngozi"]),
        ("ngozi Ofkaor", ["Ngozi"]),  # a swap in the surname, after a name typed right
        ("Bakrae Babatunde", ["Babatunde"]),  # surname first, misspelt
        ("Ngoxi Okafo", ["Ngozi"]),  # a typo, and a surname still being typed
    ],
)
def test_a_typo_anywhere_in_a_word_finds_the_person(seller, people, query, expected):
    make_person(actor=seller, first_name="Ngozi", last_name="Okafor")

    results = search_customers(seller, query)

    assert [p.first_name for p in results.people] == expected
    assert results.matched_by == "similar"


@pytest.mark.django_db
def test_the_nearest_name_comes_first_and_far_ones_are_not_found(seller, people):
    make_person(actor=seller, first_name="Chinedu", last_name="Okafor")
    make_person(actor=seller, first_name="Chinwe", last_name="Okafor")

    nearest = search_customers(seller, "Chinedi Okafor").people
    far = search_customers(seller, "Chiamaka Okafor").people

    assert [(p.first_name, p.last_name) for p in nearest] == [("Chinedu", "Okafor")]
    assert far == []


@pytest.mark.django_db
def test_a_renamed_person_is_found_by_a_typo_of_the_new_name(seller, people):
    from centric.customers.services import person_update

    person_update(people["emeka"], actor=seller, last_name="Uzodinma")

    assert _found(seller, "Chukwuemeka Uzodimna") == ["Chukwuemeka"]


@pytest.mark.django_db
def test_an_imported_person_is_found_by_a_typo(seller, tmp_path):
    from centric.imports.services import import_file

    path = tmp_path / "contacts.csv"
    path.write_text("First Name,Last Name,Mobile Phone\r\nOluwaseun,Adeyemi,0803 123 9999\r\n")
    import_file(path=path, record_type="people", owner=seller, actor=seller)

    assert _found(seller, "Oluwasuen Adeyemi") == ["Oluwaseun"]


@pytest.mark.django_db
def test_typo_keys_are_the_same_in_python_and_in_postgresql():
    from django.db import connection

    from centric.core.search import typo_keys

    if connection.vendor != "postgresql":
        pytest.skip("the SQL function exists on PostgreSQL only")
    name = "chinedu emeka ab okafor lc1234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT centric_typo_keys(%s)", [name])
        keys = set(cursor.fetchone()[0].split())

    assert keys == set().union(*(typo_keys(w) for w in name.split() if w.isalpha()))
    assert {"cinedu", "chinedu", "ab", "okafr"} <= keys and "lc1234" not in keys


@pytest.mark.django_db
def test_a_word_no_person_has_still_finds_organisations(seller, people):
    from centric.customers.services import organisation_create

    organisation_create(actor=seller, name="Zenith Paints Ltd")

    results = search_customers(seller, "Zenith pai")

    assert [o.name for o in results.organisations] == ["Zenith Paints Ltd"]
    assert results.people == [] and results.matched_by == "name"


@pytest.mark.django_db
def test_words_may_start_knows_the_words_of_every_name(seller, people):
    from django.db import connection

    from centric.core.search import words_may_start
    from centric.customers.models import Person

    on_postgresql = connection.vendor == "postgresql"
    assert words_may_start(Person, ["chin", "nwo"]) is True
    assert words_may_start(Person, ["chin", "xhin"]) is not on_postgresql
    # Digits and single letters are not in the table: never ruled out.
    assert words_may_start(Person, ["c", "lc1234"]) is True


@pytest.mark.django_db
def test_a_typo_that_is_someone_elses_name_still_finds_the_person(seller, people):
    # "Chinedo" is a whole word of a name, but no Chinedo is a Nwosu: its neighbours are tried.
    make_person(actor=seller, first_name="Chinedo", last_name="Eze")

    assert _found(seller, "Chinedo Nwosu") == ["Chinedu"]


@pytest.mark.django_db
def test_a_word_typed_right_is_not_swapped_for_its_neighbours(seller, people):
    # "Eze" is typed right; "Chukwuemekq" is the typo: Ene is not offered for Eze.
    make_person(actor=seller, first_name="Chukwuemeka", last_name="Ene")

    assert [
        (p.first_name, p.last_name) for p in search_customers(seller, "Chukwuemekq Eze").people
    ] == [("Chukwuemeka", "Eze")]

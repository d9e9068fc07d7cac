import pytest

from centric.customers.tests.factories import make_person
from centric.identity.services.resolution import resolution_run
from centric.identity.suggestions import duplicate_suggestions


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


@pytest.mark.django_db
def test_creating_a_likely_duplicate_shows_who_and_why(seller):
    firsts = ["Ngozi", "Tunde", "Aisha", "Ifeanyi", "Kemi", "Musa"]
    lasts = ["Eze", "Bakare", "Bello", "Okoro", "Ajayi"]
    for index, (first, last) in enumerate((f, s) for f in firsts for s in lasts):
        make_person(actor=seller, first_name=first, last_name=last, phone=f"0803{index:07d}")
    existing = make_person(
        actor=seller, first_name="Chukwuemeka", last_name="Okafor", phone="0803 123 4567"
    )
    resolution_run()
    suggestions = duplicate_suggestions(
        seller, {"first_name": "Emeka", "last_name": "Okafor", "phones": ["+234 803 123 4567"]}
    )
    assert [s.person.pk for s in suggestions] == [existing.pk]
    levels = {row["comparison"]: row["level"] for row in suggestions[0].evidence}
    assert levels == {"first name": "nickname", "last name": "exact", "phone": "same number"}
    assert (
        duplicate_suggestions(
            seller, {"first_name": "Zainab", "last_name": "Usman", "phones": ["08099999999"]}
        )
        == []
    )


@pytest.mark.django_db
def test_suggestions_never_reveal_records_the_user_cannot_see(seller, make_team, make_user):
    make_person(actor=seller, first_name="Chukwuemeka", last_name="Okafor", phone="0803 123 4567")
    outsider = make_user("outsider", team=make_team("Service"), role="Manager")
    assert (
        duplicate_suggestions(
            outsider, {"first_name": "Emeka", "last_name": "Okafor", "phones": ["08031234567"]}
        )
        == []
    )


@pytest.mark.django_db
def test_a_wife_using_her_husbands_number_is_not_suggested_as_his_duplicate(seller):
    firsts = ["Ngozi", "Tunde", "Aisha", "Ifeanyi", "Kemi", "Musa"]
    lasts = ["Eze", "Bakare", "Bello", "Okoro", "Ajayi"]
    for index, (first, last) in enumerate((f, s) for f in firsts for s in lasts):
        make_person(actor=seller, first_name=first, last_name=last, phone=f"0803{index:07d}")
    husband = make_person(
        actor=seller,
        first_name="Chukwuemeka",
        last_name="Okafor",
        phone="0803 123 4567",
        email="okaforfamily@yahoo.com",
    )
    resolution_run()
    wife = {
        "first_name": "Adaeze",
        "last_name": "Okafor",
        "phones": ["0803 123 4567"],
        "emails": ["okaforfamily@yahoo.com"],
    }
    assert duplicate_suggestions(seller, wife) == []
    # He is still found when he is the one typed in again.
    him = {"first_name": "Emeka", "last_name": "Okafor", "phones": ["0803 123 4567"]}
    assert [s.person.pk for s in duplicate_suggestions(seller, him)] == [husband.pk]

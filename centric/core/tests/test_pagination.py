import pytest

from centric.core.pagination import keyset_page
from centric.customers.models import Person
from centric.customers.tests.factories import make_person


@pytest.mark.django_db
def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(make_user):
    user = make_user()
    for index in range(7):
        make_person(actor=user, first_name=f"P{index}", last_name="Same")
    ordering = ["last_name", "first_name", "id"]
    queryset = Person.objects.all()
    first = keyset_page(queryset, ordering=ordering, size=3)
    second = keyset_page(queryset, ordering=ordering, cursor=first.next_cursor, size=3)
    third = keyset_page(queryset, ordering=ordering, cursor=second.next_cursor, size=3)
    names = [p.first_name for page in (first, second, third) for p in page.items]
    assert names == [f"P{i}" for i in range(7)]
    assert third.next_cursor is None
    back = keyset_page(queryset, ordering=ordering, cursor=second.previous_cursor, size=3)
    assert [p.first_name for p in back.items] == ["P0", "P1", "P2"]
    assert back.previous_cursor is None


@pytest.mark.django_db
def test_a_forged_cursor_is_a_validation_error_not_a_crash():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        keyset_page(Person.objects.all(), ordering=["id"], cursor="not-a-cursor")

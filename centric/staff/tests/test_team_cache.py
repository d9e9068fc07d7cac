"""The staff app forgets the cached team tree itself when a team changes (core knows no Team)."""

import pytest

from centric.core import cache
from centric.staff.models import Team, User


@pytest.fixture
def hot_cache(settings):
    settings.CENTRIC_HOT_CACHE_SECONDS = 60
    cache.forget()
    yield
    cache.forget()


def managed(user: User) -> list[int]:
    return User.objects.get(pk=user.pk).managed_team_ids()


@pytest.mark.django_db
def test_the_team_tree_is_read_once_and_forgotten_when_a_team_changes(
    hot_cache, make_team, make_user, django_assert_num_queries
):
    lead = make_user("lead")
    sales = make_team("Sales", lead=lead)
    assert managed(lead) == [sales.pk]
    fresh = User.objects.get(pk=lead.pk)
    with django_assert_num_queries(0):
        assert fresh.managed_team_ids() == [sales.pk]

    north = make_team("North", parent=sales)
    assert managed(lead) == sorted([sales.pk, north.pk])
    Team.objects.get(pk=north.pk).delete()
    assert managed(lead) == [sales.pk]

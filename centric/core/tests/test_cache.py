import pytest

from centric.core import cache
from centric.core.models import VisibilityPolicy
from centric.core.visibility import policy_level
from centric.customers.models import Person


@pytest.fixture
def hot_cache(settings):
    settings.CENTRIC_HOT_CACHE_SECONDS = 60
    cache.forget()
    yield
    cache.forget()


@pytest.mark.django_db
def test_policy_is_read_once_and_forgotten_when_it_changes(hot_cache, django_assert_num_queries):
    assert policy_level(Person) == "team"
    with django_assert_num_queries(0):
        assert policy_level(Person) == "team"
    VisibilityPolicy.objects.create(record_type="customers.person", level="private")
    assert policy_level(Person) == "private"

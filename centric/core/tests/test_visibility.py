"""The one visibility rule, over every level, for the four kinds of user."""

import pytest
from django.contrib.auth.models import AnonymousUser

from centric.core.models import VisibilityPolicy
from centric.customers.models import Person
from centric.customers.tests.factories import make_person


@pytest.fixture
def org(make_team, make_user):
    management = make_team("Management")
    sales = make_team("Sales", parent=management)
    service = make_team("Service", parent=management)
    boss = make_user("boss", team=management, role="Manager")
    management.lead = boss
    management.save()
    lead = make_user("lead", team=sales, role="Manager")
    sales.lead = lead
    sales.save()
    return {
        "boss": boss,
        "lead": lead,
        "owner": make_user("owner", team=sales),
        "teammate": make_user("teammate", team=sales),
        "outsider": make_user("outsider", team=service),
        "no_permission": make_user("noperm", team=sales, role=None),
        "sales": sales,
    }


def visible_names(user):
    return set(Person.objects.visible_to(user).values_list("first_name", flat=True))


def set_level(level):
    VisibilityPolicy.objects.update_or_create(
        record_type="customers.person", defaults={"level": level}
    )


@pytest.mark.django_db
def test_private_records_are_seen_by_owner_and_the_managers_above(org):
    set_level("private")
    make_person(actor=org["owner"], first_name="Mine")
    assert visible_names(org["owner"]) == {"Mine"}
    assert visible_names(org["lead"]) == {"Mine"}
    assert visible_names(org["boss"]) == {"Mine"}
    assert visible_names(org["teammate"]) == set()
    assert visible_names(org["outsider"]) == set()


@pytest.mark.django_db
def test_team_records_are_seen_by_the_team_not_others(org):
    set_level("team")
    make_person(actor=org["owner"], first_name="Ours")
    assert visible_names(org["teammate"]) == {"Ours"}
    assert visible_names(org["outsider"]) == set()


@pytest.mark.django_db
def test_public_read_lets_everyone_view_but_only_the_team_change(org):
    set_level("public_read")
    make_person(actor=org["owner"], first_name="Shared")
    assert visible_names(org["outsider"]) == {"Shared"}
    assert not Person.objects.visible_to(org["outsider"], "change").exists()
    assert Person.objects.visible_to(org["teammate"], "change").exists()


@pytest.mark.django_db
def test_public_read_write_lets_everyone_change(org):
    set_level("public_read_write")
    make_person(actor=org["owner"], first_name="Open")
    assert Person.objects.visible_to(org["outsider"], "change").exists()


@pytest.mark.django_db
def test_without_permission_or_signed_out_nothing_is_visible(org):
    set_level("public_read_write")
    make_person(actor=org["owner"], first_name="Open")
    assert visible_names(org["no_permission"]) == set()
    assert visible_names(AnonymousUser()) == set()


@pytest.mark.django_db
def test_superuser_sees_everything(org, admin_user):
    set_level("private")
    make_person(actor=org["owner"], first_name="Mine")
    assert visible_names(admin_user) == {"Mine"}

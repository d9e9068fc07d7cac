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


# --- visible_get: the API's hot path, the same rule with its SQL compiled once per rule -------


def visible_get_or_none(user, pk, action="view"):
    try:
        return Person.objects.visible_get(user, pk, action)
    except Person.DoesNotExist:
        return None


@pytest.mark.django_db
@pytest.mark.parametrize("level", ["private", "team", "public_read", "public_read_write"])
def test_visible_get_agrees_with_visible_to_for_every_user_and_action(org, level):
    set_level(level)
    people = [
        make_person(actor=org["owner"], first_name="Mine"),
        make_person(actor=org["outsider"], first_name="Theirs"),
    ]
    for user in [*org.values(), AnonymousUser()]:
        if not hasattr(user, "is_authenticated"):
            continue  # the team
        for action in ("view", "change"):
            expected = set(Person.objects.visible_to(user, action).values_list("pk", flat=True))
            got = {p.pk for p in people if visible_get_or_none(user, p.pk, action)}
            assert got == expected, (user, action)


@pytest.mark.django_db
def test_visible_get_reads_every_field_as_the_orm_does(org):
    person = make_person(
        actor=org["owner"], first_name="Adaeze", phone="0803 123 4567", email="a@example.com"
    )
    Person.objects.filter(pk=person.pk).update(custom_fields={"shoe size": 42, "vip": True})
    expected = Person.objects.get(pk=person.pk)
    got = Person.objects.visible_get(org["owner"], person.pk)
    for field in Person._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
    assert got.custom_fields == {"shoe size": 42, "vip": True}
    assert got._state.adding is False


@pytest.mark.django_db
def test_visible_get_follows_a_policy_change_and_a_team_move_at_once(org):
    person = make_person(actor=org["owner"], first_name="Ours")
    set_level("team")
    assert visible_get_or_none(org["teammate"], person.pk) is not None
    set_level("private")
    assert visible_get_or_none(org["teammate"], person.pk) is None
    set_level("team")
    teammate = org["teammate"]
    teammate.team = org["outsider"].team
    teammate.save()
    assert visible_get_or_none(teammate, person.pk) is None


@pytest.mark.django_db
def test_visible_get_hides_merged_and_missing_records_and_refuses_filtered_querysets(org):
    keep = make_person(actor=org["owner"], first_name="Keep")
    gone = make_person(actor=org["owner"], first_name="Gone")
    Person.objects.filter(pk=gone.pk).update(merged_into=keep)
    assert visible_get_or_none(org["owner"], gone.pk) is None
    assert visible_get_or_none(org["owner"], keep.pk + gone.pk + 100) is None
    with pytest.raises(TypeError):
        Person.objects.filter(first_name="Keep").visible_get(org["owner"], keep.pk)


@pytest.mark.django_db
def test_visible_get_refuses_querysets_whose_sql_would_differ(org):
    person = make_person(actor=org["owner"], first_name="Mine")
    for queryset in (
        Person.objects.only("id"),
        Person.objects.order_by("id"),
        Person.objects.distinct(),
        Person.objects.select_for_update(),
        Person.objects.using("default"),
    ):
        with pytest.raises(TypeError):
            queryset.visible_get(org["owner"], person.pk)
    assert Person.objects.visible_get(org["owner"], person.pk).pk == person.pk


@pytest.mark.django_db
def test_visible_get_compiles_the_very_rule_it_caches_under(org, monkeypatch):
    """The SQL comes from the rule used as the key, never from a second reading of the policy
    (which could change in between and leave a broader rule cached under a narrower key)."""
    from centric.core import visibility

    set_level("private")
    mine = make_person(actor=org["owner"], first_name="Mine")
    theirs = make_person(actor=org["outsider"], first_name="Theirs")
    real_policy_level = visibility.policy_level
    calls = []

    def policy_changes_after_the_first_read(model):
        calls.append(model)
        return real_policy_level(model) if len(calls) == 1 else "public_read_write"

    monkeypatch.setattr(visibility, "policy_level", policy_changes_after_the_first_read)
    visibility._compiled.clear()
    assert Person.objects.visible_get(org["owner"], mine.pk).pk == mine.pk
    monkeypatch.setattr(visibility, "policy_level", real_policy_level)
    assert visible_get_or_none(org["owner"], theirs.pk) is None

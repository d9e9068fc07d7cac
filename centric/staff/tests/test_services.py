"""Staff services: users, teams, roles, visibility policy — with their audit trail."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from centric.core.models import AuditEvent, VisibilityPolicy
from centric.core.visibility import VisibilityLevel, policy_level
from centric.customers.models import Person
from centric.staff.models import RoleProfile
from centric.staff.services.tokens import token_authenticate, token_create
from centric.staff.services.users import (
    role_create,
    role_permission_names,
    role_update,
    team_update,
    user_create,
    user_deactivate,
    user_reactivate,
    user_set_roles,
    user_update,
)
from centric.staff.services.visibility import visibility_policy_set

pytestmark = pytest.mark.django_db


def test_team_parent_cycle_is_refused(make_team, admin_user):
    management = make_team("Management")
    sales = make_team("Sales", parent=management)
    lagos = make_team("Sales Lagos", parent=sales)

    with pytest.raises(ValidationError) as error:
        team_update(
            team=management, actor=admin_user, name="Management", kind="management", parent=lagos
        )

    assert "parent" in error.value.message_dict
    assert "cannot sit below itself" in error.value.message_dict["parent"][0]
    management.refresh_from_db()
    assert management.parent is None


def test_team_cannot_be_its_own_parent(make_team, admin_user):
    sales = make_team("Sales")
    with pytest.raises(ValidationError):
        team_update(team=sales, actor=admin_user, name="Sales", kind="sales", parent=sales)
    sales.refresh_from_db()
    assert sales.parent_id is None


def test_team_lead_change_is_audited(make_team, make_user, admin_user):
    sales = make_team("Sales")
    lead = make_user("ada", team=sales)

    team_update(team=sales, actor=admin_user, name="Sales", kind="sales", lead=lead)

    sales.refresh_from_db()
    assert sales.lead == lead
    event = AuditEvent.objects.filter(kind="permission_change", detail__team="Sales").get()
    assert event.detail["lead"] == "ada"
    assert event.actor == admin_user


def test_role_update_audits_added_and_removed_permissions(roles, admin_user):
    role = role_create(name="Cashier", permissions=["customers.view_person"], actor=admin_user)

    role_update(
        role=role,
        actor=admin_user,
        name="Cashier",
        permissions=["customers.view_person", "customers.add_person"],
        requires_mfa=True,
    )

    assert role_permission_names(role) == ["customers.add_person", "customers.view_person"]
    assert RoleProfile.objects.get(group=role).requires_mfa is True
    event = AuditEvent.objects.filter(kind="permission_change", detail__role="Cashier").latest("id")
    assert event.detail["added"] == ["customers.add_person"]
    assert event.detail["removed"] == []
    assert event.detail["requires_mfa"] is True


def test_role_update_refuses_unknown_permission_and_changes_nothing(roles, admin_user):
    role = role_create(name="Cashier", permissions=["customers.view_person"])
    with pytest.raises(ValidationError):
        role_update(role=role, actor=admin_user, name="Cashier", permissions=["nope.fly"])
    assert role_permission_names(role) == ["customers.view_person"]


def test_user_set_roles_audits_before_and_after(make_user, roles, admin_user):
    user = make_user("bola", role="Front office")
    user_set_roles(user=user, roles=[roles["Manager"]], actor=admin_user)
    event = AuditEvent.objects.filter(kind="permission_change", detail__user="bola").latest("id")
    assert event.detail["before"] == ["Front office"]
    assert event.detail["after"] == ["Manager"]


def test_user_email_must_be_unique(make_user, admin_user):
    make_user("ada")
    other = make_user("bola")
    with pytest.raises(ValidationError) as error:
        user_update(user=other, actor=admin_user, email="ADA@example.com")
    assert "email" in error.value.message_dict
    other.refresh_from_db()
    assert other.email == "bola@example.com"


def test_user_create_without_password_cannot_sign_in(roles):
    user = user_create(username="newbie", email="n@example.com")
    assert not user.has_usable_password()
    assert not Client().login(username="newbie", password="")


@pytest.mark.django_db(transaction=True)
def test_deactivate_ends_sessions_and_tokens(make_user, admin_user):
    user = make_user("leaver", password="correct-horse-battery")
    client = Client()
    assert client.login(username="leaver", password="correct-horse-battery")
    assert client.get("/staff/tokens/").status_code == 200
    _token, plain = token_create(user=user, name="script")
    assert token_authenticate(plain) == user
    sessions_before = Session.objects.count()

    user_deactivate(user=user, actor=admin_user)

    # the very next request of the logged-in browser is sent to the sign-in page
    response = client.get("/staff/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert token_authenticate(plain) is None
    assert Session.objects.count() == sessions_before - 1
    event = AuditEvent.objects.get(kind="user_deactivated")
    assert event.detail == {"user": "leaver", "sessions_ended": 1}


def test_reactivate_lets_user_sign_in_again_but_tokens_stay_revoked(make_user, admin_user):
    user = make_user("back", password="correct-horse-battery")
    _token, plain = token_create(user=user, name="script")
    user_deactivate(user=user, actor=admin_user)
    assert not Client().login(username="back", password="correct-horse-battery")

    user_reactivate(user=user, actor=admin_user)

    assert Client().login(username="back", password="correct-horse-battery")
    assert token_authenticate(plain) is None


def test_cannot_deactivate_yourself(make_user):
    admin = make_user("boss", role="Administrator")
    with pytest.raises(ValidationError):
        user_deactivate(user=admin, actor=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_visibility_policy_set_changes_the_rule_and_audits(make_user, make_team, admin_user):
    from centric.customers.services.people import person_create

    sales, service = make_team("Sales"), make_team("Service")
    owner = make_user("owner", team=sales)
    outsider = make_user("outsider", team=service)
    person = person_create(actor=owner, first_name="Ngozi", owner=owner, team=sales)
    assert not Person.objects.visible_to(outsider).filter(pk=person.pk).exists()

    visibility_policy_set(
        record_type="customers.person", level=VisibilityLevel.PUBLIC_READ, actor=admin_user
    )

    assert policy_level(Person) == VisibilityLevel.PUBLIC_READ
    assert Person.objects.visible_to(outsider).filter(pk=person.pk).exists()
    assert not Person.objects.visible_to(outsider, "change").filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(kind="permission_change", detail__visibility="customers.person")
    assert event.detail["before"] == "team"
    assert event.detail["after"] == "public_read"


def test_visibility_policy_refuses_unknown_level_and_type(admin_user):
    with pytest.raises(ValidationError):
        visibility_policy_set(record_type="customers.person", level="everyone", actor=admin_user)
    with pytest.raises(ValidationError):
        visibility_policy_set(record_type="staff.user", level="team", actor=admin_user)
    assert not VisibilityPolicy.objects.exists()


def test_default_roles_include_audit_log_for_managers(roles):
    assert "core.view_auditevent" in role_permission_names(roles["Manager"])
    assert "core.view_auditevent" not in role_permission_names(roles["Front office"])
    assert isinstance(roles["Administrator"], Group)


def test_administrator_cannot_remove_own_staff_management(make_user, roles):
    boss = make_user("boss", role="Administrator")
    with pytest.raises(ValidationError) as error:
        user_set_roles(user=boss, roles=[roles["Front office"]], actor=boss)
    assert "roles" in error.value.message_dict
    assert list(boss.groups.values_list("name", flat=True)) == ["Administrator"]
    # keeping a role that manages staff is fine
    user_set_roles(user=boss, roles=[roles["Administrator"], roles["Manager"]], actor=boss)
    assert boss.groups.count() == 2

"""No escalation through the staff pages (decision 0027): a staff manager who is not a superuser
cannot change a superuser's account, make a superuser, or grant permissions they lack."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client

from centric.core.models import AuditEvent
from centric.staff.models import User
from centric.staff.services.tokens import token_authenticate, token_create
from centric.staff.services.users import (
    role_create,
    role_permission_names,
    user_create,
    user_deactivate,
    user_set_roles,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
REFUSAL = "Only a superuser can change a superuser&#x27;s account."


@pytest.fixture
def root(admin_user):
    return admin_user  # a superuser, with the Administrator role


@pytest.fixture
def chief(make_user):
    """A staff manager (the Administrator role) who is not a superuser."""
    user = make_user("chief", role="Administrator")
    assert user.has_perm("staff.manage_staff") and not user.is_superuser
    return user


@pytest.fixture
def hr(make_user, roles):
    """Manages staff and reads people, nothing more."""
    role = role_create(
        name="Staff office", permissions=["staff.manage_staff", "customers.view_person"]
    )
    user = make_user("hr", role=None)
    user_set_roles(user=user, roles=[role], actor=None)
    return user


def _refused(response, text: str = REFUSAL) -> None:
    assert response.status_code == 403
    assert text in response.content.decode()


def test_a_staff_manager_cannot_reset_a_superusers_password(root, chief, logged_in_client):
    response = logged_in_client(chief).post(
        f"/staff/users/{root.pk}/password/",
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    _refused(response)
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    event = AuditEvent.objects.get(kind="permission_denied", actor=chief)
    assert event.detail["reason"] == "Only a superuser can change a superuser's account."
    assert not AuditEvent.objects.filter(kind="permission_change", detail__password="set").exists()


def test_a_staff_manager_cannot_deactivate_or_reactivate_a_superuser(root, chief, logged_in_client):
    _token, plain = token_create(user=root, name="script")
    client = logged_in_client(chief)

    _refused(client.post(f"/staff/users/{root.pk}/deactivate/"))
    root.refresh_from_db()
    assert root.is_active
    assert token_authenticate(plain) == root
    assert not AuditEvent.objects.filter(kind="user_deactivated").exists()

    user_deactivate(user=root, actor=None)
    _refused(client.post(f"/staff/users/{root.pk}/reactivate/"))
    root.refresh_from_db()
    assert not root.is_active


def test_a_staff_manager_cannot_change_a_superusers_profile_team_or_roles(
    root, chief, make_team, roles, logged_in_client
):
    team = make_team("Sales")
    response = logged_in_client(chief).post(
        f"/staff/users/{root.pk}/",
        {
            "first_name": "Taken",
            "email": "mine@example.com",
            "team": team.pk,
            "roles": [roles["Read only"].pk],
        },
    )
    _refused(response)
    root.refresh_from_db()
    assert (root.first_name, root.email, root.team_id) == ("", "admin@example.com", None)
    assert list(root.groups.values_list("name", flat=True)) == ["Administrator"]


def test_a_superuser_still_manages_another_superuser(root, make_user, logged_in_client):
    other = make_user("other-root", role="Administrator", is_superuser=True)
    client = logged_in_client(root)
    response = client.post(
        f"/staff/users/{other.pk}/password/",
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.check_password("a-new-long-passphrase")
    assert client.post(f"/staff/users/{other.pk}/deactivate/").status_code == 302
    other.refresh_from_db()
    assert not other.is_active


def test_nobody_but_a_superuser_makes_a_superuser(chief, root):
    with pytest.raises(PermissionDenied, match="Only a superuser can make another superuser"):
        user_create(username="sneaky", is_superuser=True, actor=chief)
    assert not User.objects.filter(username="sneaky").exists()
    made = user_create(username="deputy", is_superuser=True, actor=root)
    assert made.is_superuser


def test_a_staff_manager_cannot_give_a_role_with_permissions_they_lack(
    hr, make_user, roles, logged_in_client
):
    clerk = make_user("clerk", role="Read only")
    client = logged_in_client(hr)

    response = client.post(
        f"/staff/users/{clerk.pk}/",
        {"email": "clerk@example.com", "roles": [roles["Administrator"].pk]},
    )
    _refused(response, "You cannot grant permissions you do not have yourself")
    assert "core.see_all_records" in response.content.decode()
    assert list(clerk.groups.values_list("name", flat=True)) == ["Read only"]

    _refused(
        client.post(
            f"/staff/users/{hr.pk}/",
            {"email": "hr@example.com", "roles": [roles["Administrator"].pk]},
        ),
        "You cannot grant permissions you do not have yourself",
    )
    assert not hr.groups.filter(name="Administrator").exists()

    created = client.post(
        "/staff/users/new/",
        {"username": "ally", "password_choice": "later", "roles": [roles["Administrator"].pk]},
    )
    _refused(created, "You cannot grant permissions you do not have yourself")
    assert not User.objects.filter(username="ally").exists()


def test_roles_already_held_may_stay_when_a_staff_manager_edits_the_user(
    hr, make_user, roles, logged_in_client
):
    boss = make_user("boss", role="Administrator")
    response = logged_in_client(hr).post(
        f"/staff/users/{boss.pk}/",
        {
            "first_name": "Renamed",
            "email": "boss@example.com",
            "roles": [roles["Administrator"].pk],
        },
    )
    assert response.status_code == 302
    boss.refresh_from_db()
    assert boss.first_name == "Renamed"
    assert list(boss.groups.values_list("name", flat=True)) == ["Administrator"]


def test_a_staff_manager_cannot_add_permissions_they_lack_to_a_role(hr, roles, logged_in_client):
    client = logged_in_client(hr)
    _refused(
        client.post(
            "/staff/roles/new/", {"name": "Backdoor", "permissions": ["core.see_all_records"]}
        ),
        "You cannot grant permissions you do not have yourself: core.see_all_records.",
    )
    assert not Group.objects.filter(name="Backdoor").exists()

    front = roles["Front office"]
    before = role_permission_names(front)
    _refused(
        client.post(
            f"/staff/roles/{front.pk}/",
            {"name": "Front office", "permissions": [*before, "core.see_all_records"]},
        ),
        "You cannot grant permissions you do not have yourself: core.see_all_records.",
    )
    assert role_permission_names(front) == before

    # what they hold they may grant, and they may take away what they lack
    assert (
        client.post(
            f"/staff/roles/{front.pk}/",
            {"name": "Front office", "permissions": ["customers.view_person"]},
        ).status_code
        == 302
    )
    assert role_permission_names(front) == ["customers.view_person"]


def test_the_staff_api_has_no_write_path_to_an_account(root, chief, api_client):
    api = api_client(chief)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api, method)(
            f"/api/v1/users/{root.pk}", data={"is_active": False}, content_type="application/json"
        )
        assert response.status_code == 405
    root.refresh_from_db()
    assert root.is_active and root.check_password(PASSWORD)
    assert Client().get(f"/api/v1/users/{root.pk}").status_code == 401

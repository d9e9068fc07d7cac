"""Staff pages: the permission matrix, and each page doing its job through the services."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from centric.core.models import AuditEvent
from centric.staff.models import ApiToken, RoleProfile, Team, User
from centric.staff.services.tokens import token_authenticate, token_create
from centric.staff.services.users import role_permission_names

pytestmark = pytest.mark.django_db

MANAGE_PAGES = [
    "/staff/users/",
    "/staff/users/new/",
    "/staff/users/{user}/",
    "/staff/users/{user}/password/",
    "/staff/users/{user}/deactivate/",
    "/staff/teams/",
    "/staff/teams/new/",
    "/staff/teams/{team}/",
    "/staff/teams/{team}/edit/",
    "/staff/roles/",
    "/staff/roles/new/",
    "/staff/roles/{role}/",
]


@pytest.fixture
def subjects(make_user, make_team, roles):
    team = make_team("Sales")
    user = make_user("subject", team=team)
    return {"user": user.pk, "team": team.pk, "role": roles["Front office"].pk}


@pytest.mark.parametrize("page", MANAGE_PAGES)
def test_anonymous_is_sent_to_sign_in(page, subjects):
    response = Client().get(page.format(**subjects))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", MANAGE_PAGES + ["/staff/audit/"])
def test_without_permission_is_refused_and_audited(page, subjects, make_user, logged_in_client):
    clerk = make_user("clerk", role="Front office")
    url = page.format(**subjects)

    response = logged_in_client(clerk).get(url)

    assert response.status_code == 403
    event = AuditEvent.objects.get(kind="permission_denied")
    assert event.actor == clerk
    assert event.detail["path"] == url


def test_refused_post_changes_nothing(subjects, make_user, logged_in_client):
    clerk = make_user("clerk", role="Front office")
    response = logged_in_client(clerk).post(f"/staff/users/{subjects['user']}/deactivate/")
    assert response.status_code == 403
    assert User.objects.get(pk=subjects["user"]).is_active


@pytest.mark.parametrize("page", MANAGE_PAGES + ["/staff/audit/"])
def test_administrator_role_opens_every_page(page, subjects, make_user, logged_in_client):
    # a plain member of the Administrator role, not a superuser
    boss = make_user("boss", role="Administrator")
    response = logged_in_client(boss).get(page.format(**subjects))
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'self'")


def test_users_list_shows_users_with_team_and_roles(subjects, admin_user, logged_in_client):
    response = logged_in_client(admin_user).get("/staff/users/?q=subj")
    body = response.content.decode()
    assert "subject" in body
    assert "Sales" in body
    assert "Front office" in body
    assert "admin@example.com" not in body


def test_users_list_query_count_does_not_grow(
    make_user, admin_user, logged_in_client, django_assert_max_num_queries
):
    client = logged_in_client(admin_user)
    for index in range(15):
        make_user(f"member{index}")
    with django_assert_max_num_queries(12):
        assert client.get("/staff/users/").status_code == 200


def test_create_user_with_password(roles, make_team, admin_user, logged_in_client):
    team = make_team("Service")
    response = logged_in_client(admin_user).post(
        "/staff/users/new/",
        {
            "username": "chidi",
            "first_name": "Chidi",
            "last_name": "Okafor",
            "email": "Chidi@Example.com",
            "team": team.pk,
            "roles": [roles["Front office"].pk],
            "password_choice": "set",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    user = User.objects.get(username="chidi")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/users/{user.pk}/"
    assert user.email == "chidi@example.com"
    assert user.team == team
    assert list(user.groups.values_list("name", flat=True)) == ["Front office"]
    assert Client().login(username="chidi", password="a-long-unusual-passphrase")
    assert AuditEvent.objects.filter(kind="permission_change", detail__user="chidi").exists()


def test_create_user_set_password_later(admin_user, logged_in_client):
    logged_in_client(admin_user).post(
        "/staff/users/new/", {"username": "later", "password_choice": "later"}
    )
    user = User.objects.get(username="later")
    assert not user.has_usable_password()


def test_create_user_validation_errors_are_shown(make_user, admin_user, logged_in_client):
    make_user("taken")
    response = logged_in_client(admin_user).post(
        "/staff/users/new/",
        {
            "username": "Taken",
            "email": "not-an-email",
            "password_choice": "set",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "username" in form.errors
    assert "email" in form.errors
    assert "password1" in form.errors
    assert not User.objects.filter(username="Taken").exists()


def test_edit_user_changes_team_and_roles(subjects, roles, make_team, admin_user, logged_in_client):
    service = make_team("Service")
    response = logged_in_client(admin_user).post(
        f"/staff/users/{subjects['user']}/",
        {
            "first_name": "Sub",
            "last_name": "Ject",
            "email": "subject@example.com",
            "team": service.pk,
            "roles": [roles["Manager"].pk],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=subjects["user"])
    assert user.team == service
    assert list(user.groups.values_list("name", flat=True)) == ["Manager"]
    event = AuditEvent.objects.filter(kind="permission_change", detail__user="subject").latest("id")
    assert event.detail["after"] == ["Manager"]


def test_admin_sets_password(subjects, admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        f"/staff/users/{subjects['user']}/password/",
        {"password1": "another-long-passphrase", "password2": "another-long-passphrase"},
    )
    assert response.status_code == 302
    assert Client().login(username="subject", password="another-long-passphrase")


def test_deactivate_page_signs_the_user_out_and_revokes_tokens(
    make_user, admin_user, logged_in_client
):
    leaver = make_user("leaver")
    victim_client = logged_in_client(leaver)
    assert victim_client.get("/staff/tokens/").status_code == 200
    _token, plain = token_create(user=leaver, name="script")

    response = logged_in_client(admin_user).post(f"/staff/users/{leaver.pk}/deactivate/")

    assert response.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    after = victim_client.get("/staff/tokens/")
    assert after.status_code == 302
    assert after["Location"].startswith("/accounts/login/")
    assert token_authenticate(plain) is None


def test_reactivate_page(make_user, admin_user, logged_in_client):
    from centric.staff.services.users import user_deactivate

    user = make_user("back")
    user_deactivate(user=user, actor=admin_user)
    client = logged_in_client(admin_user)
    assert client.get(f"/staff/users/{user.pk}/reactivate/").status_code == 405
    response = client.post(f"/staff/users/{user.pk}/reactivate/")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active


def test_team_create_edit_and_cycle_message(make_team, make_user, admin_user, logged_in_client):
    client = logged_in_client(admin_user)
    client.post("/staff/teams/new/", {"name": "Management", "kind": "management"})
    management = Team.objects.get(name="Management")
    client.post("/staff/teams/new/", {"name": "Sales", "kind": "sales", "parent": management.pk})
    sales = Team.objects.get(name="Sales")
    assert sales.parent == management

    response = client.post(
        f"/staff/teams/{management.pk}/edit/",
        {"name": "Management", "kind": "management", "parent": sales.pk},
    )

    assert response.status_code == 200
    assert "cannot sit below itself" in response.content.decode()
    management.refresh_from_db()
    assert management.parent is None


def test_team_detail_lists_members(make_team, make_user, admin_user, logged_in_client):
    team = make_team("Back office")
    make_user("fola", team=team, first_name="Fola", last_name="Ade")
    make_user("elsewhere")
    body = logged_in_client(admin_user).get(f"/staff/teams/{team.pk}/").content.decode()
    assert "Fola Ade" in body
    assert "elsewhere" not in body


def test_role_create_with_grouped_permissions(admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        "/staff/roles/new/",
        {
            "name": "Auditor",
            "description": "Reads everything",
            "requires_mfa": "on",
            "permissions": ["customers.view_person", "core.see_all_records"],
        },
    )
    assert response.status_code == 302
    role = Group.objects.get(name="Auditor")
    assert role_permission_names(role) == ["core.see_all_records", "customers.view_person"]
    assert RoleProfile.objects.get(group=role).requires_mfa
    event = AuditEvent.objects.filter(kind="permission_change", detail__role="Auditor").get()
    assert event.actor == admin_user


def test_role_edit_page_shows_grid_and_saves(roles, admin_user, logged_in_client):
    role = roles["Read only"]
    client = logged_in_client(admin_user)
    page = client.get(f"/staff/roles/{role.pk}/").content.decode()
    assert 'value="customers.view_person" checked' in page
    assert 'value="customers.delete_person">' in page
    assert "Manage staff users" in page

    client.post(
        f"/staff/roles/{role.pk}/",
        {
            "name": "Read only",
            "permissions": ["customers.view_person", "customers.view_organisation"],
        },
    )

    names = role_permission_names(role)
    assert "customers.view_person" in names
    assert "interactions.view_interaction" not in names
    event = AuditEvent.objects.filter(kind="permission_change", detail__role="Read only").latest(
        "id"
    )
    assert "interactions.view_interaction" in event.detail["removed"]


def test_role_name_clash_is_refused(roles, admin_user, logged_in_client):
    response = logged_in_client(admin_user).post(
        f"/staff/roles/{roles['Read only'].pk}/", {"name": "manager", "permissions": []}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Group.objects.filter(name="Read only").exists()


# --- Tokens: every user, own tokens only ------------------------------------------------------


def test_tokens_page_anonymous_redirects():
    response = Client().get("/staff/tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_token_created_secret_shown_once(make_user, logged_in_client):
    user = make_user("coder", role="Read only")
    client = logged_in_client(user)

    response = client.post("/staff/tokens/", {"name": "Shop website", "expires_in_days": 30})

    secret = response.context["created"]["secret"]
    body = response.content.decode()
    assert f'readonly value="{secret}"' in body
    assert response["Cache-Control"] == "no-store"
    assert token_authenticate(secret) == user
    assert secret not in client.get("/staff/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.expires_at is not None


def test_token_revoke_own(make_user, logged_in_client):
    user = make_user("coder")
    token, plain = token_create(user=user, name="x")
    response = logged_in_client(user).post(f"/staff/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert token_authenticate(plain) is None


def test_token_of_another_user_is_404_and_stays_usable(make_user, logged_in_client):
    owner = make_user("owner")
    other = make_user("other")
    token, plain = token_create(user=owner, name="x")
    response = logged_in_client(other).post(f"/staff/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    assert token_authenticate(plain) == owner
    page = logged_in_client(other).get("/staff/tokens/").content.decode()
    assert token.prefix not in page


# --- Audit log --------------------------------------------------------------------------------


def test_audit_log_filters_and_paginates(make_user, logged_in_client):
    from centric.core.audit import audit

    manager = make_user("manager", role="Manager")
    for index in range(60):
        audit(AuditEvent.Kind.EXPORT, actor=manager, detail={"n": index})
    audit(AuditEvent.Kind.SIGN_IN_FAILED, username="mallory")
    client = logged_in_client(manager)

    first = client.get("/staff/audit/?kind=export")
    page = first.context["page"]
    assert len(page.items) == 50
    assert all(event.kind == "export" for event in page.items)
    assert page.items[0].detail == {"n": 59}
    second = client.get(f"/staff/audit/?kind=export&cursor={page.next_cursor}")
    assert [e.detail["n"] for e in second.context["page"].items] == list(range(9, -1, -1))
    assert second.context["page"].next_cursor is None

    by_user = client.get("/staff/audit/?user=mallory").context["page"]
    assert [e.kind for e in by_user.items] == ["sign_in_failed"]


def test_audit_log_bad_cursor_is_not_a_500(make_user, logged_in_client):
    manager = make_user("manager", role="Manager")
    response = logged_in_client(manager).get("/staff/audit/?cursor=garbage")
    assert response.status_code == 302
    assert response["Location"] == "/staff/audit/"


def test_audit_log_is_read_only(make_user, logged_in_client):
    manager = make_user("manager", role="Manager")
    client = logged_in_client(manager)
    before = AuditEvent.objects.count()
    response = client.post("/staff/audit/", {"kind": "export"})
    assert response.status_code == 405
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("url", "budget"),
    [("/staff/teams/", 10), ("/staff/roles/", 10), ("/staff/audit/", 10), ("/staff/tokens/", 10)],
)
def test_list_pages_query_count_does_not_grow_with_rows(
    url, budget, make_user, make_team, roles, django_assert_max_num_queries
):
    from centric.core.audit import audit
    from centric.staff.services.users import role_create

    boss = make_user("boss", role="Administrator")
    for index in range(12):
        team = make_team(f"Team {index}")
        make_user(f"member{index}", team=team)
        role_create(name=f"Role {index}", permissions=["customers.view_person"])
        audit(AuditEvent.Kind.EXPORT, actor=boss)
        token_create(user=boss, name=f"token {index}")
    client = Client()
    client.force_login(boss)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_admin_removing_own_staff_role_is_refused_and_nothing_changes(roles, logged_in_client):
    from centric.staff.services.users import user_create

    boss = user_create(
        username="boss",
        password="x-long-passphrase",
        email="b@example.com",
        roles=[roles["Administrator"]],
    )
    response = logged_in_client(boss).post(
        f"/staff/users/{boss.pk}/",
        {"first_name": "Renamed", "email": "b@example.com", "roles": [roles["Read only"].pk]},
    )
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    boss.refresh_from_db()
    assert boss.first_name == ""
    assert list(boss.groups.values_list("name", flat=True)) == ["Administrator"]


def test_role_edit_keeps_permissions_the_grid_does_not_show(admin_user, logged_in_client):
    from centric.staff.services.users import role_create

    role = role_create(
        name="Integrations", permissions=["identity.view_resolutionrun", "customers.view_person"]
    )
    logged_in_client(admin_user).post(
        f"/staff/roles/{role.pk}/",
        {"name": "Integrations", "permissions": ["customers.add_person"]},
    )
    assert role_permission_names(role) == ["customers.add_person", "identity.view_resolutionrun"]

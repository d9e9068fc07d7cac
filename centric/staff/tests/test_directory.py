"""The staff directory over the API (decision 0026): names for whoever works the customer lists,
emails only for `staff.view_user` / `staff.manage_staff`, teams behind a permission."""

from __future__ import annotations

import pytest

from centric.core.api.testing import assert_problem
from centric.staff.services.users import role_create, user_set_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(make_user, make_team):
    return make_user("bola", team=make_team("Sales"), first_name="Bola", last_name="Adeyemi")


def _emails(response) -> dict[str, str | None]:
    return {row["username"]: row["email"] for row in response.json()["items"]}


def test_a_token_without_any_permission_sees_only_itself(make_user, colleague, api_client):
    nobody = make_user("nobody", role=None)
    api = api_client(nobody)

    for path in ("/api/v1/users", f"/api/v1/users/{colleague.pk}", "/api/v1/teams"):
        response = api.get(path)
        assert_problem(response, 403)
        assert b"bola" not in response.content
    assert_problem(api.get(f"/api/v1/teams/{colleague.team_id}"), 403)
    me = api.get("/api/v1/users/me").json()
    assert me["email"] == "nobody@example.com"
    assert api.get(f"/api/v1/users/{nobody.pk}").json()["email"] == "nobody@example.com"


@pytest.mark.parametrize("role", ["Front office", "Read only", "Manager"])
def test_staff_who_work_the_customer_lists_see_names_without_emails(
    role, make_user, colleague, api_client
):
    viewer = make_user("viewer", role=role)
    api = api_client(viewer)

    listing = api.get("/api/v1/users")
    assert listing.status_code == 200
    assert _emails(listing) == {"bola": None, "viewer": "viewer@example.com"}
    assert b"bola@example.com" not in listing.content
    one = api.get(f"/api/v1/users/{colleague.pk}").json()
    assert (one["full_name"], one["email"]) == ("Bola Adeyemi", None)
    assert [row["username"] for row in api.get("/api/v1/users", {"q": "ade"}).json()["items"]] == [
        "bola"
    ]
    assert [team["name"] for team in api.get("/api/v1/teams").json()] == ["Sales"]


def test_staff_managers_and_the_directory_permission_see_emails(
    make_user, colleague, api_client, roles
):
    manager_of_staff = make_user("chief", role="Administrator")  # not a superuser
    assert not manager_of_staff.is_superuser
    listing = api_client(manager_of_staff).get("/api/v1/users")
    assert _emails(listing) == {"bola": "bola@example.com", "chief": "chief@example.com"}

    directory = role_create(name="Reception", permissions=["staff.view_user"])
    receptionist = make_user("desk", role=None)
    user_set_roles(user=receptionist, roles=[directory], actor=None)
    api = api_client(receptionist)
    assert api.get(f"/api/v1/users/{colleague.pk}").json()["email"] == "bola@example.com"
    assert_problem(api.get("/api/v1/teams"), 403)  # the directory is people, not teams

    teams = role_create(name="Org chart", permissions=["staff.view_team"])
    user_set_roles(user=receptionist, roles=[teams], actor=None)
    assert [team["name"] for team in api.get("/api/v1/teams").json()] == ["Sales"]
    assert_problem(api.get("/api/v1/users"), 403)


def test_the_default_administrator_role_holds_the_directory_permissions(roles):
    from centric.staff.services.users import role_permission_names

    granted = set(role_permission_names(roles["Administrator"]))
    assert {"staff.view_user", "staff.view_team"} <= granted
    for name in ("Manager", "Front office", "Read only"):
        assert "staff.view_user" not in role_permission_names(roles[name])


def test_the_role_editor_offers_the_directory_permissions(admin_user, logged_in_client):
    page = logged_in_client(admin_user).get("/staff/roles/new/").content.decode()
    assert 'value="staff.view_user"' in page
    assert 'value="staff.view_team"' in page

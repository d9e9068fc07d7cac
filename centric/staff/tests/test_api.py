"""Users and teams over the API (read-only), tokens, and the `centric token` command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from centric.core.api.testing import assert_problem, call
from centric.staff.models import ApiToken
from centric.staff.services.tokens import token_authenticate, token_create, token_revoke
from centric.staff.services.users import user_deactivate

pytestmark = pytest.mark.django_db


def test_users_and_teams_are_readable_not_writable(make_user, make_team, api_client, client):
    team = make_team("Sales")
    ada = make_user("ada", team=team, first_name="Ada", last_name="Obi")
    api = api_client(ada)
    me = api.get("/api/v1/users/me").json()
    assert me["username"] == "ada"
    assert me["full_name"] == "Ada Obi"
    assert me["team_id"] == team.pk
    assert "password" not in me
    assert [u["username"] for u in api.get("/api/v1/users").json()["items"]] == ["ada"]
    assert api.get(f"/api/v1/users/{ada.pk}").json()["id"] == ada.pk
    assert_problem(api.get("/api/v1/users/999999"), 404)
    assert [t["name"] for t in api.get("/api/v1/teams").json()] == ["Sales"]
    assert api.get(f"/api/v1/teams/{team.pk}").json()["name"] == "Sales"
    assert_problem(api.get("/api/v1/teams/999999"), 404)
    assert_problem(call(api, "post", "/api/v1/users", {"username": "x"}), 405)
    assert_problem(call(api, "post", "/api/v1/teams", {"name": "x"}), 405)
    for path in ("/api/v1/users", "/api/v1/users/me", f"/api/v1/users/{ada.pk}", "/api/v1/teams"):
        assert_problem(client.get(path), 401)


def test_a_revoked_token_is_401(make_user):
    ada = make_user("ada")
    token, plain = token_create(user=ada, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/users/me").status_code == 200
    token_revoke(token=token, actor=ada)
    assert_problem(client.get("/api/v1/users/me"), 401)


def test_a_deactivated_users_token_and_session_are_401(make_user, admin_user):
    ada = make_user("ada")
    _token, plain = token_create(user=ada, name="script")
    token_client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    session_client = Client()
    session_client.force_login(ada)
    assert token_client.get("/api/v1/users/me").status_code == 200
    assert session_client.get("/api/v1/users/me").status_code == 200
    user_deactivate(user=ada, actor=admin_user)
    assert_problem(token_client.get("/api/v1/users/me"), 401)
    assert_problem(session_client.get("/api/v1/users/me"), 401)


def test_token_command_creates_lists_and_revokes(make_user):
    ada = make_user("ada")
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "ada", "--name", "Zapier", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert plain.startswith("ctk_")
    token = ApiToken.objects.get(user=ada)
    assert token.name == "Zapier"
    assert plain not in token.token_hash  # only the hash is stored
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/users/me").json()["id"] == ada.pk
    )

    listing = io.StringIO()
    call_command("token", "list", "ada", stdout=listing)
    assert token.prefix in listing.getvalue()
    assert "active" in listing.getvalue()
    assert plain not in listing.getvalue()

    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    assert_problem(Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/users/me"), 401)
    listing = io.StringIO()
    call_command("token", "list", "ada", stdout=listing)
    assert "revoked" in listing.getvalue()


def test_token_command_refuses_unknown_and_deactivated_users(make_user, admin_user):
    with pytest.raises(CommandError):
        call_command("token", "create", "ghost", stdout=io.StringIO())
    ada = make_user("ada")
    user_deactivate(user=ada, actor=admin_user)
    with pytest.raises(CommandError):
        call_command("token", "create", "ada", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("token", "revoke", "nope", stdout=io.StringIO())


def test_preloaded_permissions_match_django_model_backend(make_user):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from centric.staff.models import User
    from centric.staff.permissions import preload_permissions

    ada = make_user("ada", role="Front office")
    ada.user_permissions.add(Permission.objects.get(codename="export_person"))
    loaded = User.objects.get(pk=ada.pk)
    preload_permissions(loaded)
    expected = ModelBackend().get_all_permissions(User.objects.get(pk=ada.pk))
    assert loaded._perm_cache == expected
    assert "customers.export_person" in loaded._perm_cache
    assert "customers.add_person" in loaded._perm_cache
    assert "customers.delete_person" not in loaded._perm_cache
    nobody = User.objects.get(pk=make_user("nobody", role=None).pk)
    preload_permissions(nobody)
    assert nobody._perm_cache == set()


def test_token_brings_its_user_with_the_permissions_django_would_load(make_user, admin_user):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from centric.staff.models import User

    ada = make_user("ada", role="Front office")
    ada.user_permissions.add(Permission.objects.get(codename="export_person"))
    _token, plain = token_create(user=ada, name="script")
    user = token_authenticate(plain)
    assert user == ada
    assert user.last_login == User.objects.get(pk=ada.pk).last_login
    assert user._perm_cache == ModelBackend().get_all_permissions(User.objects.get(pk=ada.pk))
    assert user.has_perm("customers.export_person")
    assert not user.has_perm("customers.delete_person")
    nobody = make_user("nobody", role=None)
    assert token_authenticate(token_create(user=nobody, name="x")[1])._perm_cache == set()
    admin = token_authenticate(token_create(user=admin_user, name="x")[1])
    assert admin.is_superuser and admin.has_perm("customers.delete_person")


def test_a_codename_with_a_comma_does_not_become_two_permissions(make_user):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    odd = Permission.objects.create(
        codename="x,core.see_all_records",
        name="odd",
        content_type=ContentType.objects.get_for_model(ApiToken),
    )
    ada = make_user("ada", role="Front office")
    ada.user_permissions.add(odd)
    user = token_authenticate(token_create(user=ada, name="script")[1])
    assert "staff.x,core.see_all_records" in user._perm_cache
    assert not user.has_perm("core.see_all_records")

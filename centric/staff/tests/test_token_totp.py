"""A role that requires TOTP also binds API tokens (decision 0025): no token can be created
before TOTP is set up, and a user's tokens stop working while their TOTP is off."""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from centric.core.api.testing import assert_problem
from centric.staff.models import ApiToken, RoleProfile
from centric.staff.services.tokens import TokenRefused, token_authenticate, token_create
from centric.staff.services.users import role_create, role_update, user_set_roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_role(roles):
    return role_create(name="Finance", permissions=["customers.view_person"], requires_mfa=True)


@pytest.fixture
def fola(make_user, strict_role, admin_user):
    user = make_user("fola", role="Front office")
    user_set_roles(user=user, roles=[strict_role], actor=admin_user)
    return user


def test_a_token_cannot_be_created_before_the_required_totp_is_set_up(fola):
    with pytest.raises(ValidationError, match="set up TOTP before creating an API token"):
        token_create(user=fola, name="script")
    assert not ApiToken.objects.filter(user=fola).exists()

    TOTP.activate(fola, generate_totp_secret())
    _token, plain = token_create(user=fola, name="script")
    assert token_authenticate(plain) == fola


def test_the_token_command_refuses_a_user_without_the_required_totp(fola):
    out = io.StringIO()
    with pytest.raises(CommandError, match="set up TOTP before creating an API token"):
        call_command("token", "create", "fola", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == ""
    assert not ApiToken.objects.filter(user=fola).exists()


def test_the_tokens_page_creates_no_token_before_the_required_totp_is_set_up(fola):
    client = Client()
    client.force_login(fola)
    response = client.post("/staff/tokens/", {"name": "Shop website", "expires_in_days": 30})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert not ApiToken.objects.filter(user=fola).exists()

    TOTP.activate(fola, generate_totp_secret())
    created = client.post("/staff/tokens/", {"name": "Shop website", "expires_in_days": 30})
    assert created.status_code == 200
    assert token_authenticate(created.context["created"]["secret"]) == fola


def test_a_token_stops_working_while_the_required_totp_is_removed(fola):
    TOTP.activate(fola, generate_totp_secret())
    _token, plain = token_create(user=fola, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/users/me").status_code == 200

    Authenticator.objects.filter(user=fola, type=Authenticator.Type.TOTP).delete()

    response = client.get("/api/v1/users/me")
    body = assert_problem(response, 401)
    assert body["type"] == "urn:centric:problem:unauthenticated"
    assert body["title"] == "Two-factor sign-in required"
    assert "requires two-factor sign-in and it is not set up" in body["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="centric"'
    with pytest.raises(TokenRefused):
        token_authenticate(plain)

    TOTP.activate(fola, generate_totp_secret())
    assert client.get("/api/v1/users/me").status_code == 200


def test_a_token_stops_working_when_the_role_starts_to_require_totp(make_user, admin_user):
    ada = make_user("ada", role="Read only")
    _token, plain = token_create(user=ada, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert client.get("/api/v1/users/me").status_code == 200
    role = Group.objects.get(name="Read only")
    profile = RoleProfile.objects.get(group=role)

    RoleProfile.objects.filter(pk=profile.pk).update(requires_mfa=True)
    assert_problem(client.get("/api/v1/users/me"), 401)
    assert_problem(client.get("/api/v1/people"), 401)

    role_update(
        role=role,
        actor=admin_user,
        name=role.name,
        permissions=["customers.view_person"],
        requires_mfa=False,
    )
    assert client.get("/api/v1/users/me").status_code == 200


def test_the_totp_check_adds_no_statement_to_token_authentication(fola, django_assert_num_queries):
    TOTP.activate(fola, generate_totp_secret())
    _token, plain = token_create(user=fola, name="script")
    token_authenticate(plain)  # stamps last_used_at; the next call within a minute does not
    with django_assert_num_queries(1):
        assert token_authenticate(plain) == fola
    Authenticator.objects.filter(user=fola).delete()
    with django_assert_num_queries(1), pytest.raises(TokenRefused):
        token_authenticate(plain)

"""Signing in: the allauth pages under the CSP, TOTP end to end, the per-role TOTP requirement,
rate limiting and the audit trail of failed sign-ins."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.test import Client

from centric.core.models import AuditEvent
from centric.staff.services.users import role_create, user_set_roles

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def assert_csp_clean(response):
    """The page works under `script-src 'self'; style-src 'self'`: nothing inline."""
    body = response.content.decode()
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body)
    assert "<style" not in body
    assert " style=" not in body
    assert not re.search(r"\son[a-z]+=", body), "inline event handler"
    return body


class FrozenClock:
    """allauth reads time.time() to pick the TOTP counter; pin it so a test never straddles two
    30-second windows."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    import time

    frozen = FrozenClock(float(int(time.time()) // 30 * 30 + 5))
    monkeypatch.setattr(totp_auth, "time", frozen)
    return frozen


def totp_code(secret: str, clock: FrozenClock) -> str:
    counter = int(clock.now) // 30
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": username, "password": password})


def test_login_page_renders_under_csp():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    body = assert_csp_clean(response)
    assert 'name="login"' in body
    assert 'name="password"' in body
    assert "sign up" not in body.lower()


def test_sign_in_with_password_is_audited(make_user):
    make_user("ada")
    client = Client()
    response = sign_in(client, "ada")
    assert response.status_code == 302
    assert client.get("/staff/tokens/").status_code == 200
    assert AuditEvent.objects.filter(kind="sign_in", username="ada").count() == 1


def test_failed_sign_in_is_audited_and_explained(make_user):
    make_user("ada")
    response = sign_in(Client(), "ada", "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    event = AuditEvent.objects.get(kind="sign_in_failed")
    assert event.username == "ada"
    assert event.ip_address == "127.0.0.1"


def test_repeated_failures_are_rate_limited_even_with_the_right_password(make_user):
    from django.core.cache import cache

    # the limits count per IP in the cache table, which browser tests (committed transactions)
    # can leave filled: start from none
    cache.clear()
    make_user("ada")
    client = Client()
    for _attempt in range(5):
        sign_in(client, "ada", "wrong-password")

    response = sign_in(client, "ada", PASSWORD)

    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/staff/tokens/").status_code == 302
    assert not AuditEvent.objects.filter(kind="sign_in").exists()
    refused = AuditEvent.objects.filter(kind="sign_in_failed", detail__reason="rate_limited")
    assert refused.count() == 1
    assert AuditEvent.objects.filter(kind="sign_in_failed").count() == 6


def test_totp_activation_and_full_two_step_sign_in(make_user, clock):
    user = make_user("ada")
    client = Client()
    sign_in(client, "ada")

    # 1. set up the authenticator app
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    body = assert_csp_clean(page)
    assert 'src="data:image/svg+xml;base64,' in body
    secret = page.context["form"].secret
    assert f'value="{secret}"' in body
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret, clock)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert_csp_clean(client.get("/accounts/2fa/"))
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    assert codes_page.status_code == 200
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10
    assert codes[0] in assert_csp_clean(codes_page)
    assert_csp_clean(client.get("/accounts/2fa/totp/deactivate/"))

    # 2. sign out, sign in again: the password alone is not enough
    client.post("/accounts/logout/")
    assert client.get("/staff/tokens/").status_code == 302
    step_one = sign_in(client, "ada")
    assert step_one.status_code == 302
    assert step_one["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/staff/tokens/").status_code == 302
    code_page = client.get("/accounts/2fa/authenticate/")
    assert_csp_clean(code_page)
    assert client.post("/accounts/2fa/authenticate/", {"code": "123456"}).status_code == 200

    # 3. the next 30-second window's code completes the sign-in
    clock.now += 30
    step_two = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, clock)})

    assert step_two.status_code == 302
    assert client.get("/staff/tokens/").status_code == 200
    assert AuditEvent.objects.filter(kind="sign_in", username="ada").count() == 2


def test_role_requiring_mfa_sends_members_to_set_it_up(make_user, roles, clock, admin_user):
    strict = role_create(name="Finance", permissions=["customers.view_person"], requires_mfa=True)
    user = make_user("fola", role="Front office")
    user_set_roles(user=user, roles=[strict], actor=admin_user)
    client = Client()
    sign_in(client, "fola")

    blocked = client.get("/staff/tokens/")
    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/2fa/totp/activate/"
    fragment = client.get("/settings/", headers={"HX-Request": "true"})
    assert fragment.status_code == 204
    assert fragment["HX-Redirect"] == "/accounts/2fa/totp/activate/"
    assert client.get("/api/v1/openapi.json").status_code == 200
    page = client.get(blocked["Location"])
    assert "Your role requires two-factor sign-in" in page.content.decode()

    secret = page.context["form"].secret
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret, clock)})

    assert client.get("/staff/tokens/").status_code == 200


def test_member_of_optional_role_is_not_forced(make_user, logged_in_client):
    user = make_user("ada", role="Front office")
    assert logged_in_client(user).get("/staff/tokens/").status_code == 200


def test_security_pages_render_under_csp(make_user, logged_in_client):
    client = logged_in_client(make_user("ada"))
    for url in (
        "/accounts/2fa/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_csp_clean(response)


def test_password_reset_explains_and_sends_nothing(make_user, mailoutbox):
    make_user("ada")
    page = Client().get("/accounts/password/reset/")
    assert page.status_code == 200
    assert "Ask an administrator" in assert_csp_clean(page)
    response = Client().post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert response.status_code in (200, 302)
    unknown = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert unknown.status_code in (200, 302)
    assert mailoutbox == []


def test_recovery_code_completes_sign_in_once(make_user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_user("ada")
    TOTP.activate(user, generate_totp_secret())
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client = Client()

    assert sign_in(client, "ada")["Location"] == "/accounts/2fa/authenticate/"
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    assert client.get("/staff/tokens/").status_code == 200

    again = Client()
    sign_in(again, "ada")
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert again.get("/staff/tokens/").status_code == 302

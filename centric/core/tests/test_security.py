"""Security from the first line: CSP on every page, CSRF, the append-only audit log, sign-in audit."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from centric.core.audit import audit
from centric.core.models import AuditEvent

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # allauth keeps its login rate limits in the cache
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_login", "core:home", "core:healthz"])
def test_pages_carry_a_strict_content_security_policy(make_user, logged_in_client, name):
    client = Client() if name == "account_login" else logged_in_client(make_user("csp"))
    response = client.get(reverse(name))
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no other host
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(make_user, logged_in_client):
    """Under the CSP an inline <script> or style="" would silently not work."""
    signed_in = logged_in_client(make_user("inline"))
    for client, name in ((Client(), "account_login"), (signed_in, "core:home")):
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        for script in html.split("<script")[1:]:
            opening = script.split(">", 1)[0]
            assert "src=" in opening, f"inline script on {name}"
        assert 'style="' not in html, f"inline style on {name}"
        assert "http://" not in html.replace("http://www.w3.org", "")
        assert "https://" not in html.replace("https://www.w3.org", "")


@pytest.mark.django_db
def test_audit_events_are_append_only(make_user):
    event = audit(AuditEvent.Kind.EXPORT, actor=make_user("auditor"), detail={"rows": 3})
    event.detail = {"rows": 0}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.detail == {"rows": 3}


@pytest.mark.django_db
def test_sign_in_and_failed_sign_in_are_audited(make_user):
    make_user("ada", password=PASSWORD)
    client = Client(REMOTE_ADDR="10.9.8.7")
    url = reverse("account_login")

    response = client.post(url, {"login": "ada", "password": "wrong-password"})
    assert response.status_code == 200  # the form again, with an error
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).get()
    assert failed.username == "ada"
    assert failed.ip_address == "10.9.8.7"
    assert failed.actor is None

    response = client.post(url, {"login": "ada", "password": PASSWORD})
    assert response.status_code == 302
    signed_in = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).get()
    assert signed_in.actor.username == "ada"
    assert signed_in.ip_address == "10.9.8.7"
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_sign_in_is_rate_limited(make_user):
    make_user("bola", password=PASSWORD)
    client = Client()
    url = reverse("account_login")
    for n in range(6):
        client.post(url, {"login": "bola", "password": f"guess-{n}"})
    # Once limited, even the right password is refused for now, and the refusal is audited.
    response = client.post(url, {"login": "bola", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.SIGN_IN_FAILED, detail__reason="rate_limited"
    ).exists()


@pytest.mark.django_db
def test_csrf_is_enforced_on_sign_in(make_user):
    make_user("chidi", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "chidi", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN).exists()


@pytest.mark.django_db
def test_csrf_is_enforced_for_signed_in_users(make_user):
    user = make_user("dayo", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403
    assert client.session.get("_auth_user_id") == str(user.pk)

    # With the token from the page the same request goes through.
    client.get(reverse("core:home"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("account_logout"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

"""Staff administration and two-factor sign-in in a real browser, under the real CSP: an
administrator creates a colleague with a password; the colleague signs in, turns on TOTP from the
Security page, signs out, and signs in again with password and code. No CSP violation on the way."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from centric.staff.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_code(secret: str, *, used_window: int | None = None) -> tuple[str, int]:
    """The code of the current 30-second window, with time left to use it: waits out the last
    seconds of a window, and a window whose code was already used (a code works once)."""
    import time

    while True:
        now = time.time()
        window = int(now) // 30
        if window != used_window and now - window * 30 < 25:
            return format_hotp_value(hotp_value(secret, window)), window
        time.sleep(0.5)


def test_admin_creates_colleague_who_turns_on_totp(
    page, live_server, sign_in, make_user, make_team
):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    team = make_team("Service", kind="service")
    boss = make_user("boss", role="Administrator", first_name="Bisi")
    sign_in(page, boss)

    # The administrator creates a colleague with a password.
    page.goto(f"{live_server.url}/staff/users/")
    page.get_by_role("link", name="New user").click()
    page.locator("#id_username").fill("tunde")
    page.locator("#id_first_name").fill("Tunde")
    page.locator("#id_email").fill("tunde@example.com")
    page.locator("#id_team").select_option(label="Service")
    page.get_by_label("Front office").check()
    page.get_by_label("Set a password now").check()
    page.locator("#id_password1").fill("tunde-long-passphrase")
    page.locator("#id_password2").fill("tunde-long-passphrase")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".messages")).to_contain_text("Staff user “Tunde” created.")
    tunde = User.objects.get(username="tunde")
    assert tunde.team == team
    page.get_by_role("button", name="Sign out").click()

    # The colleague signs in and turns on two-factor sign-in from Settings → Security.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "tunde")
    page.fill("input[name=password]", "tunde-long-passphrase")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/settings/")
    page.get_by_role("link", name="Security").first.click()
    page.get_by_role("link", name="Set up").click()
    expect(page.locator("img.qr-code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    code, used_window = fresh_code(secret)
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    page.goto(f"{live_server.url}/accounts/2fa/")
    expect(page.locator(".badge", has_text="Active")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Signing in again needs the password and then a code (a later window's: a code works once).
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", "tunde")
    page.fill("input[name=password]", "tunde-long-passphrase")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_code(secret, used_window=used_window)[0])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/"
    assert violations == []

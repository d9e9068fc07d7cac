"""Production settings: pass Django's deploy checks, secure `__Host-` cookies, loud missing secrets.

Each test starts a fresh interpreter, because settings are read once per process.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "CENTRIC_TESTING",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "PYTEST_CURRENT_TEST",
            "PYTEST_XDIST_WORKER",
        }
    }
    env.update(
        {
            "CENTRIC_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "crm.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://crm.example.com",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "centric.settings",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_would_fail_check_deploy(tmp_path):
    """The check really checks: the laptop defaults (DEBUG, dev secret) do not pass it."""
    env = production_env(tmp_path, CENTRIC_ENV="development", SECRET_KEY=None)
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_start_up_fails_loudly_without_a_production_secret(tmp_path, missing):
    result = run(["manage.py", "check"], production_env(tmp_path, **{missing: None}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# Pages reference hashed static files; this probe has not run collectstatic.
plain = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):
    response = Client(HTTP_HOST="crm.example.com").get("/accounts/login/", secure=True)
cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
print(json.dumps({
    "status": response.status_code,
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_domain": settings.SESSION_COOKIE_DOMAIN,
    "session_path": settings.SESSION_COOKIE_PATH,
    "csrf_secure": cookie["secure"] if cookie else None,
    "csrf_path": cookie["path"] if cookie else None,
    "csrf_domain": cookie["domain"] if cookie else None,
    "hsts": response.headers.get("Strict-Transport-Security", ""),
    "csp": response.headers.get("Content-Security-Policy", ""),
    "debug": settings.DEBUG,
}))
"""


def test_production_cookies_are_host_prefixed_and_secure(tmp_path):
    result = run(["-c", PROBE], production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["status"] == 200
    assert facts["debug"] is False
    assert facts["session_cookie"].startswith("__Host-")
    assert facts["csrf_cookie"].startswith("__Host-")
    assert facts["session_secure"] is True
    # A __Host- cookie is only accepted by browsers with Secure, Path=/ and no Domain.
    assert facts["session_domain"] is None
    assert facts["session_path"] == "/"
    assert facts["csrf_secure"] is True
    assert facts["csrf_path"] == "/"
    assert not facts["csrf_domain"]
    assert "max-age=" in facts["hsts"]
    assert "default-src 'self'" in facts["csp"]


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_start_up_fails_loudly_with_debug_on_in_production(tmp_path, value):
    """DEBUG pages show settings, SQL and every URL: production refuses to start with it."""
    result = run(["manage.py", "check"], production_env(tmp_path, DEBUG=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG must be off when CENTRIC_ENV=production" in result.stderr


def test_production_starts_with_debug_explicitly_off(tmp_path):
    result = run(["manage.py", "check"], production_env(tmp_path, DEBUG="0"))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["-1", "two"])
def test_start_up_fails_loudly_on_a_bad_trusted_proxy_count(tmp_path, value):
    result = run(["manage.py", "check"], production_env(tmp_path, CENTRIC_TRUSTED_PROXIES=value))
    assert result.returncode != 0
    assert "CENTRIC_TRUSTED_PROXIES" in result.stderr

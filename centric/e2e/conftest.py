"""Playwright fixtures for the browser tests: Debian's Chromium, never a downloaded browser.

Tests here use pytest-django's `live_server` and must be marked
`@pytest.mark.django_db(transaction=True)` (the server thread needs committed data).
DJANGO_ALLOW_ASYNC_UNSAFE is set in the root conftest.py, before Django loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CENTRIC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    # Without these Chromium floods the closed network with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct-horse-battery"  # what `make_user` gives every user


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium package (make test does it as root)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def sign_in(live_server) -> Callable:
    """Sign in through the real form: `sign_in(page, user)`; returns the page on the home page."""

    def action(page, user, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return action

"""The client's address behind trusted proxies: rate limits per client, audit rows name the client.

`CENTRIC_TRUSTED_PROXIES` counts the proxies in front of Centric; each appends the address it
saw to X-Forwarded-For, so the client is the Nth entry from the right and entries further left
are the client's own to forge.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from centric.core.audit import client_ip
from centric.core.models import AuditEvent

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # allauth keeps its login rate limits in the cache
    yield
    cache.clear()


def _exhaust_budget(client: Client, login: str) -> None:
    for n in range(6):
        client.post(reverse("account_login"), {"login": login, "password": f"guess-{n}"})


@pytest.mark.django_db  # the cache the autouse fixture clears is a database table
@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, None, PROXY),
        (0, "203.0.113.5", PROXY),  # no trusted proxy: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.7, 203.0.113.5", "203.0.113.5"),  # the forged left entry is ignored
        (2, "198.51.100.7, 203.0.113.5, 192.0.2.1", "203.0.113.5"),
        (2, "203.0.113.5", PROXY),  # fewer entries than proxies: not through them, not trusted
        (1, "not-an-address", PROXY),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip_reads_the_nth_forwarded_entry_from_the_right(proxies, forwarded, expected):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **headers)
    with override_settings(CENTRIC_TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected


@pytest.mark.django_db
@override_settings(CENTRIC_TRUSTED_PROXIES=1)
def test_two_clients_behind_one_proxy_have_separate_sign_in_budgets(make_user):
    make_user("ada", password=PASSWORD)
    make_user("bola", password=PASSWORD)
    first = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")

    # The first client guesses against many names, spending its address's budget.
    for n in range(6):
        first.post(reverse("account_login"), {"login": f"nobody{n}", "password": "guess"})
    refused = first.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    assert refused.status_code != 302
    assert "_auth_user_id" not in first.session

    # The second client, behind the same proxy, still has its own.
    response = second.post(reverse("account_login"), {"login": "bola", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in second.session
    signed_in = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert signed_in.ip_address == "203.0.113.6"
    failed_addresses = set(
        AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).values_list(
            "ip_address", flat=True
        )
    )
    assert failed_addresses == {"203.0.113.5"}


@pytest.mark.django_db
def test_a_forged_forwarded_header_is_ignored_without_trusted_proxies(make_user):
    make_user("ada", password=PASSWORD)
    for n in range(6):
        forger = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        forger.post(reverse("account_login"), {"login": f"nobody{n}", "password": "guess"})
    forger = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.200")
    response = forger.post(reverse("account_login"), {"login": "ada", "password": PASSWORD})
    assert response.status_code != 302
    assert "_auth_user_id" not in forger.session
    attempts = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert attempts.count() == 7
    assert set(attempts.values_list("ip_address", flat=True)) == {"198.51.100.9"}

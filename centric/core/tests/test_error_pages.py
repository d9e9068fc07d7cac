"""Centric's own 404/403/500 pages, even with DEBUG on (the demo runs with it).

Django's debug 404 lists every URL pattern and its debug 500 shows settings and source: neither
may reach someone who opens a record they cannot see.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from centric.customers.services import person_create

NOT_FOUND = "We could not find that page"
DEBUG_404_MARKERS = ("Using the URLconf", "django-admin/", "api/v1/", "Page not found at")


@pytest.fixture
def hidden_person(make_team, make_user):
    owner = make_user("owner", team=make_team("Service"))
    return person_create(actor=owner, first_name="Hidden", last_name="Person")


@pytest.fixture
def outsider(make_team, make_user):
    return make_user("outsider", team=make_team("Sales"))


def _assert_centric_404(response) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_FOUND in body
    for marker in DEBUG_404_MARKERS:
        assert marker not in body, marker


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_record_one_may_not_see_shows_centrics_404_with_debug_on(
    hidden_person, outsider, logged_in_client
):
    response = logged_in_client(outsider).get(f"/people/{hidden_person.pk}/")
    _assert_centric_404(response)
    assert "Hidden" not in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_an_unknown_address_shows_centrics_404_with_debug_on(outsider, logged_in_client):
    _assert_centric_404(logged_in_client(outsider).get("/no-such-page/"))
    _assert_centric_404(Client().get("/no-such-page/"))


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_missing_slash_still_redirects_with_debug_on(outsider, logged_in_client):
    response = logged_in_client(outsider).get("/people")
    assert response.status_code == 301
    assert response["Location"] == "/people/"


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_api_404s_stay_problem_json_with_debug_on(hidden_person, outsider, api_client):
    client = api_client(outsider)
    for path in (f"/api/v1/people/{hidden_person.pk}", "/api/v1/no-such-endpoint"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_refused_page_shows_centrics_403_with_debug_on(outsider, logged_in_client):
    response = logged_in_client(outsider).get("/staff/audit/")
    assert response.status_code == 403
    assert "You are not allowed to do that" in response.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=True, ROOT_URLCONF="centric.core.tests.urls_error_pages")
def test_a_failing_page_shows_centrics_500_with_debug_on(outsider):
    client = Client(raise_request_exception=False)
    client.force_login(outsider)
    response = client.get("/broken-for-tests/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong on our side" in body
    assert "Traceback" not in body
    assert "SECRET_KEY" not in body


@pytest.mark.django_db
@override_settings(DEBUG=True, ROOT_URLCONF="centric.core.tests.urls_error_pages")
def test_a_failing_page_still_reaches_the_test_client_and_the_log(outsider, caplog):
    """Taking over the page must not swallow the error: it is logged and tests still see it."""
    client = Client()
    client.force_login(outsider)
    with pytest.raises(RuntimeError, match="a bug"):
        client.get("/broken-for-tests/")
    assert any(
        record.name == "django.request" and record.levelname == "ERROR" for record in caplog.records
    )


@pytest.mark.django_db
@override_settings(DEBUG=True, CENTRIC_TECHNICAL_ERROR_PAGES=True)
def test_a_developer_can_ask_for_djangos_technical_pages(outsider, logged_in_client):
    response = logged_in_client(outsider).get("/no-such-page/")
    assert response.status_code == 404
    assert "Using the URLconf" in response.content.decode()

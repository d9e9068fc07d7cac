"""Every API error is application/problem+json (RFC 9457); nothing 500s on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from centric.core.api.testing import assert_problem, call
from centric.customers.models import Person
from centric.customers.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(make_user, make_team):
    return make_user("ada", role="Manager", team=make_team("Sales"))


def test_unauthenticated_is_401_with_a_bearer_challenge(client):
    body = assert_problem(client.get("/api/v1/people"), 401)
    assert body["instance"] == "/api/v1/people"
    assert body["type"] == "urn:centric:problem:unauthenticated"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer nonsense",
        "Bearer ctk_0000_forged",
        "Basic YWRhOnB3",
        "Bearer " + "x" * 5000,
    ],
)
def test_bad_tokens_are_401(header, user):
    assert_problem(Client(HTTP_AUTHORIZATION=header).get("/api/v1/people"), 401)


def test_unknown_path_and_wrong_method(user, api_client):
    client = api_client(user)
    assert_problem(client.get("/api/v1/no-such-thing"), 404)
    response = client.put("/api/v1/people")
    body = assert_problem(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert body["type"] == "urn:centric:problem:method-not-allowed"


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"first_name": NaN}',
        b'{"first_name": "A", "custom_fields": {"x": 1e400}}',
        b'{"first_name": "A\\u0000B"}',
        b'{"first_name": "\\ud800"}',
        b"\xff\xfe garbage",
        b"[" * 10000,
    ],
)
def test_malformed_bodies_are_400(raw, user, api_client):
    response = api_client(user).post("/api/v1/people", raw, content_type="application/json")
    body = assert_problem(response, 400)
    assert body["type"] == "urn:centric:problem:malformed-body"
    assert Person.objects.count() == 0


def test_a_body_that_is_not_an_object_is_422(user, api_client):
    response = call(api_client(user), "post", "/api/v1/people", "[1, 2]")
    assert_problem(response, 422)


def test_pydantic_errors_name_the_field(user, api_client):
    response = call(
        api_client(user),
        "post",
        "/api/v1/people",
        {"first_name": "A", "contact_points": [{"kind": "pigeon", "value": "x"}]},
    )
    body = assert_problem(response, 422, field="contact_points.0.kind")
    assert body["type"] == "urn:centric:problem:validation"


def test_huge_numbers_in_free_form_fields_are_422(user, api_client):
    from centric.customers.tests.factories import make_person

    person = make_person(actor=user, first_name="A")
    response = call(
        api_client(user),
        "post",
        "/api/v1/interactions",
        {
            "channel": "web",
            "kind": "form",
            "person_id": person.pk,
            "body": "x",
            "metadata": {"n": 10**30},
        },
    )
    assert_problem(response, 422, field="metadata.n")


def test_django_validation_errors_name_the_field(user, api_client):
    response = call(api_client(user), "post", "/api/v1/people", {"first_name": ""})
    assert_problem(response, 422, field="first_name")


def test_an_application_error_takes_its_status_and_extension_members(user, api_client):
    person = make_person(actor=user, first_name="A")
    response = call(api_client(user), "patch", f"/api/v1/people/{person.pk}", {"version": 5})
    body = assert_problem(response, 409)
    assert body["title"] == "Edit conflict"
    assert body["current_version"] == 1
    assert body["your_version"] == 5


def test_an_unexpected_error_is_a_500_that_hides_internals(user, api_client, monkeypatch):
    import centric.customers.api.people as people_api

    def explode(*args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(people_api, "get_record", explode)  # where GET /people/{id} looks it up
    response = api_client(user).get("/api/v1/people/1")
    body = assert_problem(response, 500)
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["type"] == "urn:centric:problem:internal"


def test_a_denial_writes_an_audit_event(make_user, api_client):
    from centric.core.models import AuditEvent

    reader = make_user("reader", role="Read only")
    call(api_client(reader), "post", "/api/v1/people", {"first_name": "A"})
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PERMISSION_DENIED)
    assert event.actor == reader
    assert event.detail == {"method": "POST", "path": "/api/v1/people", "via": "api"}


def test_session_auth_needs_csrf_on_unsafe_methods(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/people").status_code == 200
    assert_problem(call(client, "post", "/api/v1/people", {"first_name": "A"}), 403)
    assert Person.objects.count() == 0
    client.get("/api/v1/docs")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = call(client, "post", "/api/v1/people", {"first_name": "A"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_an_anonymous_unsafe_request_is_401_not_a_csrf_403():
    client = Client(enforce_csrf_checks=True)
    assert_problem(call(client, "post", "/api/v1/people", {"first_name": "A"}), 401)


def test_an_oversize_body_is_refused_not_a_crash(user, api_client):
    raw = b'{"first_name": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = api_client(user).post(
        "/api/v1/people", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big"
    )
    assert_problem(response, 413)
    assert Person.objects.count() == 0

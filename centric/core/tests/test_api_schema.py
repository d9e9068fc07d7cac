"""The OpenAPI schema, the docs page, and a bounded schemathesis run against the live app in-process.

The run calls every operation with generated input (valid and invalid) as an administrator and
asserts: no 5xx, every status code and content type is documented, and bodies match the schema.
"""

from __future__ import annotations

import os
import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from centric.staff.services.tokens import token_create

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_resources(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/contact-points",
        "/api/v1/people/{person_id}/contact-points/{point_id}",
        "/api/v1/people/{person_id}/memberships",
        "/api/v1/people/{person_id}/consents",
        "/api/v1/organisations",
        "/api/v1/organisations/{organisation_id}",
        "/api/v1/interactions",
        "/api/v1/interactions/{interaction_id}",
        "/api/v1/tags",
        "/api/v1/custom-fields",
        "/api/v1/users",
        "/api/v1/users/me",
        "/api/v1/teams",
        "/api/v1/lifecycle-stages",
    ):
        assert expected in paths, expected
    get_person = schema["paths"]["/api/v1/people/{person_id}"]["get"]
    assert "application/problem+json" in get_person["responses"]["404"]["content"]
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    person_in = schema["components"]["schemas"]["PersonIn"]["properties"]
    assert person_in["first_name"]["maxLength"] == 100


def test_docs_load_nothing_from_another_host(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls, html
    assert all(url.startswith("/") and not url.startswith("//") for url in urls), urls
    assert "/static/ninja/swagger-ui-bundle.js" in urls
    # The page runs under the site-wide strict policy: no inline script is needed.
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "<script>" not in html


# Deeper runs: CENTRIC_FUZZ_EXAMPLES=200 CENTRIC_FUZZ_COVERAGE=1 (minutes, not seconds).
COVERAGE = os.environ.get("CENTRIC_FUZZ_COVERAGE") == "1"


def _load_schema():
    from centric.api import api

    config = schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "deterministic": True, "no-shrink": True},
            "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
        }
    )
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=config)
    loaded.app = get_wsgi_application()
    return loaded


schema = _load_schema()


@pytest.fixture
def in_test_transaction(db):
    """A bare WSGI handler closes the connection around each request, which would end the test's
    transaction; Django's test client avoids that the same way."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def admin_token(in_test_transaction, make_user):
    from centric.customers.tests.factories import make_person

    admin = make_user("fuzz-admin", role="Administrator", is_superuser=True)
    make_person(actor=admin, first_name="Seed", phone="08031234567")
    return token_create(user=admin, name="fuzz")[1]


@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("CENTRIC_FUZZ_EXAMPLES", "6")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, admin_token):
    response = case.call(headers={"Authorization": f"Bearer {admin_token}"})
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_every_operation_refuses_anonymous_callers_with_a_401_problem(client):
    from centric.core.api.testing import assert_problem, call

    paths = client.get("/api/v1/openapi.json").json()["paths"]
    checked = 0
    for template, operations in paths.items():
        path = re.sub(r"\{[^}]+\}", "1", template)
        for method in operations:
            response = call(client, method, path, {} if method in ("post", "patch") else None)
            assert_problem(response, 401)
            checked += 1
    assert checked >= 30


def test_post_operations_document_the_idempotency_key(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    posts = [ops["post"] for ops in paths.values() if "post" in ops]
    assert posts
    for operation in posts:
        names = [p["name"] for p in operation.get("parameters", [])]
        assert "Idempotency-Key" in names, operation["operationId"]

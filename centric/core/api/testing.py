"""Helpers for API tests: JSON calls and the RFC 9457 shape."""

from __future__ import annotations

import json
from typing import Any

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors"}


def call(client: Any, method: str, path: str, body: Any = None, **headers: Any) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
        kwargs["content_type"] = "application/json"
    return getattr(client, method.lower())(path, **kwargs, **headers)


def assert_problem(response: Any, status: int, *, field: str | None = None) -> dict[str, Any]:
    """The response is problem+json with `status`; `field`, if given, is among `errors`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"].startswith("urn:centric:problem:")
    assert isinstance(body["errors"], list)
    for item in body["errors"]:
        assert set(item) == {"field", "message"}, item
    if field is not None:
        fields = [item["field"] for item in body["errors"]]
        assert field in fields, fields
    return body

"""The REST API at /api/v1/: one NinjaAPI, one router per app, one error contract (RFC 9457).

- Authentication: `Authorization: Bearer <token>` or the signed-in session (CSRF on unsafe methods).
- Errors: `application/problem+json` everywhere, including unknown paths and wrong methods.
- Docs: Swagger UI from local static files at /api/v1/docs (it works under the site-wide strict
  CSP, no exception needed), schema at /api/v1/openapi.json (built once per process).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from centric.core.api import errors
from centric.core.api.auth import default_auth
from centric.core.api.parser import SafeParser

ERROR_STATUSES = {
    "400": "Malformed request",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found (or not visible to you)",
    "422": "Invalid input",
}
WRITE_ERROR_STATUSES = {
    "409": "Conflict (stale version or duplicate)",
    "413": "Request body too large",
}
IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retried create safe: the same key with the same body replays the first "
        "response instead of creating again; the same key with another body is a 422."
    ),
    "schema": {"type": "string", "maxLength": 255},
}


def _problem_405(view: Any) -> Any:
    """Ninja answers a wrong method with a bare 405; make it a problem document."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            errors.PROBLEM_CONTENT_TYPE
        ):
            return errors.as_problem_405(request, response)
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]  # ninja does its own CSRF check for session auth
    return wrapper


def api_root(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "name": "Centric API",
            "version": "1",
            "openapi": request.build_absolute_uri("openapi.json"),
            "docs": request.build_absolute_uri("docs"),
        }
    )


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return errors.not_found(request)


api_not_found.csrf_exempt = True  # type: ignore[attr-defined]


class CentricAPI(NinjaAPI):
    _schema_cache: dict[str, Any]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._schema_cache = {}

    def _get_urls(self) -> list:
        urls = super()._get_urls()
        result: list[URLPattern | URLResolver] = []
        for pattern in urls:
            name = getattr(pattern, "name", None)
            if name == "api-root":
                result.append(path("", api_root, name="api-root"))
                continue
            if name not in ("openapi-json", "openapi-view"):
                pattern.callback = _problem_405(pattern.callback)
            result.append(pattern)
        result.append(re_path(r"^(?P<rest>.*)$", api_not_found, name="api-not-found"))
        return result

    def get_openapi_operation_id(self, operation: Any) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params=None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        cached = self._schema_cache.get(path_prefix)
        if cached is None:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            cached = self._schema_cache[path_prefix] = _with_problem_responses(schema)
        return copy.deepcopy(cached)


def _with_problem_responses(schema: Any) -> Any:
    """Document the problem+json errors every operation may answer with."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = errors.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in problem_schema.pop("$defs", {}).items():
        components.setdefault(name, definition)
    components["Problem"] = problem_schema
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status, response in list(responses.items()):
                if str(status).startswith(("4", "5")):
                    content = response.setdefault("content", {})
                    content.pop("application/json", None)
                    content[errors.PROBLEM_CONTENT_TYPE] = {"schema": problem_ref}
            if method == "post":
                operation.setdefault("parameters", []).append(IDEMPOTENCY_PARAMETER)
            statuses = dict(ERROR_STATUSES)
            if method in ("post", "patch", "put", "delete"):
                statuses.update(WRITE_ERROR_STATUSES)
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {errors.PROBLEM_CONTENT_TYPE: {"schema": problem_ref}},
                    },
                )
    return schema


api = CentricAPI(
    title="Centric API",
    version="1",
    description=(
        "The Centric CRM over HTTP. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `centric token create USERNAME` or on your profile page). "
        "Lists use cursor pagination (`cursor`, `limit` ≤ 200); every error is "
        "`application/problem+json` (RFC 9457). POST accepts an `Idempotency-Key` header."
    ),
    urls_namespace="api",
    auth=default_auth(),
    parser=SafeParser(),
    docs=Swagger(settings={"persistAuthorization": False}),
)
errors.install(api)


def _mount() -> None:
    """Every app's routers and every record type's kit API (`RecordApi`), as registered with the
    record kit (no domain app is named here)."""
    from centric.core.records import registry

    for mount in registry.api_mounts():
        api.add_router(mount.prefix, mount.build(), tags=list(mount.tags))


_mount()

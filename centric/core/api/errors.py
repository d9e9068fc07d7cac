"""Every API error is `application/problem+json` (RFC 9457).

The body has `type`, `title`, `status`, `detail`, `instance` and `errors` (a list of
`{"field", "message"}`); business errors may add extension members (e.g. `current_version`).
Internals never leak: an unexpected exception is logged and answered with a bare 500.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from centric.core.errors import ApplicationError

logger = logging.getLogger("centric.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:centric:problem:"


class FieldError(Schema):
    field: str | None = None
    message: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[FieldError] = []

    model_config = {"extra": "allow"}


def problem(
    request: HttpRequest | None,
    status: int,
    *,
    slug: str,
    title: str | None = None,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{slug}",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else "",
        "errors": errors or [],
    }
    for key, value in (extra or {}).items():
        body.setdefault(key, value)
    response = HttpResponse(
        json.dumps(body, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str | None:
    """`("body", "payload", "contact_points", 0, "value")` -> `"contact_points.0.value"`."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts[0]
        parts = parts[1:]
        if source == "body" and parts and parts[0] == "payload":
            parts = parts[1:]
        if source in ("query", "path") and len(parts) > 1 and parts[0] in ("filters", "params"):
            parts = parts[1:]
    return ".".join(parts) or None


def django_errors(error: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        items: list[dict[str, Any]] = []
        for field, messages in error.message_dict.items():
            name = None if field == "__all__" else field
            items.extend({"field": name, "message": str(message)} for message in messages)
        return items
    return [{"field": None, "message": str(message)} for message in error.messages]


def validation_problem(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    return problem(
        request,
        422,
        slug="validation",
        title=_("Invalid input"),
        detail=_("Some fields are not valid; see `errors`."),
        errors=errors,
    )


def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for item in exc.errors:
        message = str(item.get("msg", _("Invalid value.")))
        errors.append({"field": _field_name(item.get("loc", ())), "message": message})
    return validation_problem(request, errors)


def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return validation_problem(request, django_errors(exc))


def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    slug = {401: "unauthenticated", 409: "conflict", 422: "unprocessable"}.get(
        exc.status_code, "refused"
    )
    if type(exc).__name__ == "ConcurrentEditError":
        slug = "edit-conflict"
    elif type(exc).__name__ == "DuplicateError":
        slug = "duplicate"
    return problem(
        request,
        exc.status_code,
        slug=slug,
        title=str(exc.title),
        detail=exc.message,
        errors=getattr(exc, "errors", None),
        extra=exc.extra,
        headers={"WWW-Authenticate": 'Bearer realm="centric"'} if exc.status_code == 401 else None,
    )


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return not_found(request)


def not_found(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        404,
        slug="not-found",
        title=_("Not found"),
        detail=_("There is nothing here, or you may not see it."),
    )


def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    from centric.core.audit import audit
    from centric.core.models import AuditEvent

    user = getattr(request, "auth", None) or getattr(request, "user", None)
    audit(
        AuditEvent.Kind.PERMISSION_DENIED,
        actor=user,
        request=request,
        detail={"method": request.method, "path": request.path[:500], "via": "api"},
    )
    return problem(
        request,
        403,
        slug="forbidden",
        title=_("Forbidden"),
        detail=str(exc) or _("You do not have permission to do this."),
    )


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return problem(
            request,
            401,
            slug="unauthenticated",
            title=_("Authentication required"),
            detail=_("Send a valid API token as `Authorization: Bearer <token>`, or sign in."),
            headers={"WWW-Authenticate": 'Bearer realm="centric"'},
        )
    if exc.status_code == 403:
        return on_permission_denied(request, PermissionDenied(str(exc)))
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return problem(
            request,
            400,
            slug="malformed-body",
            title=_("Malformed request body"),
            detail=_("The request body must be a JSON object without NUL characters or NaN."),
        )
    slug = {404: "not-found", 405: "method-not-allowed", 429: "throttled"}.get(
        exc.status_code, "http-error"
    )
    return problem(request, exc.status_code, slug=slug, detail=str(exc))


def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return problem(
            request,
            413,
            slug="too-large",
            title=_("Request too large"),
            detail=_("The request body is larger than the server accepts."),
        )
    return problem(request, 400, slug="bad-request", title=_("Bad request"))


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error on %s %s", request.method, request.path)
    return problem(
        request,
        500,
        slug="internal",
        title=_("Internal error"),
        detail=_("Something went wrong on our side. It has been logged."),
    )


def install(api: Any) -> None:
    """Register the RFC 9457 handlers on a NinjaAPI (most specific class wins)."""
    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(NinjaValidationError, on_ninja_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(ApplicationError, on_application_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)


def as_problem_405(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    allowed = response.get("Allow", "")
    return problem(
        request,
        405,
        slug="method-not-allowed",
        title=_("Method not allowed"),
        detail=_("Allowed methods: %(methods)s.") % {"methods": allowed},
        headers={"Allow": allowed},
    )

"""Content-Security-Policy on every page; Centric's own error pages even with DEBUG on."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver, get_urlconf, resolve
from django.utils.log import log_response

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class ErrorPagesMiddleware:
    """Centric's 404/400/500 pages under DEBUG too: the demo runs with DEBUG on.

    With DEBUG, Django answers a missing page with a list of every URL pattern and a failure with
    settings and source code, to whoever triggers them. This renders the project's own handlers
    instead (the 403 page already is), unless a developer sets CENTRIC_TECHNICAL_ERROR_PAGES=1.
    Without DEBUG Django renders the project's pages itself, so this steps aside.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _takes_over() -> bool:
        return settings.DEBUG and not settings.CENTRIC_TECHNICAL_ERROR_PAGES

    @staticmethod
    def _handler(status: int) -> Callable[..., HttpResponse]:
        return get_resolver(get_urlconf()).resolve_error_handler(status)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._takes_over():
            # An address no URL matches fails before any view, where process_exception never
            # sees it; resolving here catches it (the API's own catch-all answers under /api/v1/).
            try:
                resolve(request.path_info, get_urlconf())
            except Resolver404 as exception:
                return self._handler(404)(request, exception)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not self._takes_over() or isinstance(exception, PermissionDenied):
            return None  # Django renders the 403 through the project's handler even under DEBUG
        if isinstance(exception, Http404):
            return self._handler(404)(request, exception)
        if isinstance(exception, BadRequest | SuspiciousOperation):
            response = self._handler(400)(request, exception)
        else:
            # What Django does for an uncaught error without DEBUG: signal it (the test client
            # re-raises it), render the 500 page, log it with its traceback.
            got_request_exception.send(sender=None, request=request)
            response = self._handler(500)(request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response

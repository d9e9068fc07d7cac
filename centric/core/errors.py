"""The one error contract: services raise these; pages and the API translate them."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A business rule refused the request; the message is safe to show to the user."""

    status_code = 400
    title: "StrOrPromise" = "Request refused"  # a subclass may give a lazy translation

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class ConcurrentEditError(ApplicationError):
    """Someone else saved the record after this user loaded it (optimistic concurrency)."""

    status_code = 409
    title = "Edit conflict"


class DuplicateError(ApplicationError):
    status_code = 409
    title = "Duplicate"

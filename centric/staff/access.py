"""Page access checks that leave a trace: a refused page writes a `permission_denied` audit event."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError

from centric.core.audit import audit
from centric.core.models import AuditEvent


def deny(request, permission: str | Iterable[str]) -> PermissionDenied:
    """Record a refused request and return the exception to raise."""
    names = [permission] if isinstance(permission, str) else sorted(permission)
    audit(
        AuditEvent.Kind.PERMISSION_DENIED,
        actor=request.user,
        request=request,
        detail={"path": request.path[:500], "method": request.method, "permission": names},
    )
    return PermissionDenied()


def refuse(request, error: PermissionDenied) -> PermissionDenied:
    """Record a refusal a service decided (e.g. no escalation to superuser) and return it to
    raise: the 403 page shows its message."""
    audit(
        AuditEvent.Kind.PERMISSION_DENIED,
        actor=request.user,
        request=request,
        detail={"path": request.path[:500], "method": request.method, "reason": str(error)},
    )
    return error


def permission_required(*permissions: str) -> Callable:
    """Require sign-in (redirect to the login page) and any one of `permissions` (else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user.has_perm(p) for p in permissions):
                raise deny(request, permissions if len(permissions) > 1 else permissions[0])
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def show_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)

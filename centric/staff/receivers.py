"""Audit-log receivers for Django's authentication signals (security record, not business flow)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from centric.core.audit import audit
from centric.core.models import AuditEvent


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit(AuditEvent.Kind.SIGN_IN, actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit(AuditEvent.Kind.SIGN_OUT, actor=user, request=request)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    name = credentials.get("username") or credentials.get("email") or credentials.get("login") or ""
    audit(AuditEvent.Kind.SIGN_IN_FAILED, request=request, username=str(name)[:254])

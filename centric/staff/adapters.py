"""allauth adapter: staff accounts are created by administrators, never by sign-up."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from django.core.exceptions import PermissionDenied, ValidationError

from centric.core.audit import audit, client_ip
from centric.core.models import AuditEvent

# Centric sends no e-mail to staff: administrators set passwords (see the staff pages).
UNSENT_MAIL = {"account/email/password_reset_key", "account/email/unknown_account"}


class StaffAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Password resets are done by an administrator, so a reset request sends nothing (and
        cannot fail on a machine without a mail server)."""
        if template_prefix in UNSENT_MAIL:
            return
        super().send_mail(template_prefix, email, context)

    def get_client_ip(self, request) -> str:
        """allauth's rate limits count per client the way the audit log names it."""
        address = client_ip(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials) -> None:
        """Attempts refused by the rate limit never reach Django's authenticate(), so Django sends
        no `user_login_failed` for them (wrong passwords are audited by receivers.py): audit them
        here."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            name = credentials.get("username") or credentials.get("email") or ""
            audit(
                AuditEvent.Kind.SIGN_IN_FAILED,
                request=request,
                username=str(name)[:254],
                detail={"reason": "rate_limited"},
            )
            raise

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in within the last few minutes counts as having just confirmed the password.

        Without this, a member of a role that requires TOTP, sent to set it up right after signing
        in, would be asked for the password a second time.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = self.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        records = get_authentication_records(request, user)
        if not records:
            return True
        signed_in_at = records[-1].get("at") or 0
        return time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT

"""Send members of roles that require TOTP to set it up before they do anything else."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from centric.staff.mfa import lacks_required_totp


class RequireMfaMiddleware:
    allowed_prefixes = ("/accounts/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and lacks_required_totp(user)
        ):
            target = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request") == "true":
                # An htmx request would swap the set-up page into a fragment: load it whole.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)

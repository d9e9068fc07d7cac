"""The webhooks settings page: endpoints, their secret (shown once), the delivery log and the
redeliver button (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission
from centric.webhooks.models import WebhookDelivery, WebhookEndpoint
from centric.webhooks.services import EVENTS, endpoint_create, endpoint_update, redeliver


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, WebhookEndpoint, "change"):
        return render(request, "403.html", status=403)
    secret = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                _endpoint, secret = endpoint_create(
                    name=request.POST.get("name", ""),
                    url=request.POST.get("url", ""),
                    events=request.POST.getlist("events"),
                    allow_private_network=request.POST.get("allow_private_network") == "on",
                )
                messages.success(request, _("Endpoint added. Give its secret to the receiver now."))
            elif action in ("pause", "resume"):
                endpoint = get_object_or_404(WebhookEndpoint, pk=request.POST.get("endpoint") or 0)
                endpoint_update(endpoint, is_active=action == "resume")
                return redirect("webhooks:settings")
            elif action == "redeliver":
                delivery = get_object_or_404(WebhookDelivery, pk=request.POST.get("delivery") or 0)
                redeliver(delivery)
                messages.success(request, _("Sent again; the log shows the answer in a moment."))
                return redirect("webhooks:settings")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return render(
        request,
        "webhooks/settings.html",
        {
            "endpoints": WebhookEndpoint.objects.all(),
            "deliveries": WebhookDelivery.objects.select_related("endpoint").prefetch_related(
                "log"
            )[:50],
            "events": EVENTS.items(),
            "secret": secret,
        },
    )

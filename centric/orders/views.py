"""The back-office queue: orders not yet delivered, oldest first, with what the back office was
told (the last webhook delivery) and what it reported."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from centric.core.visibility import has_model_permission
from centric.orders.models import Fulfilment, Order

QUEUE_SIZE = 100


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Order, "view"):
        return render(request, "403.html", status=403)
    waiting = (
        Order.objects.visible_to(request.user)
        .exclude(fulfilment_status__in=[Fulfilment.FULFILLED, Fulfilment.CANCELLED])
        .select_related("person", "organisation", "owner")
        .order_by("placed_at", "id")
    )
    rows = list(waiting[:QUEUE_SIZE])
    return render(
        request,
        "orders/queue.html",
        {"orders": rows, "count": waiting.count(), "shown": len(rows)},
    )

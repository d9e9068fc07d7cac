"""Outbound webhooks: configuring endpoints, emitting events, delivering them.

`emit` only writes delivery rows and enqueues their tasks after the transaction commits: a
receiver that is down, slow or failing never blocks the sale that caused the event. The worker
delivers each, signed (`webhooks.signing`), retrying with exponential backoff (1 minute to a
day, seven attempts) and logging every attempt; an administrator can redeliver by hand.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from centric.webhooks.signing import signature_header
from centric.webhooks.transport import Refused, post, resolve

EVENTS = {
    "order.created": "An order was placed (a quote was accepted).",
    "order.status_changed": "The back office reported fulfilment or payment.",
    "deal.stage_changed": "A deal moved to another stage.",
    "deal.won": "A deal was won.",
}
BACKOFF_SECONDS = [60, 300, 1_800, 7_200, 21_600, 86_400]
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1


def _timeout() -> float:
    return float(getattr(settings, "CENTRIC_WEBHOOK_TIMEOUT", 10))


def _events(events: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(e.strip() for e in events if e and e.strip()))
    unknown = [e for e in cleaned if e not in EVENTS and e != "*"]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown events: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    if not cleaned:
        raise ValidationError({"events": _("Choose at least one event.")})
    return cleaned


def _check_url(url: str, allow_private: bool) -> None:
    try:
        resolve(url, allow_private=allow_private)
    except Refused as error:
        raise ValidationError({"url": str(error)}) from None


@transaction.atomic
def endpoint_create(
    *, name: str, url: str, events: list[str], allow_private_network: bool = False
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (returned; shown to the administrator to give the
    receiver)."""
    endpoint = WebhookEndpoint(
        name=name.strip(),
        url=url.strip(),
        events=_events(events),
        allow_private_network=allow_private_network,
        secret="whsec_" + secrets.token_urlsafe(32),
    )
    endpoint.full_clean()
    _check_url(endpoint.url, allow_private_network)
    endpoint.save()
    return endpoint, endpoint.secret


@transaction.atomic
def endpoint_update(
    endpoint: WebhookEndpoint,
    *,
    name: str | None = None,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
    allow_private_network: bool | None = None,
) -> WebhookEndpoint:
    if name is not None:
        endpoint.name = name.strip()
    if url is not None:
        endpoint.url = url.strip()
    if events is not None:
        endpoint.events = _events(events)
    if is_active is not None:
        endpoint.is_active = is_active
    if allow_private_network is not None:
        endpoint.allow_private_network = allow_private_network
    endpoint.full_clean()
    _check_url(endpoint.url, endpoint.allow_private_network)
    endpoint.save()
    return endpoint


def emit(event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint that takes it; sent after the commit."""
    assert event in EVENTS, event
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(is_active=True)
        if event in e.events or "*" in e.events
    ]
    if not endpoints:
        return []
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=e, event=event, payload=body, next_attempt_at=now)
        for e in endpoints
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: _enqueue(ids))
    return deliveries


def _enqueue(ids: list[int], *, when: dt.datetime | None = None, manual: bool = False) -> None:
    from django_tasks import task_backends

    from centric.webhooks.tasks import deliver_webhook

    task = deliver_webhook
    if when is not None and task_backends[task.backend].supports_defer:
        task = task.using(run_after=when)
    for pk in ids:
        task.enqueue(pk, manual)


def _body(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()


def deliver(delivery_id: int, *, manual: bool = False) -> str:
    """One attempt at a delivery (the worker's task); returns its status. Outside any lock
    while the receiver is called, so a slow one holds no row."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    if not manual and delivery.status in (DeliveryStatus.SUCCEEDED, DeliveryStatus.GAVE_UP):
        return delivery.status
    endpoint = delivery.endpoint
    body = _body(delivery)
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Centric-Webhooks/1",
        "Centric-Event": delivery.event,
        "Centric-Delivery": str(delivery.delivery_id),
        "Centric-Signature": signature_header(endpoint.secret, stamp, body),
    }
    started = time.monotonic()
    status_code, error, excerpt = None, "", ""
    try:
        answer = post(
            endpoint.url,
            body,
            headers,
            allow_private=endpoint.allow_private_network,
            timeout=_timeout(),
        )
        status_code, excerpt = answer.status, answer.excerpt
        if not 200 <= answer.status < 300:
            error = _("The receiver answered %(code)s.") % {"code": answer.status}
    except Refused as refused:
        error = str(refused)
    except TimeoutError:
        error = _("The receiver did not answer within %(s)s seconds.") % {"s": _timeout()}
    except (OSError, http.client.HTTPException) as failure:
        error = (_("The receiver could not be reached: %(why)s") % {"why": failure})[:300]
    return _record(delivery.pk, status_code, error, excerpt, started, manual)


@transaction.atomic
def _record(
    pk: int, status_code: int | None, error: str, excerpt: str, started: float, manual: bool
) -> str:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=pk)
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=status_code,
        error=error[:300],
        duration_ms=int((time.monotonic() - started) * 1000),
        response_excerpt=excerpt[:500],
        manual=manual,
    )
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    if not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.status == DeliveryStatus.SUCCEEDED:
        pass  # a manual redelivery that failed leaves the earlier success standing
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.GAVE_UP
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.FAILED
        wait = BACKOFF_SECONDS[min(delivery.attempts - 1, len(BACKOFF_SECONDS) - 1)]
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        if not manual:
            when = delivery.next_attempt_at
            transaction.on_commit(lambda: _enqueue([pk], when=when))
    delivery.save()
    return delivery.status


def redeliver(delivery: WebhookDelivery) -> None:
    """Send a delivery again now (an administrator's button), whatever happened to it."""
    pk = delivery.pk
    transaction.on_commit(lambda: _enqueue([pk], manual=True))

"""Webhook endpoints and their delivery log in the REST API (administrators)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.types import ApiRequest, Id
from centric.webhooks.models import WebhookDelivery, WebhookEndpoint
from centric.webhooks.services import EVENTS, endpoint_create, endpoint_update, redeliver

endpoints_router = Router()
deliveries_router = Router()


class EndpointIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    url: str = Field(..., min_length=1, max_length=500)
    events: list[str] = Field(..., min_length=1, max_length=20, description=", ".join(EVENTS))
    allow_private_network: bool = Field(False, description="Allow a loopback or private address.")


class EndpointPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=1, max_length=500)
    events: list[str] | None = Field(None, min_length=1, max_length=20)
    is_active: bool | None = None
    allow_private_network: bool | None = None


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    allow_private_network: bool
    created_at: dt.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(..., description="Shown once: the receiver checks signatures with it.")


class AttemptOut(Schema):
    at: dt.datetime
    status_code: int | None
    error: str
    duration_ms: int
    manual: bool


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event: str
    delivery_id: uuid.UUID
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


class DeliveryDetail(DeliveryOut):
    payload: dict
    log: list[AttemptOut]

    @staticmethod
    def resolve_log(obj: WebhookDelivery) -> list[object]:
        return list(obj.log.all())


def _admin(request: ApiRequest) -> None:
    require_model_perm(request.auth, WebhookEndpoint, "change")


@endpoints_router.get("", response=list[EndpointOut], summary="List webhook endpoints")
def list_endpoints(request: ApiRequest) -> list[WebhookEndpoint]:
    _admin(request)
    return list(WebhookEndpoint.objects.all())


@endpoints_router.post("", response={201: EndpointCreated}, summary="Add a webhook endpoint")
def create_endpoint(request: ApiRequest, payload: EndpointIn) -> Status:
    _admin(request)
    endpoint, _secret = endpoint_create(**payload.dict())
    return Status(201, endpoint)


@endpoints_router.patch("/{endpoint_id}", response=EndpointOut, summary="Change a webhook endpoint")
def update_endpoint(
    request: ApiRequest, endpoint_id: Id, payload: EndpointPatch
) -> WebhookEndpoint:
    _admin(request)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    return endpoint_update(endpoint, **payload.dict(exclude_unset=True))


@endpoints_router.get(
    "/{endpoint_id}/deliveries",
    response=list[DeliveryOut],
    summary="An endpoint's newest deliveries",
)
def list_deliveries(request: ApiRequest, endpoint_id: Id) -> list[WebhookDelivery]:
    _admin(request)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    return list(endpoint.deliveries.all()[:100])


@deliveries_router.get("/{delivery_pk}", response=DeliveryDetail, summary="A delivery and its log")
def get_delivery(request: ApiRequest, delivery_pk: Id) -> WebhookDelivery:
    _admin(request)
    return WebhookDelivery.objects.get(pk=delivery_pk)


@deliveries_router.post(
    "/{delivery_pk}/redeliver", response={202: DeliveryOut}, summary="Send a delivery again now"
)
def redeliver_delivery(request: ApiRequest, delivery_pk: Id) -> Status:
    _admin(request)
    delivery = WebhookDelivery.objects.get(pk=delivery_pk)
    redeliver(delivery)
    return Status(202, delivery)

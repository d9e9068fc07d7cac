"""Orders' own operations: the back office reports fulfilment and payment (idempotent by its
own reference), and reads what it was sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status

from centric.core.api.permissions import require_model_perm
from centric.core.api.records import record_get
from centric.core.api.types import ApiRequest, Id
from centric.core.records import registry
from centric.orders.models import Order, OrderStatusUpdate
from centric.orders.services import order_payload, order_status_report

actions_router = Router()

FulfilmentIn = Literal["", "new", "processing", "partly_fulfilled", "fulfilled", "cancelled"]
PaymentIn = Literal["", "unpaid", "partly_paid", "paid", "refunded"]


class StatusReportIn(Schema):
    reference: str = Field(
        ...,
        min_length=1,
        max_length=100,
        description="Your id for this report: sent twice, it counts once.",
    )
    fulfilment_status: FulfilmentIn = ""
    payment_status: PaymentIn = ""
    amount_paid: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=3)
    back_office_reference: str = Field("", max_length=100, description="Your id for the order.")
    note: str = Field("", max_length=500)


class StatusReportOut(Schema):
    order_id: int
    reference: str
    received_at: dt.datetime
    fulfilment_status: str = Field(..., description="The order's, after the report.")
    payment_status: str
    amount_paid: Decimal
    version: int


@actions_router.post(
    "/{order_id}/status-reports",
    response={201: StatusReportOut, 200: StatusReportOut},
    summary="Report an order's fulfilment or payment (back office)",
    description="Idempotent by `reference`: a retry answers 200 with the first report.",
)
def report_status(request: ApiRequest, order_id: Id, payload: StatusReportIn) -> Status:
    require_model_perm(request.auth, OrderStatusUpdate, "add")
    order: Order = record_get(registry.get(Order), request.auth, order_id)
    update, created = order_status_report(order, **payload.dict())
    order.refresh_from_db()
    body = {
        "order_id": order.pk,
        "reference": update.reference,
        "received_at": update.received_at,
        "fulfilment_status": order.fulfilment_status,
        "payment_status": order.payment_status,
        "amount_paid": order.amount_paid,
        "version": order.version,
    }
    return Status(201 if created else 200, body)


@actions_router.get(
    "/{order_id}/payload",
    response=dict[str, Any],
    summary="The order as the back office's webhooks carry it (lines included)",
)
def order_as_sent(request: ApiRequest, order_id: Id) -> dict[str, Any]:
    require_model_perm(request.auth, Order, "view")
    order: Order = record_get(registry.get(Order), request.auth, order_id)
    return order_payload(order)

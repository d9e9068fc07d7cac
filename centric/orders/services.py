"""The one write path of orders: made from an accepted quote (once), told to the back office by
webhook, and updated by the back office's reports (idempotent by their reference), each change
on the customer's timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from centric.core.kit.services import bump_version, delete_record, lock, save_record
from centric.orders.models import Fulfilment, Order, OrderStatusUpdate, Payment
from centric.quotes.models import Quote, QuoteStatus
from centric.webhooks.services import emit


def order_payload(order: Order) -> dict[str, Any]:
    """What the back office is sent: the order, its customer and its lines."""
    quote = order.quote
    lines = []
    if quote is not None:
        lines = [
            {
                "description": line.description,
                "product_code": line.product.code if line.product else None,
                "quantity": str(line.quantity.normalize()),
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "tax_rate": str(line.tax_rate),
                "total": str(line.total),
            }
            for line in quote.lines.select_related("product")
        ]
    customer = order.organisation or order.person
    return {
        "order": {
            "id": order.pk,
            "number": order.number,
            "title": order.title,
            "currency": order.currency,
            "total": str(order.total),
            "fulfilment_status": order.fulfilment_status,
            "payment_status": order.payment_status,
            "back_office_reference": order.back_office_reference,
            "placed_at": order.placed_at.isoformat(),
            "quote_number": quote.number if quote else None,
        },
        "customer": {
            "kind": "organisation" if order.organisation_id else "person",
            "id": customer.pk if customer else None,
            "name": str(customer) if customer else "",
            "email": getattr(customer, "primary_email", "") if customer else "",
            "phone": getattr(customer, "primary_phone", "") if customer else "",
        },
        "lines": lines,
    }


def _timeline(order: Order, *, actor: Any, subject: str, summary: str, key: str) -> None:
    from centric.interactions.services import interaction_create

    if order.person_id is None and order.organisation_id is None:
        return
    interaction_create(
        actor=None,  # the system records it: the order's customer is its audience
        links=[order],
        channel="other",
        kind="purchase",
        direction="internal",
        person_id=order.person_id,
        organisation_id=order.organisation_id,
        subject=subject,
        summary=summary,
        external_id=key,
    )


@transaction.atomic
def order_from_quote(quote: Quote, *, actor: Any) -> Order:
    """The order of an accepted quote; asked twice, the same order."""
    if quote.status != QuoteStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted quote becomes an order."))
    existing = Order.objects.filter(quote=quote).first()
    if existing is not None:
        return existing
    order = Order(
        number=f"draft-{quote.pk}",
        title=quote.title,
        quote=quote,
        deal=quote.deal,
        person_id=quote.person_id,
        organisation_id=quote.organisation_id,
        currency=quote.currency,
        total=quote.total,
        owner_id=quote.owner_id,
        team_id=quote.team_id,
    )
    try:
        with transaction.atomic():
            save_record(order, actor=actor)
    except (IntegrityError, ValidationError):
        found = Order.objects.filter(quote=quote).first()
        if found is None:
            raise
        return found
    order.number = f"O-{order.placed_at.year}-{order.pk:05d}"
    Order.objects.filter(pk=order.pk).update(number=order.number)
    _timeline(
        order,
        actor=actor,
        subject=_("Order %(number)s placed") % {"number": order.number},
        summary=order.title,
        key=f"order-{order.pk}-placed",
    )
    emit("order.created", order_payload(order))
    return order


FULFILMENT_ORDER = [Fulfilment.NEW, Fulfilment.PROCESSING, Fulfilment.PARTLY, Fulfilment.FULFILLED]


@transaction.atomic
def order_status_report(
    order: Order,
    *,
    reference: str,
    fulfilment_status: str = "",
    payment_status: str = "",
    amount_paid: Decimal | None = None,
    back_office_reference: str = "",
    note: str = "",
) -> tuple[OrderStatusUpdate, bool]:
    """The back office's report on an order. The same `reference` twice is one report (the
    first is returned, nothing changes); a cancelled order takes no more fulfilment."""
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": _("Give your reference for this report.")})
    existing = OrderStatusUpdate.objects.filter(order=order, reference=reference).first()
    if existing is not None:
        return existing, False
    if not (
        fulfilment_status or payment_status or amount_paid is not None or back_office_reference
    ):
        raise ValidationError(
            _("Report a fulfilment or payment status, an amount paid or your reference.")
        )
    order = lock(Order, order.pk)
    if (
        fulfilment_status
        and order.fulfilment_status == Fulfilment.CANCELLED
        and fulfilment_status != Fulfilment.CANCELLED
    ):
        raise ValidationError({"fulfilment_status": _("This order is cancelled.")})
    if amount_paid is not None and (amount_paid < 0 or amount_paid > order.total * 2):
        raise ValidationError({"amount_paid": _("The amount paid is out of range for this order.")})
    update = OrderStatusUpdate(
        order=order,
        reference=reference[:100],
        fulfilment_status=fulfilment_status,
        payment_status=payment_status,
        amount_paid=amount_paid,
        note=note.strip()[:500],
    )
    update.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            update.save()
    except IntegrityError:
        return OrderStatusUpdate.objects.get(order=order, reference=reference), False
    before = (order.fulfilment_status, order.payment_status)
    if fulfilment_status:
        order.fulfilment_status = fulfilment_status
    if payment_status:
        order.payment_status = payment_status
    if amount_paid is not None:
        order.amount_paid = amount_paid
        if not payment_status:
            order.payment_status = (
                Payment.PAID
                if amount_paid >= order.total
                else Payment.PARTLY
                if amount_paid
                else Payment.UNPAID
            )
    if back_office_reference:
        order.back_office_reference = back_office_reference.strip()[:100]
    bump_version(order)
    save_record(order, actor=None)
    if (order.fulfilment_status, order.payment_status) != before:
        summary = f"{order.get_fulfilment_status_display()} · {order.get_payment_status_display()}"
        _timeline(
            order,
            actor=None,
            subject=_("Order %(number)s: %(status)s") % {"number": order.number, "status": summary},
            summary=update.note,
            key=f"order-{order.pk}-update-{update.pk}",
        )
        emit("order.status_changed", order_payload(order))
    return update, True


def order_create(*, actor: Any, **values: Any) -> Order:
    raise ValidationError(_("An order is made from an accepted quote."))


@transaction.atomic
def order_update(
    order: Order, *, actor: Any, expected_version: int | None = None, **values: Any
) -> Order:
    """Staff change the title and ownership; statuses come from the back office's reports."""
    from centric.core.kit.services import check_version, set_given

    allowed = {"title", "owner", "team", "tags", "custom_fields", "external_id"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            {name: _("The back office reports this.") for name in sorted(unknown)}
        )
    order = lock(Order, order.pk)
    check_version(order, expected_version)
    tags = values.pop("tags", None)
    values.pop("custom_fields", None)
    set_given(order, **values)
    bump_version(order)
    save_record(order, actor=actor)
    if tags is not None:
        from centric.core.kit.services import set_tags

        set_tags(order, tags)
    return order


@transaction.atomic
def order_delete(order: Order, *, actor: Any) -> None:
    """An order placed by mistake may go; one the back office has delivered or been paid for
    is kept (cancel it through the back office instead)."""
    moved = order.fulfilment_status in (Fulfilment.PARTLY, Fulfilment.FULFILLED) or (
        order.payment_status in (Payment.PARTLY, Payment.PAID, Payment.REFUNDED)
    )
    if moved:
        raise ValidationError(_("This order has deliveries or payments: it is kept."))
    delete_record(order, actor=actor)

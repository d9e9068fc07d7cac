"""Orders, registered with the record kit (list, detail, history, API, visibility, timeline
links, exports); the back-office queue and status reports are the app's own. An accepted quote
becomes an order, and "Closed won" may require one."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id
from centric.core.kit.pages import Column, RecordPages, RecordServices
from centric.core.records import (
    OWNED,
    NavEntry,
    register_record,
    register_urls,
)
from centric.orders import services
from centric.orders.models import Fulfilment, Order, Payment
from centric.quotes.hooks import on_quote_accepted
from centric.sales.requirements import register_requirement

ORDER_SERVICES = RecordServices(
    create=services.order_create,
    update=services.order_update,
    delete=services.order_delete,
)
ORDER_FIELDS = (
    "title",
    "quote",
    "deal",
    "person",
    "organisation",
    "currency",
    "total",
    "fulfilment_status",
    "payment_status",
    "amount_paid",
    "back_office_reference",
    "placed_at",
)
ORDER_SORTS = {"-placed": ["-placed_at", "-id"], "placed": ["placed_at", "id"]}

register_record(
    Order,
    key="order",
    visibility=OWNED,
    # Orders come from accepted quotes, never typed in: no role may add one by hand.
    role_actions={
        "Administrator": ("view", "change", "delete"),
        "Manager": ("view", "change", "delete"),
        "Front office": ("view", "change"),
        "Read only": ("view",),
    },
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Orders"), "orders:queue", icon="package", position=18),
    pages=RecordPages(
        services=ORDER_SERVICES,
        columns=(
            Column("number", _("Number"), link=True),
            Column("title", _("Title")),
            Column("fulfilment_status", _("Fulfilment")),
            Column("payment_status", _("Payment")),
            Column("total", _("Total")),
        ),
        form_fields=("title",),
        detail_fields=("number", *ORDER_FIELDS),
        sorts=ORDER_SORTS,
        default_sort="-placed",
        search_fields=("number", "title", "back_office_reference"),
        related=("owner", "team", "person", "organisation", "deal", "quote"),
        filters=(
            by_id("deal", _("Deal")),
            by_id("person", _("Person")),
            by_choice("fulfilment", _("Fulfilment"), "fulfilment_status", Fulfilment.choices),
            by_choice("payment", _("Payment"), "payment_status", Payment.choices),
        ),
    ),
    api=RecordApi(
        services=ORDER_SERVICES,
        fields=("number", *ORDER_FIELDS),
        read_only=("number", *ORDER_FIELDS[1:]),
        sorts=ORDER_SORTS,
        default_sort="-placed",
        search_fields=("number", "title", "back_office_reference"),
        filter_fields=(
            "deal",
            "person",
            "organisation",
            "fulfilment_status",
            "payment_status",
            "back_office_reference",
        ),
        actions="centric.orders.api.actions_router",
    ),
    api_path="/orders",
    test_factory="centric.orders.testing.make_order",
)
register_urls("orders/", "centric.orders.urls", position=27)


def _make_order(quote: Any, actor: Any) -> None:
    services.order_from_quote(quote, actor=actor)


on_quote_accepted(_make_order)
register_requirement(
    "order", _("an order"), lambda deal: Order.objects.filter(deal_id=deal.pk).exists()
)

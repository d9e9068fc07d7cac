"""Quotes, registered with the record kit (pages, API, visibility, history, custom fields,
tags, timeline links, exports); the lines, sending, accepting and the catalogue are the app's."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from centric.core.api.records import RecordApi
from centric.core.kit.list_filters import by_choice, by_id
from centric.core.kit.pages import Column, RecordPages, RecordServices
from centric.core.records import (
    OWNED,
    NavEntry,
    Panel,
    register_api,
    register_panel,
    register_record,
    register_urls,
)
from centric.quotes import panels, services
from centric.quotes.models import Quote, QuoteStatus
from centric.sales.requirements import register_requirement

QUOTE_SERVICES = RecordServices(
    create=services.quote_create,
    update=services.quote_update,
    delete=services.quote_delete,
)
QUOTE_FIELDS = (
    "title",
    "deal",
    "person",
    "organisation",
    "price_list",
    "currency",
    "issued_on",
    "valid_until",
    "notes",
    "terms",
)
QUOTE_SORTS = {"-created": ["-created_at", "-id"], "-total": ["-total", "-id"]}

register_record(
    Quote,
    key="quote",
    visibility=OWNED,
    custom_fields=True,
    tags=True,
    history=True,
    timeline=True,
    exports=True,
    navigation=NavEntry(_("Quotes"), "quotes:quote_list", icon="file-text", position=17),
    pages=RecordPages(
        services=QUOTE_SERVICES,
        columns=(
            Column("number", _("Number"), link=True),
            Column("title", _("Title")),
            Column("status", _("Status")),
            Column("total", _("Total"), sort="-total"),
            Column("currency", _("Currency")),
        ),
        form_fields=(*QUOTE_FIELDS, "external_id"),
        detail_fields=(*QUOTE_FIELDS, "number", "status", "sent_at", "accepted_at", "accepted_by"),
        sorts=QUOTE_SORTS,
        default_sort="-created",
        search_fields=("number", "title"),
        related=("owner", "team", "person", "organisation", "deal"),
        actions=panels.detail_actions,
        filters=(
            by_id("deal", _("Deal")),
            by_id("person", _("Person")),
            by_choice("status", _("Status"), "status", QuoteStatus.choices),
        ),
    ),
    api=RecordApi(
        services=QUOTE_SERVICES,
        fields=(
            *QUOTE_FIELDS,
            "number",
            "status",
            "subtotal",
            "discount_total",
            "tax_total",
            "total",
            "sent_at",
            "accepted_at",
            "accepted_by",
        ),
        read_only=(
            "number",
            "status",
            "subtotal",
            "discount_total",
            "tax_total",
            "total",
            "sent_at",
            "accepted_at",
            "accepted_by",
        ),
        sorts=QUOTE_SORTS,
        default_sort="-created",
        search_fields=("number", "title"),
        filter_fields=("deal", "person", "organisation", "status"),
        actions="centric.quotes.api.actions_router",
    ),
    api_path="/quotes",
    test_factory="centric.quotes.testing.make_quote",
)
register_urls("quotes/", "centric.quotes.urls", position=26)
register_api("/products", "centric.quotes.api.products_router", tags=("catalogue",))
register_api("/price-lists", "centric.quotes.api.price_lists_router", tags=("catalogue",))
register_api("/deal-products", "centric.quotes.api.deal_products_router", tags=("catalogue",))
register_api("/tax-rates", "centric.quotes.api.tax_rates_router", tags=("catalogue",))
register_panel(
    "quotes.quote",
    Panel(
        key="quote_lines",
        label=_("Lines"),
        template="quotes/partials/lines_panel.html",
        context=panels.lines_panel,
        position=10,
    ),
)
register_panel(
    "sales.deal",
    Panel(
        key="deal_products",
        label=_("Products"),
        template="quotes/partials/deal_products.html",
        context=panels.deal_products,
        position=25,
    ),
)
register_panel(
    "sales.deal",
    Panel(
        key="deal_quotes",
        label=_("Quotes"),
        template="quotes/partials/deal_quotes.html",
        context=panels.deal_quotes,
        position=30,
    ),
)


def _has_accepted_quote(deal: Any) -> bool:
    return Quote.objects.filter(deal_id=deal.pk, status=QuoteStatus.ACCEPTED).exists()


# "Closed won" may require an accepted quote (set on the pipeline's page).
register_requirement("accepted_quote", _("an accepted quote"), _has_accepted_quote)

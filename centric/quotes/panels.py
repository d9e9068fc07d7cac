"""A quote's page: its lines with the form to add one, and its actions (PDF, send, accept)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from centric.core.kit.pages import DetailAction
from centric.quotes.models import Product, Quote, QuoteStatus
from centric.quotes.pdf import quote_context


def detail_actions(request: HttpRequest, record: Any) -> list[DetailAction]:
    if not isinstance(record, Quote):
        return []
    return [DetailAction(_("PDF"), reverse("quotes:quote_pdf", args=[record.pk]), icon="file-text")]


def lines_panel(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    if not isinstance(record, Quote):
        return None
    editable = record.status in (QuoteStatus.DRAFT, QuoteStatus.SENT) and (
        Quote.objects.visible_to(request.user, "change").filter(pk=record.pk).exists()
    )
    context = quote_context(record)
    context.update(
        editable=editable,
        products=Product.objects.filter(is_active=True).order_by("name") if editable else [],
        customer_email=getattr(context["customer"], "primary_email", ""),
    )
    return context


def deal_quotes(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """A deal's quotes, with a button to make one from the deal."""
    if record is None:
        return None
    quotes = list(
        Quote.objects.visible_to(request.user)
        .filter(deal_id=record.pk)
        .order_by("-created_at")[:10]
    )
    return {
        "quotes": quotes,
        "create_url": f"{reverse('quotes:quote_create')}?{urlencode({'deal': record.pk, 'title': str(record)})}",
    }


def deal_products(request: HttpRequest, record: models.Model | None) -> dict[str, Any] | None:
    """What the deal sells: its products, their sum, and the form to add one."""
    from centric.quotes.deal_products import deal_products_total
    from centric.quotes.money import format_money
    from centric.sales.models import Deal

    if not isinstance(record, Deal):
        return None
    may_change = Deal.objects.visible_to(request.user, "change").filter(pk=record.pk).exists()
    lines = list(record.products.select_related("product"))
    return {
        "deal": record,
        "lines": [(line, format_money(line.amount, record.currency)) for line in lines],
        "total": format_money(deal_products_total(record), record.currency) if lines else "",
        "products": Product.objects.filter(is_active=True).order_by("name") if may_change else [],
        "may_change": may_change,
    }

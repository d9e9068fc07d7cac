"""The quote as a PDF that looks like a business document: the business's name, logo and
details, the customer, the lines and the totals. WeasyPrint renders an HTML template; it may
read nothing but the logo file the business configured (no URL is ever fetched)."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from centric.quotes.models import Quote
from centric.quotes.money import format_money


def _logo() -> str:
    """The configured logo (CENTRIC_BUSINESS_LOGO, a file on the server) as a data URI."""
    path = Path(str(getattr(settings, "CENTRIC_BUSINESS_LOGO", "") or ""))
    if not path.is_file() or path.stat().st_size > 2_000_000:
        return ""
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"The quote PDF fetches nothing ({url[:40]}).")


def quote_context(quote: Quote) -> dict[str, Any]:
    money = lambda amount: format_money(amount, quote.currency)  # noqa: E731
    lines = [
        {
            "line": line,
            "unit_price": money(line.unit_price),
            "net": money(line.net),
            "total": money(line.total),
        }
        for line in quote.lines.all()
    ]
    taxes: dict[str, Any] = {}
    for line in quote.lines.all():
        if line.tax:
            label = line.tax_name or f"{line.tax_rate.normalize()}%"
            taxes[label] = taxes.get(label, 0) + line.tax
    return {
        "quote": quote,
        "lines": lines,
        "subtotal": money(quote.subtotal),
        "discount": money(quote.discount_total) if quote.discount_total else "",
        "taxes": [(label, money(amount)) for label, amount in taxes.items()],
        "total": money(quote.total),
        "business": {
            "name": settings.CENTRIC_BUSINESS_NAME,
            "address": getattr(settings, "CENTRIC_BUSINESS_ADDRESS", ""),
            "phone": getattr(settings, "CENTRIC_BUSINESS_PHONE", ""),
            "email": getattr(settings, "CENTRIC_BUSINESS_EMAIL", ""),
            "tax_id": getattr(settings, "CENTRIC_BUSINESS_TAX_ID", ""),
            "logo": _logo(),
        },
        "customer": quote.organisation or quote.person,
        "attention": quote.person if quote.organisation else None,
    }


def quote_pdf(quote: Quote) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("quotes/pdf.html", quote_context(quote))
    pdf: bytes = HTML(string=html, url_fetcher=_refuse).write_pdf()
    return pdf

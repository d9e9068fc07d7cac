"""Sending a quote: an email through Django's email backend with the PDF attached and the
customer's acceptance link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _

from centric.quotes.links import acceptance_token
from centric.quotes.models import Quote
from centric.quotes.money import format_money
from centric.quotes.pdf import quote_pdf


def acceptance_url(quote: Quote) -> str:
    return settings.CENTRIC_BASE_URL + reverse("quotes:accept", args=[acceptance_token(quote)])


def send_quote_email(quote: Quote, *, to: str, message: str = "") -> None:
    name = str(quote.person.first_name if quote.person else quote.organisation or "")
    lines = [
        _("Dear %(name)s,") % {"name": name} if name else _("Hello,"),
        "",
        message.strip()
        or _("Please find our quote %(number)s for %(title)s attached.")
        % {"number": quote.number, "title": quote.title},
        "",
        _("Total: %(total)s") % {"total": format_money(quote.total, quote.currency)},
    ]
    if quote.valid_until:
        lines.append(_("Valid until %(day)s.") % {"day": quote.valid_until.strftime("%d %B %Y")})
    lines += [
        "",
        _("To accept it, open this link:"),
        acceptance_url(quote),
        "",
        str(settings.CENTRIC_BUSINESS_NAME),
    ]
    email = EmailMessage(
        subject=_("Quote %(number)s from %(business)s")
        % {"number": quote.number, "business": settings.CENTRIC_BUSINESS_NAME},
        body="\n".join(lines),
        to=[to],
    )
    email.attach(f"{quote.number}.pdf", quote_pdf(quote), "application/pdf")
    email.send()

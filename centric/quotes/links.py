"""The customer's acceptance link: signed, for one quote as it was sent, until it expires.

The token signs the quote's id and its `link_nonce`; sending the quote again or accepting it
changes the nonce, so an older link, or the same link a second time, no longer accepts. The
signature's age is checked against the quote's validity (and at most `MAX_AGE_DAYS`).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.utils import timezone

from centric.quotes.models import Quote

SALT = "centric.quotes.accept"
MAX_AGE_DAYS = 90


def acceptance_token(quote: Quote) -> str:
    return signing.dumps({"q": quote.pk, "n": quote.link_nonce}, salt=SALT, compress=True)


def quote_for_token(token: str) -> tuple[Quote | None, str]:
    """The quote a token opens and "" — or None and why not ("invalid", "expired", "used")."""
    try:
        data = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=MAX_AGE_DAYS))
    except signing.SignatureExpired:
        return None, "expired"
    except signing.BadSignature:
        return None, "invalid"
    quote = Quote.objects.select_related("person", "organisation").filter(pk=data.get("q")).first()
    if quote is None:
        return None, "invalid"
    if quote.link_nonce != data.get("n") or not quote.link_nonce:
        return quote, "used"
    if quote.valid_until is not None and quote.valid_until < timezone.localdate():
        return quote, "expired"
    return quote, ""

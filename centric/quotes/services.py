"""The one write path of quotes (pages, API, demo and tests call these).

A quote is built from the catalogue (the price list's prices, the products' tax rates) or typed
lines, its amounts worked out by `quotes.pricing`; it is edited while it is a draft (editing a
sent one makes it a draft again and its link stops working), sent by email with its PDF, and
accepted once — by the customer from the signed link, or marked accepted by staff.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.kit.services import (
    UNSET,
    bump_version,
    check_version,
    clean_custom_fields,
    default_ownership,
    delete_record,
    is_set,
    lock,
    save_record,
    set_given,
    set_tags,
)
from centric.quotes.models import Price, PriceList, Product, Quote, QuoteLine, QuoteStatus
from centric.quotes.pricing import line_amounts, totals
from centric.sales.models import Deal

VALID_DAYS = 30
MAX_LINES = 200


def _customer_from_deal(quote: Quote) -> None:
    deal = quote.deal
    if deal is None:
        return
    if quote.person_id is None and quote.organisation_id is None:
        quote.person_id, quote.organisation_id = deal.person_id, deal.organisation_id


def _for_someone(quote: Quote) -> None:
    """A draft may wait for its customer; sending or accepting one needs them."""
    if quote.person_id is None and quote.organisation_id is None:
        raise ValidationError(
            {"person": _("Say who the quote is for: a person or an organisation.")}
        )


def _check(quote: Quote) -> None:
    if quote.price_list is not None and quote.price_list.currency != quote.currency:
        raise ValidationError(
            {
                "currency": _("The price list is in %(currency)s.")
                % {"currency": quote.price_list.currency}
            }
        )
    if quote.valid_until is not None and quote.valid_until < quote.issued_on:
        raise ValidationError(
            {"valid_until": _("A quote is valid until a day after it is issued.")}
        )


@transaction.atomic
def quote_create(
    *,
    actor: Any,
    title: str,
    deal: Deal | None = None,
    person: Any = None,
    organisation: Any = None,
    price_list: PriceList | None = None,
    currency: str | None = None,
    issued_on: dt.date | None = None,
    valid_until: dt.date | None = None,
    notes: str = "",
    terms: str = "",
    owner: Any = None,
    team: Any = None,
    external_id: str | None = None,
    custom_fields: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Quote:
    """A draft quote, for the deal's customer when made from a deal, in the price list's
    currency (else the deal's, else NGN), valid 30 days unless said."""
    quote = Quote(owner=owner, team=team, number=f"draft-{uuid.uuid4().hex[:20]}")
    issued = issued_on or timezone.localdate()
    set_given(
        quote,
        title=title,
        deal=deal,
        person=person,
        organisation=organisation,
        price_list=price_list,
        currency=(
            currency
            or (price_list.currency if price_list else None)
            or (deal.currency if deal else "NGN")
        ).upper(),
        issued_on=issued,
        valid_until=valid_until or issued + dt.timedelta(days=VALID_DAYS),
        notes=notes or "",
        terms=terms or "",
        external_id=external_id,
    )
    if deal is not None and owner is None:
        quote.owner_id, quote.team_id = deal.owner_id, deal.team_id
    _customer_from_deal(quote)
    default_ownership(quote, actor)
    quote.custom_fields = clean_custom_fields(quote, custom_fields)
    _check(quote)
    save_record(quote, actor=actor)
    Quote.objects.filter(pk=quote.pk).update(number=f"Q-{issued.year}-{quote.pk:05d}")
    quote.number = f"Q-{issued.year}-{quote.pk:05d}"
    set_tags(quote, tags)
    if deal is not None and quote.currency == deal.currency:
        _lines_from_deal(quote, deal, actor)
    return quote


def _lines_from_deal(quote: Quote, deal: Deal, actor: Any) -> None:
    """A quote made from a deal starts with the deal's products."""
    for item in deal.products.select_related("product__tax_rate"):
        quote_line_add(
            quote,
            actor=actor,
            product=item.product,
            quantity=item.quantity,
            unit_price=item.unit_price,
        )
    quote.refresh_from_db()


def _editable(quote: Quote) -> None:
    if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.DECLINED):
        raise ValidationError(
            _("This quote is %(status)s: make a new one instead.")
            % {"status": quote.get_status_display().lower()}
        )


def _reopen(quote: Quote) -> None:
    """A sent quote that changes is a draft again; the link sent with it stops working."""
    if quote.status == QuoteStatus.SENT:
        quote.status = QuoteStatus.DRAFT
        quote.link_nonce = ""


@transaction.atomic
def quote_update(
    quote: Quote,
    *,
    actor: Any,
    expected_version: int | None = None,
    title: str = UNSET,
    deal: Deal | None = UNSET,
    person: Any = UNSET,
    organisation: Any = UNSET,
    price_list: PriceList | None = UNSET,
    currency: str = UNSET,
    issued_on: dt.date = UNSET,
    valid_until: dt.date | None = UNSET,
    notes: str = UNSET,
    terms: str = UNSET,
    owner: Any = UNSET,
    team: Any = UNSET,
    external_id: str | None = UNSET,
    custom_fields: dict[str, Any] | None = UNSET,
    tags: list[str] | None = UNSET,
) -> Quote:
    quote = lock(Quote, quote.pk)
    check_version(quote, expected_version)
    _editable(quote)
    if (
        is_set(currency)
        and currency
        and currency.upper() != quote.currency
        and quote.lines.exists()
    ):
        raise ValidationError({"currency": _("Remove the lines before changing the currency.")})
    set_given(
        quote,
        title=title,
        deal=deal,
        person=person,
        organisation=organisation,
        price_list=price_list,
        currency=currency.upper() if is_set(currency) and currency else UNSET,
        issued_on=issued_on,
        valid_until=valid_until,
        notes=notes if notes is not None else UNSET,
        terms=terms if terms is not None else UNSET,
        owner=owner,
        team=team,
        external_id=external_id,
    )
    _customer_from_deal(quote)
    if is_set(custom_fields):
        quote.custom_fields = clean_custom_fields(quote, custom_fields, partial=True)
    _check(quote)
    _reopen(quote)
    bump_version(quote)
    save_record(quote, actor=actor)
    if is_set(tags):
        set_tags(quote, tags)
    return quote


@transaction.atomic
def quote_delete(quote: Quote, *, actor: Any) -> None:
    if quote.status == QuoteStatus.ACCEPTED:
        raise ValidationError(_("An accepted quote is kept; it cannot be deleted."))
    delete_record(quote, actor=actor)


def _recalculate(quote: Quote) -> None:
    lines = list(quote.lines.all())
    summed = totals(
        [
            line_amounts(
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tax_rate=line.tax_rate,
                currency=quote.currency,
            )
            for line in lines
        ]
    )
    quote.subtotal, quote.discount_total = summed.subtotal, summed.discount
    quote.tax_total, quote.total = summed.tax, summed.total


def _price(quote: Quote, product: Product) -> Decimal:
    if quote.price_list is None:
        raise ValidationError(
            {"unit_price": _("Give the unit price: the quote has no price list.")}
        )
    price = Price.objects.filter(price_list=quote.price_list, product=product).first()
    if price is None:
        raise ValidationError(
            {
                "unit_price": _(
                    "“%(product)s” is not on the price list %(list)s; give its unit price."
                )
                % {"product": product.name, "list": quote.price_list.name}
            }
        )
    return price.unit_price


def _fill(line: QuoteLine, quote: Quote) -> None:
    amounts = line_amounts(
        quantity=line.quantity,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        tax_rate=line.tax_rate,
        currency=quote.currency,
    )
    line.net, line.discount, line.tax, line.total = (
        amounts.net,
        amounts.discount,
        amounts.tax,
        amounts.total,
    )


def _save_quote(quote: Quote, actor: Any) -> Quote:
    _recalculate(quote)
    _reopen(quote)
    bump_version(quote)
    save_record(quote, actor=actor)
    return quote


@transaction.atomic
def quote_line_add(
    quote: Quote,
    *,
    actor: Any,
    product: Product | None = None,
    description: str = "",
    quantity: Decimal = Decimal(1),
    unit_price: Decimal | None = None,
    discount_percent: Decimal = Decimal(0),
    tax_rate: Decimal | None = None,
    expected_version: int | None = None,
) -> QuoteLine:
    """A line from the catalogue (its price list price and its tax) or typed by hand."""
    quote = lock(Quote, quote.pk)
    check_version(quote, expected_version)
    _editable(quote)
    if quote.lines.count() >= MAX_LINES:
        raise ValidationError(_("A quote has at most %(n)s lines.") % {"n": MAX_LINES})
    if product is not None and not product.is_active:
        raise ValidationError({"product": _("This product is no longer sold.")})
    tax_name = ""
    if tax_rate is None:
        rate = product.tax_rate if product is not None else None
        tax_rate = rate.rate if rate is not None else Decimal(0)
        tax_name = rate.name if rate is not None else ""
    line = QuoteLine(
        quote=quote,
        position=quote.lines.count(),
        product=product,
        description=(description or (product.name if product else "")).strip(),
        quantity=quantity,
        unit_price=unit_price
        if unit_price is not None
        else (_price(quote, product) if product else Decimal(-1)),
        discount_percent=discount_percent,
        tax_rate=tax_rate,
        tax_name=tax_name,
    )
    if line.unit_price < 0:
        raise ValidationError({"unit_price": _("Give the unit price.")})
    if not line.description:
        raise ValidationError({"description": _("Say what the line is for.")})
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity is more than 0.")})
    _fill(line, quote)
    line.full_clean()
    line.save()
    _save_quote(quote, actor)
    return line


@transaction.atomic
def quote_line_remove(line: QuoteLine, *, actor: Any) -> Quote:
    quote = lock(Quote, line.quote_id)
    _editable(quote)
    line.delete()
    for position, rest in enumerate(quote.lines.all()):
        if rest.position != position:
            QuoteLine.objects.filter(pk=rest.pk).update(position=position)
    return _save_quote(quote, actor)


def _timeline(
    quote: Quote,
    *,
    actor: Any,
    subject: str,
    summary: str,
    key: str,
    kind: str,
    channel: str,
    direction: str,
) -> None:
    from centric.interactions.services import interaction_create

    if quote.person_id is None and quote.organisation_id is None:
        return
    links: list[Any] = []
    if quote.deal_id and (
        actor is None or Deal.objects.visible_to(actor).filter(pk=quote.deal_id).exists()
    ):
        links.append(quote.deal)
    interaction_create(
        actor=actor,
        links=links,
        channel=channel,
        kind=kind,
        direction=direction,
        person_id=quote.person_id,
        organisation_id=quote.organisation_id,
        subject=subject,
        summary=summary,
        external_id=key,
    )


@transaction.atomic
def quote_send(quote: Quote, *, actor: Any, to: str = "", message: str = "") -> Quote:
    """Email the quote with its PDF and the customer's acceptance link; it is then "sent" and
    only the link in this email accepts it."""
    from centric.quotes.mail import send_quote_email

    quote = lock(Quote, quote.pk)
    _editable(quote)
    _for_someone(quote)
    if not quote.lines.exists():
        raise ValidationError(_("Add at least one line before sending the quote."))
    if quote.is_expired:
        raise ValidationError(
            {"valid_until": _("The quote has expired: give it a new “valid until” first.")}
        )
    recipient = (to or "").strip() or _customer_email(quote)
    if not recipient:
        raise ValidationError({"to": _("The customer has no email address: give one to send to.")})
    quote.status = QuoteStatus.SENT
    quote.link_nonce = secrets.token_hex(16)
    quote.sent_at = timezone.now()
    quote.sent_to = recipient
    bump_version(quote)
    save_record(quote, actor=actor)
    send_quote_email(quote, to=recipient, message=message)
    _timeline(
        quote,
        actor=actor,
        subject=_("Quote %(number)s sent") % {"number": quote.number},
        summary=quote.title,
        key=f"quote-{quote.pk}-sent-{quote.link_nonce}",
        kind="email",
        channel="email",
        direction="outbound",
    )
    return quote


def _customer_email(quote: Quote) -> str:
    for record in (quote.person, quote.organisation):
        email = getattr(record, "primary_email", "") if record is not None else ""
        if email:
            return str(email)
    return ""


def _accept(quote: Quote, *, actor: Any, name: str, via: str) -> Quote:
    quote.status = QuoteStatus.ACCEPTED
    quote.accepted_at = timezone.now()
    quote.accepted_by = name.strip()[:200]
    quote.accepted_via = via
    quote.link_nonce = ""  # no link accepts it again
    bump_version(quote)
    save_record(quote, actor=actor)
    from centric.quotes.hooks import quote_accepted

    quote_accepted(quote, actor)
    _timeline(
        quote,
        actor=actor,
        subject=_("Quote %(number)s accepted") % {"number": quote.number},
        summary=_("By %(name)s") % {"name": quote.accepted_by},
        key=f"quote-{quote.pk}-accepted",
        kind="system",
        channel="portal" if via == "link" else "other",
        direction="inbound" if via == "link" else "internal",
    )
    return quote


@transaction.atomic
def quote_accept_by_link(token: str, *, name: str) -> Quote:
    """The customer accepts from the emailed link: once, before it expires, and only the quote
    as it was sent."""
    from centric.quotes.links import quote_for_token

    found, problem = quote_for_token(token)
    if found is None or problem == "invalid":
        raise ValidationError(_("This link is not valid."))
    quote = lock(Quote, found.pk)
    if quote.status == QuoteStatus.ACCEPTED:
        raise ValidationError(_("This quote was accepted already."))
    _again, problem = quote_for_token(token)  # under the lock: the nonce as it is now
    if problem == "used":
        raise ValidationError(
            _("This link is out of date: the quote has changed. Ask for the new one.")
        )
    if problem == "expired":
        raise ValidationError(_("This quote has expired. Ask for a new one."))
    if not name.strip():
        raise ValidationError({"name": _("Type your name to accept.")})
    return _accept(quote, actor=None, name=name, via="link")


@transaction.atomic
def quote_mark_accepted(quote: Quote, *, actor: Any, name: str = "") -> Quote:
    """Staff record that the customer accepted (by phone, in the shop, on WhatsApp)."""
    quote = lock(Quote, quote.pk)
    _editable(quote)
    _for_someone(quote)
    if not quote.lines.exists():
        raise ValidationError(_("A quote without lines cannot be accepted."))
    return _accept(
        quote, actor=actor, name=name or _("recorded by %(who)s") % {"who": actor}, via="staff"
    )


@transaction.atomic
def quote_decline(quote: Quote, *, actor: Any) -> Quote:
    quote = lock(Quote, quote.pk)
    _editable(quote)
    quote.status = QuoteStatus.DECLINED
    quote.link_nonce = ""
    bump_version(quote)
    return save_record(quote, actor=actor)

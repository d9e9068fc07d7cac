"""Quotes' own pages: the lines and actions on a quote's page, its PDF, the customer's
acceptance page (no sign-in: the signed link is the key) and the catalogue."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from centric.core.errors import ConcurrentEditError
from centric.core.visibility import has_model_permission
from centric.quotes.links import quote_for_token
from centric.quotes.models import Price, PriceList, Product, Quote, QuoteLine, TaxRate
from centric.quotes.pdf import quote_context, quote_pdf
from centric.quotes.services import (
    quote_accept_by_link,
    quote_decline,
    quote_line_add,
    quote_line_remove,
    quote_mark_accepted,
    quote_send,
)


def _number(text: str, field: str, default: Decimal | None = None) -> Decimal | None:
    text = (text or "").replace(",", "").strip()
    if not text:
        return default
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError({field: _("Give a number, e.g. 2 or 1500.50.")}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({field: _("Give a number, e.g. 2 or 1500.50.")})
    return value


def _changeable(request: HttpRequest, pk: int) -> Quote:
    quote = Quote.objects.visible_to(request.user, "change").filter(pk=pk).first()
    if quote is None or not has_model_permission(request.user, Quote, "change"):
        raise Http404
    return quote


def _failed(request: HttpRequest, error: Exception) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


@login_required
@require_POST
def quote_action(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote page's buttons: add or remove a line, send, mark accepted, decline."""
    quote = _changeable(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "add_line":
            product = None
            if request.POST.get("product"):
                product = Product.objects.filter(pk=request.POST["product"], is_active=True).first()
                if product is None:
                    raise ValidationError({"product": _("Choose a product from the list.")})
            quote_line_add(
                quote,
                actor=request.user,
                product=product,
                description=request.POST.get("description", ""),
                quantity=_number(request.POST.get("quantity", ""), "quantity", Decimal(1))
                or Decimal(0),
                unit_price=_number(request.POST.get("unit_price", ""), "unit_price"),
                discount_percent=_number(
                    request.POST.get("discount_percent", ""), "discount_percent", Decimal(0)
                )
                or Decimal(0),
            )
            messages.success(request, _("Line added."))
        elif action == "remove_line":
            line = get_object_or_404(QuoteLine, pk=request.POST.get("line") or 0, quote=quote)
            quote_line_remove(line, actor=request.user)
            messages.success(request, _("Line removed."))
        elif action == "send":
            sent = quote_send(
                quote,
                actor=request.user,
                to=request.POST.get("to", ""),
                message=request.POST.get("message", ""),
            )
            messages.success(
                request, _("Quote sent to %(to)s with its PDF.") % {"to": sent.sent_to}
            )
        elif action == "accept":
            quote_mark_accepted(quote, actor=request.user, name=request.POST.get("name", ""))
            messages.success(request, _("Quote marked accepted."))
        elif action == "decline":
            quote_decline(quote, actor=request.user)
            messages.success(request, _("Quote marked declined."))
        else:
            messages.error(request, _("Unknown action."))
    except (ValidationError, ConcurrentEditError) as error:
        _failed(request, error)
    return redirect("quotes:quote_detail", pk=quote.pk)


@login_required
def quote_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    quote = Quote.objects.visible_to(request.user).filter(pk=pk).first()
    if quote is None:
        raise Http404
    response = HttpResponse(quote_pdf(quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response


def quote_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page from the emailed link: the quote, and a button to accept it."""
    quote, problem = quote_for_token(token)
    words = {
        "invalid": _("This link is not valid."),
        "expired": _("This quote has expired. Ask us for a new one."),
        "used": _("This link is no longer valid: the quote was accepted or changed since."),
    }
    context: dict[str, Any] = {"business_name": settings.CENTRIC_BUSINESS_NAME, "quote": quote}
    if quote is not None and quote.accepted_at and problem == "used":
        context.update(done=True)
        return render(request, "quotes/accept.html", context)
    if problem:
        context.update(problem=words[problem])
        return render(
            request, "quotes/accept.html", context, status=404 if problem == "invalid" else 410
        )
    if request.method == "POST":
        try:
            quote = quote_accept_by_link(token, name=request.POST.get("name", ""))
        except ValidationError as error:
            context.update(problem=" ".join(error.messages))
            return render(request, "quotes/accept.html", context, status=409)
        context.update(done=True, quote=quote)
        return render(request, "quotes/accept.html", context)
    assert quote is not None
    context.update(quote_context(quote))
    return render(request, "quotes/accept.html", context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Products, their prices on each price list, and the tax rates (administrators change)."""
    if not has_model_permission(request.user, Quote, "view"):
        return render(request, "403.html", status=403)
    may_change = has_model_permission(request.user, Product, "change")
    if request.method == "POST":
        if not may_change:
            return render(request, "403.html", status=403)
        try:
            _catalogue_change(request)
        except ValidationError as error:
            _failed(request, error)
        else:
            messages.success(request, _("Catalogue saved."))
        return redirect("quotes:catalogue")
    price_lists = list(PriceList.objects.filter(is_active=True))
    prices = {(p.price_list_id, p.product_id): p.unit_price for p in Price.objects.all()}
    products = [
        {"product": product, "prices": [prices.get((pl.pk, product.pk)) for pl in price_lists]}
        for product in Product.objects.select_related("tax_rate").filter(is_active=True)
    ]
    return render(
        request,
        "quotes/catalogue.html",
        {
            "products": products,
            "price_lists": price_lists,
            "tax_rates": TaxRate.objects.filter(is_active=True),
            "may_change": may_change,
        },
    )


def _catalogue_change(request: HttpRequest) -> None:
    from centric.quotes.catalogue import price_set, product_create

    form = request.POST
    if form.get("action") == "product":
        tax = TaxRate.objects.filter(pk=form.get("tax_rate") or 0).first()
        product = product_create(
            code=form.get("code", ""),
            name=form.get("name", ""),
            unit=form.get("unit", ""),
            tax_rate=tax,
        )
        for price_list in PriceList.objects.filter(is_active=True):
            amount = _number(form.get(f"price_{price_list.pk}", ""), "unit_price")
            if amount is not None:
                price_set(price_list=price_list, product=product, unit_price=amount)
    elif form.get("action") == "price":
        price_list = get_object_or_404(PriceList, pk=form.get("price_list") or 0)
        product = get_object_or_404(Product, pk=form.get("product") or 0)
        amount = _number(form.get("unit_price", ""), "unit_price")
        if amount is None:
            raise ValidationError({"unit_price": _("Give the unit price.")})
        price_set(price_list=price_list, product=product, unit_price=amount)


@login_required
@require_POST
def deal_products_edit(request: HttpRequest, deal_pk: int) -> HttpResponse:
    """Add a product to a deal or take one off; "set the amount" makes the deal's amount their
    sum."""
    from centric.quotes.deal_products import deal_product_add, deal_product_remove
    from centric.sales.models import Deal

    deal = get_object_or_404(Deal.objects.visible_to(request.user, "change"), pk=deal_pk)
    update_amount = request.POST.get("update_amount") == "on"
    try:
        if request.POST.get("remove"):
            remove = request.POST["remove"]
            deal_product_remove(
                deal=deal,
                line_id=int(remove) if remove.isdigit() else 0,
                actor=request.user,
                update_amount=update_amount,
            )
        else:
            product = Product.objects.filter(pk=request.POST.get("product") or 0).first()
            if product is None:
                raise ValidationError({"product": _("Choose a product from the list.")})
            deal_product_add(
                deal=deal,
                product=product,
                quantity=_number(request.POST.get("quantity", ""), "quantity", Decimal(1))
                or Decimal(0),
                unit_price=_number(request.POST.get("unit_price", ""), "unit_price"),
                actor=request.user,
                update_amount=update_amount,
            )
        messages.success(request, _("Products saved."))
    except (ValidationError, ConcurrentEditError) as error:
        _failed(request, error)
    return redirect("sales:deal_detail", pk=deal.pk)

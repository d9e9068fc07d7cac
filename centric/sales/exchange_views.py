"""The exchange rates page: today's rate of each currency the deals use, the rates kept, and
setting one (what `GET|PUT /api/v1/exchange-rates` do, through the same service)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from centric.core.visibility import has_model_permission
from centric.sales.exchange import base_currency, exchange_rate_set, rates_on
from centric.sales.models import Deal, ExchangeRate

SHOWN = 200


def _posted_rate(request: HttpRequest) -> tuple[str, Decimal, dt.date]:
    """The form's currency, rate and day, or a ValidationError naming the field."""
    currency = request.POST.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise ValidationError({"currency": _("Give the currency as its ISO code, e.g. USD.")})
    text = request.POST.get("rate", "").strip().replace(",", "")
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise ValidationError({"rate": _("Give the rate as a number, e.g. 1550.25.")}) from None
    if not rate.is_finite() or rate <= 0 or rate.as_tuple().exponent < -8:  # type: ignore[operator]  # finite: an int
        raise ValidationError(
            {"rate": _("Give a rate more than 0, with at most 8 decimal places.")}
        )
    try:
        valid_on = dt.date.fromisoformat(request.POST.get("valid_on", "").strip())
    except ValueError:
        raise ValidationError({"valid_on": _("Give the day the rate applies from.")}) from None
    return currency, rate, valid_on


@login_required
def exchange_rates(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, Deal, "view"):
        return render(request, "403.html", status=403)
    can_set = has_model_permission(request.user, ExchangeRate, "add")
    if request.method == "POST":
        if not can_set:
            return render(request, "403.html", status=403)
        try:
            currency, rate, valid_on = _posted_rate(request)
            exchange_rate_set(currency=currency, rate=rate, valid_on=valid_on)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("1 %(currency)s = %(rate)s %(base)s from %(day)s.")
                % {"currency": currency, "rate": rate, "base": base_currency(), "day": valid_on},
            )
            return redirect("sales:exchange_rates")
    today = timezone.localdate()
    kept = list(ExchangeRate.objects.order_by("currency", "-valid_on")[:SHOWN])
    used = set(Deal.objects.order_by().values_list("currency", flat=True).distinct()[:50])
    currencies = sorted((used | {rate.currency for rate in kept}) - {base_currency()})
    current = rates_on(today, currencies)
    return render(
        request,
        "sales/exchange_rates.html",
        {
            "title": _("Exchange rates"),
            "base_currency": base_currency(),
            "today_rates": [(c, current.get(c)) for c in currencies],
            "rates": kept,
            "can_set": can_set,
            "today": today,
            "posted": request.POST if request.method == "POST" else {},
        },
    )

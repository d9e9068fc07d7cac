"""Money: decimals only, rounded to the currency's minor unit (half up, as on a receipt)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# ISO 4217 minor units that are not 2 (every other currency has 2).
MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3,
    "JPY": 0, "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0,
    "TND": 3, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}  # fmt: skip
SYMBOLS = {"NGN": "₦", "USD": "$", "EUR": "€", "GBP": "£", "GHS": "GH₵", "KES": "KSh"}


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get(currency.upper(), 2)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to the currency's minor unit (₦1.005 → ₦1.01; ¥10.5 → ¥11)."""
    places = minor_unit(currency)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """₦1,075,000.00 — the symbol when known, else the code."""
    places = minor_unit(currency)
    text = f"{round_money(amount, currency):,.{places}f}"
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{currency.upper()} {text}"

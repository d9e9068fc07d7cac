"""Normalising what people type: phone numbers, emails, names.

Every channel, importer and search goes through these functions, so "0803 123 4567",
"+2348031234567" and "234-803-123-4567" become the same E.164 string everywhere.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def default_region() -> str:
    return settings.CENTRIC_DEFAULT_REGION


def normalise_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of a phone number, or raise ValidationError.

    A number written with its country code but without "+" (234-803-…) is read as international
    when reading it in the default region fails.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if len(text) > 40:
        raise ValidationError(_("This phone number is too long."), code="max_length")
    region = (region or default_region()).upper()
    candidates = [text]
    digits = "".join(_DIGITS.findall(text))
    if not text.startswith("+") and digits and not digits.startswith("0"):
        candidates.append("+" + digits)
    if text.startswith("00"):
        candidates.insert(0, "+" + digits[2:])
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValidationError(
        _("“%(value)s” is not a valid phone number.") % {"value": text}, code="invalid_phone"
    )


def try_normalise_phone(raw: str, region: str | None = None) -> str | None:
    try:
        return normalise_phone(raw, region)
    except ValidationError:
        return None


def format_phone(e164: str) -> str:
    """Human-friendly international form for display."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_email(raw: str) -> str:
    """Return a validated, lower-cased email address, or raise ValidationError.

    Deliverability (DNS) is not checked: the machines may be offline, and a typo is caught by
    syntax rules and, later, by bounces.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter an email address."), code="required")
    if len(text) > 254:
        raise ValidationError(_("This email address is too long."), code="max_length")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid email address: %(reason)s")
            % {"value": text, "reason": str(error)},
            code="invalid_email",
        ) from error
    return result.normalized.lower()


def try_normalise_email(raw: str) -> str | None:
    try:
        return normalise_email(raw)
    except ValidationError:
        return None


def fold_text(text: str) -> str:
    """Accent- and case-insensitive form of a name for search: "Adébáyọ̀ " -> "adebayo"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    try:
        from unidecode import unidecode

        stripped = unidecode(stripped)
    except ImportError:  # pragma: no cover - unidecode is a dependency
        pass
    return _SPACES.sub(" ", stripped.casefold()).strip()


def looks_like_phone(text: str) -> bool:
    digits = "".join(_DIGITS.findall(text))
    return len(digits) >= 6 and len(digits) >= len(re.sub(r"[\s\-().+/]", "", text)) - 1

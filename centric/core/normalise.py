"""Normalising what people type: phone numbers, emails, names.

Every channel, importer and search goes through these functions, so "0803 123 4567",
"+2348031234567" and "234-803-123-4567" become the same E.164 string everywhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import email_validator
import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import ATEXT, DOT_ATOM_TEXT, EMAIL_MAX_LENGTH
from email_validator.syntax import validate_email_domain_name

_DIGITS = re.compile(r"\d")
_SPACES = re.compile(r"\s+")


def default_region() -> str:
    return settings.CENTRIC_DEFAULT_REGION


@dataclass(frozen=True)
class NumberingPlanChange:
    """A numbering plan a country replaced: a national (significant) number of `country_code`
    that fully matches `old` was rewritten to `new` (a `re` replacement) on `effective`."""

    region: str
    country: Any  # the country's name, translatable
    country_code: int
    old: re.Pattern[str]
    new: str
    effective: dt.date

    def rewrite(self, national: str) -> str | None:
        """The national number in the current plan, or None when `old` does not describe it."""
        match = self.old.fullmatch(national)
        return match.expand(self.new) if match else None


# Numbering plans replaced since records were typed: a number that is invalid today and matches
# a row's old form is read as that row's current form (when that is valid). Other countries'
# changes join as rows.
SUPERSEDED_NUMBERING_PLANS: tuple[NumberingPlanChange, ...] = (
    # The Nigerian Communications Commission's plan: from 1 January 2024 geographic (landline)
    # numbers take "20" before the area code — Lagos 01 xxx xxxx is 0201 xxx xxxx, Abuja 09 is
    # 0209, Ibadan 02 is 0202, Port Harcourt 084 is 02084. Old numbers had eight digits: a
    # one-digit area code (1, 2, 9) and seven, or two digits and six; no subscriber number
    # started with 0 or 1 (which keeps a short mobile such as 0905 123 45 out).
    NumberingPlanChange(
        region="NG",
        country=gettext_lazy("Nigeria"),
        country_code=234,
        old=re.compile(r"([129][2-9]\d{6}|[3-8]\d[2-9]\d{5})"),
        new=r"20\1",
        effective=dt.date(2024, 1, 1),
    ),
)
_PLAN_CHANGES: dict[int, list[NumberingPlanChange]] = {}
for _change in SUPERSEDED_NUMBERING_PLANS:
    _PLAN_CHANGES.setdefault(_change.country_code, []).append(_change)


@dataclass(frozen=True)
class PhoneReading:
    """A phone number as read: its E.164 form and, when it was written in a superseded plan and
    rewritten to the current one, that plan change."""

    typed: str
    e164: str
    plan_change: NumberingPlanChange | None = None

    @property
    def rewritten(self) -> bool:
        return self.plan_change is not None

    def note(self) -> str:
        """What happened, in words for a report ("" when nothing was rewritten)."""
        if self.plan_change is None:
            return ""
        return _(
            "“%(typed)s” was written in the numbering plan %(country)s replaced on %(date)s; "
            "rewritten as %(number)s."
        ) % {
            "typed": self.typed,
            "country": self.plan_change.country,
            "date": formats.date_format(self.plan_change.effective, "j F Y"),
            "number": format_phone(self.e164),
        }


def normalise_phone(raw: str, region: str | None = None) -> str:
    """Return the E.164 form of a phone number, or raise ValidationError.

    A number written with its country code but without "+" (234-803-…) is read as international
    when reading it in the default region fails; one written in a superseded numbering plan is
    rewritten to the current plan (`read_phone` says when).
    """
    return read_phone(raw, region).e164


def read_phone(raw: str, region: str | None = None) -> PhoneReading:
    """`normalise_phone`, saying whether the number was rewritten from a superseded plan."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if len(text) > 40:
        raise ValidationError(_("This phone number is too long."), code="max_length")
    region = (region or default_region()).upper()
    e164 = _fast_phone(text, region) or _library_phone(text, region)
    if e164 is not None:
        return PhoneReading(text, e164)
    reading = _superseded_phone(text, region)
    if reading is None:
        raise ValidationError(
            _("“%(value)s” is not a valid phone number.") % {"value": text}, code="invalid_phone"
        )
    return reading


def _candidates(text: str) -> list[str]:
    """The ways the full path reads a text: as written, then as +digits."""
    candidates = [text]
    digits = "".join(_DIGITS.findall(text))
    if not text.startswith("+") and digits and not digits.startswith("0"):
        candidates.append("+" + digits)
    if text.startswith("00"):
        candidates.insert(0, "+" + digits[2:])
    return candidates


def _parsed(text: str, region: str) -> Iterator[phonenumbers.PhoneNumber]:
    for candidate in _candidates(text):
        try:
            yield phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue


def _library_phone(text: str, region: str) -> str | None:
    """The full path: phonenumbers reads the text as written, then as +digits."""
    for number in _parsed(text, region):
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _superseded_phone(text: str, region: str) -> PhoneReading | None:
    """A number that is invalid today read in the plans its country replaced (only when the
    rewritten number is valid in the current plan)."""
    for number in _parsed(text, region):
        if number.country_code is None or number.national_number is None:
            continue
        # An invalid national number keeps its trunk prefix "0" (the library then marks it as
        # a leading zero); the plans' `old` forms are written without it.
        for change in _PLAN_CHANGES.get(number.country_code, ()):
            current = change.rewrite(str(number.national_number))
            if current is None:
                continue
            rewritten = phonenumbers.PhoneNumber(
                country_code=number.country_code, national_number=int(current)
            )
            if phonenumbers.is_valid_number(rewritten):
                return PhoneReading(
                    text,
                    phonenumbers.format_number(rewritten, phonenumbers.PhoneNumberFormat.E164),
                    change,
                )
    return None


# --- Fast paths -------------------------------------------------------------------------------
# An import normalises a million numbers and addresses; the libraries spend most of their time
# on generality (extensions, letters, Unicode digits, IDD prefixes, quoted local parts, IDNA).
# For the shapes nearly every row has, the fast paths below compute the same answer with the
# libraries' own rules and data; anything else, and every failure, takes the full path (which
# also words the error). tests/test_normalise_fast.py compares both paths on many inputs.

_PHONE_SHAPE = re.compile(r"[0-9 ().\-]+\Z")
_PHONE_SEPARATORS = str.maketrans("", "", " ().-")


@functools.cache
def _fast_phone_region(region: str) -> str | None:
    """The country code of a region whose numbers the fast path may read, else None: the
    region's metadata must use "0" as its only national (trunk) prefix, with no transform rule,
    and an international (IDD) prefix that starts with 00."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.country_code is None:
        return None
    if (
        metadata.national_prefix != "0"
        or metadata.national_prefix_for_parsing not in (None, "0")
        or metadata.national_prefix_transform_rule
        or not re.fullmatch(r"00\d?", metadata.international_prefix or "")
    ):
        return None
    return str(metadata.country_code)


# The number descriptions phonenumbers' `_number_type_helper` tries, in its order; a number is
# valid when it matches the general description and any one of these.
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _compiled_desc(desc: Any) -> tuple[frozenset[int], re.Pattern[str]] | None:
    """(possible lengths, pattern) of a number description, as `_is_number_matching_desc` reads
    it; None for a description that matches nothing."""
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)


@functools.cache
def _validity(country_code: str) -> Callable[[str], bool] | None:
    """`phonenumbers.is_valid_number` for the national numbers of a country code that belongs to
    one region, as a function of the digits: the same metadata and rules, without building a
    PhoneNumber and walking the library's helpers for each of a million numbers. None for
    shared country codes (+1, +44, …), where the library first picks the region."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(country_code), ())
    if len(regions) != 1:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(regions[0])
    if metadata is None:
        return None
    general = _compiled_desc(metadata.general_desc)
    kinds = [
        compiled
        for name in _NUMBER_TYPES
        if (compiled := _compiled_desc(getattr(metadata, name))) is not None
    ]
    if general is None:
        return lambda national: False

    def matches(compiled: tuple[frozenset[int], re.Pattern[str]], national: str) -> bool:
        lengths, pattern = compiled
        return (not lengths or len(national) in lengths) and pattern.fullmatch(national) is not None

    def valid(national: str) -> bool:
        return matches(general, national) and any(matches(kind, national) for kind in kinds)

    return valid


def _valid_national(country_code: str, national: str) -> bool:
    if not national or national[0] == "0" or len(national) > 17:
        return False
    valid = _validity(country_code)
    if valid is not None:
        return valid(national)
    number = phonenumbers.PhoneNumber(country_code=int(country_code), national_number=int(national))
    return phonenumbers.is_valid_number(number)


def _fast_phone(text: str, region: str) -> str | None:
    """E.164 for a number of the region written with digits, spaces, dots, dashes and
    parentheses — national (0803 123 4567), with the country code (234-803-…, +234 (0) 803…,
    00234…) — when phonenumbers holds it valid; None to take the full path."""
    country_code = _fast_phone_region(region)
    if country_code is None:
        return None
    international = text[0] == "+"
    body = text[1:] if international else text
    if not _PHONE_SHAPE.match(body):
        return None
    digits = body.translate(_PHONE_SEPARATORS)
    if not international and text.startswith("00"):
        international, digits = True, digits[2:]
    if international:
        if not digits.startswith(country_code):
            return None
        national = digits[len(country_code) :]
    elif digits.startswith("0"):
        if digits.startswith("00"):
            return None
        national = digits
    elif digits.startswith(country_code):
        # Read in the region first: only when the digits are no valid national number there
        # does the country code count as one (the full path's second candidate).
        if _valid_national(country_code, digits):
            return None
        national = digits[len(country_code) :]
    else:
        national = digits
    if national.startswith("0"):
        national = national[1:]
    if not _valid_national(country_code, national):
        return None
    return f"+{country_code}{national}"


_FAST_EMAIL = re.compile(f"([{ATEXT}.]+)@([A-Za-z0-9.-]+)\\Z")


@functools.lru_cache(maxsize=4096)
def _domain(domain: str, test_environment: bool, globally_deliverable: bool) -> tuple[str, str]:
    """(normalised, ASCII) form of a valid domain, or ("", "") — email_validator's own check,
    done once per domain."""
    try:
        info = validate_email_domain_name(
            domain, test_environment=test_environment, globally_deliverable=globally_deliverable
        )
    except EmailNotValidError:
        return "", ""
    return info["domain"], info["ascii_domain"]


def _fast_email(text: str) -> str | None:
    """A plain ASCII address (dot-atom local part, host name) validated as email_validator would
    with the module's defaults; None to take the full path."""
    if email_validator.STRICT or not text.isascii():
        return None
    match = _FAST_EMAIL.match(text)
    if match is None:
        return None
    local, domain = match.groups()
    if not DOT_ATOM_TEXT.match(local):
        return None
    normalised, ascii_domain = _domain(
        domain, email_validator.TEST_ENVIRONMENT, email_validator.GLOBALLY_DELIVERABLE
    )
    if not normalised:
        return None
    address = f"{local}@{normalised}"
    longest = max(len(text), len(address.encode()), len(local) + 1 + len(ascii_domain))
    if longest > EMAIL_MAX_LENGTH:
        return None
    return address.lower()


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
    fast = _fast_email(text)
    if fast is not None:
        return fast
    try:
        return _library_email(text)
    except EmailNotValidError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid email address: %(reason)s")
            % {"value": text, "reason": str(error)},
            code="invalid_email",
        ) from error


def _library_email(text: str) -> str:
    """The full path: email_validator's syntax checks (no DNS), lower-cased."""
    return validate_email(text, check_deliverability=False).normalized.lower()


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

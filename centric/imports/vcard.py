"""vCard (.vcf, versions 2.1, 3.0 and 4.0): each card becomes one row of the import pipeline, and
people are written out as cards for phones and mail programs.

The reader is our own, line by line, rather than a general vCard library, because what phones
and mail programs really write needs care a library does not give: Android's vCard 2.1 breaks
quoted-printable values anywhere (even inside one UTF-8 character), iPhones group properties
(`item1.EMAIL` with `item1.X-ABLabel`) and mark a birthday without a year with a made-up year
1604, and a hostile file can hold one line of many megabytes. Lines are read with a bound, so a
file is never held in memory whole; what a card does not need (photos, sounds, keys) is dropped
as it is read.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centric.imports.countries import COUNTRY_CODES
from centric.imports.models import NoticeKind
from centric.imports.parsing import ImportFileError
from centric.imports.values import contact_label

# Emails and phones kept from one card. Real cards have a handful; the bound is for hostile
# files, and whatever it drops is named on the import's report.
MAX_VALUES = 50
# The longest property, in characters after unfolding (a phone's photo is ~100-300 KB).
MAX_LINE = 1_000_000
# A value is kept up to this length: longer than any field, so the import still says it is
# too long instead of storing it cut.
MAX_KEPT = 10_001
# Of the values beyond MAX_VALUES, the first few are kept to be named on the import's report.
MAX_DROPPED_SHOWN = 5
# Gmail's own groups: every contact is in "myContacts"; "starred" is a star, not a tag.
SYSTEM_CATEGORIES = {"mycontacts", "starred", "my contacts"}
# Properties a row is made of; everything else (PHOTO, X-…, LABEL, REV…) is skipped unread.
WANTED = {
    "N",
    "FN",
    "EMAIL",
    "TEL",
    "ORG",
    "TITLE",
    "ADR",
    "BDAY",
    "URL",
    "NOTE",
    "UID",
    "CATEGORIES",
    "KIND",
    "GENDER",
    "X-ABSHOWAS",
    "X-ABADR",
    "X-ABLABEL",
}
# Of these a card keeps every value (up to MAX_VALUES); of the others the first few.
MULTIPLE = {"EMAIL", "TEL", "CATEGORIES", "ADR", "URL", "X-ABADR", "X-ABLABEL"}
MAX_OTHERS = 5
# vCard 4.0's GENDER: male, female, other; none and unknown say nothing to store.
GENDERS = {"m": "male", "f": "female", "o": "other"}
# The year an iPhone writes for a birthday without a year (with X-APPLE-OMIT-YEAR).
NO_YEAR = {1604, 0}
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$")
_NO_YEAR_DATE = re.compile(r"^--(\d{2})-?(\d{2})$")


@dataclass
class Property:
    """One property of a card, its value decoded (quoted-printable, base64, charset)."""

    group: str
    name: str
    params: dict[str, list[str]]
    value: str

    def has_type(self, *names: str) -> bool:
        types = {t.lower() for t in self.params.get("TYPE", [])}
        return any(n in types for n in names)

    @property
    def preference(self) -> int:
        """Lower is preferred: `PREF=1` (4.0), `TYPE=pref` (3.0) or a bare `PREF` (2.1)."""
        for value in self.params.get("PREF", []):
            if value.isdigit():
                return int(value)
        return 1 if self.has_type("pref") else 101


@dataclass
class Card:
    line: int
    properties: dict[str, list[Property]] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    dropped_values: dict[str, list[str]] = field(default_factory=dict)

    def all(self, name: str) -> list[Property]:
        return self.properties.get(name, [])

    def first(self, name: str) -> str:
        values = self.properties.get(name)
        return values[0].value.strip() if values else ""


@dataclass
class CardValues:
    """The row a card makes: its single values by header, its emails and phones (preferred
    first), and what it holds that is not imported as it stands (`notices`)."""

    values: dict[str, str] = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    whatsapps: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    # The label of each email, phone, WhatsApp number and website, in the same order.
    labels: dict[str, list[str]] = field(default_factory=dict)
    notices: list[dict[str, str]] = field(default_factory=list)


# --- Reading lines and cards ---------------------------------------------------------------


def line_too_long(line: int) -> ImportFileError:
    return ImportFileError(
        _(
            "Line %(line)d of the file is longer than %(limit)s characters; phones and mail "
            "programs never write such lines, so the file was not imported. Export the "
            "contacts again, or remove that line."
        )
        % {"line": line, "limit": f"{MAX_LINE:,}"}
    )


def _physical_lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    """(number, text) of each line, without its line ending; a line is read with a bound."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE + 2)
        if not raw:
            return
        number += 1
        text = raw.rstrip("\r\n")
        if len(text) > MAX_LINE:
            raise line_too_long(number)
        yield number, text


def _is_quoted_printable(text: str) -> bool:
    colon = text.find(":")
    return colon > 0 and "QUOTED-PRINTABLE" in text[:colon].upper()


def _logical_lines(handle: TextIO) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each property: folded lines (a leading space or tab) are
    joined, and so are quoted-printable soft line breaks (a line ending in "=", vCard 2.1)."""
    start, length = 0, 0
    parts: list[str] = []
    soft_break = False
    for number, text in _physical_lines(handle):
        if parts and (soft_break or text[:1] in (" ", "\t")):
            piece = text if soft_break else text[1:]
        else:
            if parts:
                yield start, "".join(parts)
            start, parts, length = number, [], 0
            piece = text
        if not piece and not parts:
            continue
        length += len(piece)
        if length > MAX_LINE:
            raise line_too_long(start)
        parts.append(piece)
        soft_break = piece.endswith("=") and _is_quoted_printable(parts[0])
        if soft_break:
            parts[-1] = piece[:-1]
    if parts:
        yield start, "".join(parts)


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _head_and_value(text: str) -> tuple[str, str] | None:
    colon = text.find(":")
    if colon < 0:
        return None
    if '"' in text[:colon]:
        quoted = False
        for index, char in enumerate(text):
            if char == '"':
                quoted = not quoted
            elif char == ":" and not quoted:
                colon = index
                break
    return text[:colon], text[colon + 1 :]


def _decode(value: str, params: dict[str, list[str]], encoding: str) -> str:
    encodings = {v.upper() for v in params.get("ENCODING", []) + params.get("TYPE", [])}
    data: bytes | None = None
    if "QUOTED-PRINTABLE" in encodings:
        # The whole value is joined first: a soft break may fall inside a character.
        data = quopri.decodestring(value.encode("utf-8"))
    elif encodings & {"B", "BASE64"}:
        try:
            data = base64.b64decode(value.strip(), validate=False)
        except (binascii.Error, ValueError):
            return value
    if data is None:
        return value
    charsets = [*params.get("CHARSET", [])[:1], "utf-8", "cp1252", "latin-1"]
    for charset in charsets:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode(encoding or "latin-1", errors="replace")


def _property(text: str, encoding: str) -> Property | None:
    """The property on a (logical) line, or None when a row does not need it."""
    colon = text.find(":")
    semicolon = text.find(";", 0, colon)
    group, _dot, name = text[: semicolon if semicolon >= 0 else colon].strip().rpartition(".")
    name = name.upper()
    if colon < 0 or name not in WANTED:
        return None
    split = _head_and_value(text)
    if split is None:
        return None
    head, value = split
    parts = _split_outside_quotes(head, ";")
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, given = part.partition("=")
        if not equals:  # vCard 2.1 writes bare types: TEL;CELL;PREF
            key, given = "TYPE", key
        values = [v.strip().strip('"') for v in _split_outside_quotes(given, ",")]
        params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return Property(
        group=group.lower(), name=name, params=params, value=_decode(value, params, encoding)
    )


def cards(source: TextIO, encoding: str, *, unfinished: bool = True) -> Iterator[Card]:
    """The cards of a text, in order, each with the properties a row needs (lines outside
    BEGIN:VCARD … END:VCARD and cards nested in a card, vCard 2.1's AGENT, are skipped). A
    card without its END:VCARD at the end of the text is given only when `unfinished`: a
    preview's text is cut, and its last card may go on past the cut."""
    with source as handle:
        card: Card | None = None
        depth = 0
        for number, text in _logical_lines(handle):
            if _BEGIN.match(text):
                if card is None:
                    card, depth = Card(line=number), 1
                else:
                    depth += 1
                continue
            if card is None:
                continue
            if _END.match(text):
                depth -= 1
                if depth == 0:
                    yield card
                    card = None
                continue
            if depth > 1:
                continue
            prop = _property(text, encoding)
            if prop is None:
                continue
            kept = card.properties.setdefault(prop.name, [])
            if len(kept) >= (MAX_VALUES if prop.name in MULTIPLE else MAX_OTHERS):
                card.dropped[prop.name] = card.dropped.get(prop.name, 0) + 1
                shown = card.dropped_values.setdefault(prop.name, [])
                if len(shown) < MAX_DROPPED_SHOWN:
                    shown.append(prop.value.strip()[:200])
                continue
            prop.value = prop.value[:MAX_KEPT]
            kept.append(prop)
        if card is not None and unfinished:
            yield card


# --- From a card to a row ------------------------------------------------------------------


def _unescape(text: str, comma: str = ",") -> str:
    """A text value with vCard 3.0/4.0's backslash escapes undone (a newline, a comma, a
    semicolon, a backslash); an unescaped comma, which separates several values, becomes
    `comma`."""
    if "\\" not in text and comma == ",":
        return text.strip()
    result, escaped = [], False
    for char in text:
        if escaped:
            result.append("\n" if char in "nN" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            result.append(comma)
        else:
            result.append(char)
    return "".join(result).strip()


def _components(text: str, comma: str = " ") -> list[str]:
    """The parts of a structured value (N, ADR, ORG), split at unescaped semicolons, with
    several values in one part joined by `comma`."""
    parts, start, escaped = [], 0, False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [_unescape(part, comma) for part in parts]


def _name_parts(text: str) -> list[str]:
    return [" ".join(part.split()) for part in _components(text)]


def _part(parts: list[str], index: int) -> str:
    return parts[index] if index < len(parts) else ""


def _country(value: str) -> str:
    text = (value or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_CODES.get(text.lower(), "")


def _preferred(properties: list[Property]) -> list[Property]:
    return sorted(properties, key=lambda p: p.preference)


def _organisation(card: Card) -> str:
    return _part(_components(card.first("ORG"), ", "), 0)


def card_name(card: Card) -> str:
    """What the card is called, for notices: its formatted name, else its name parts, else its
    organisation or email."""
    name = " ".join(_unescape(card.first("FN")).split())
    if not name and card.all("N"):
        parts = _name_parts(card.all("N")[0].value)
        name = " ".join(p for p in (_part(parts, 1), _part(parts, 2), _part(parts, 0)) if p)
    return name or _organisation(card) or _unescape(card.first("EMAIL")) or _("no name")


def is_company(card: Card) -> bool:
    """A card for a company, not a person: vCard 4.0's KIND:org, or a card with an
    organisation and no person's name — an iPhone's X-ABShowAs:COMPANY, or a formatted name
    that is the organisation's (Outlook, Gmail). A company card that also names a person (an
    iPhone's contact at the company) stays that person, a member of the organisation, so no
    name is lost."""
    kind = card.first("KIND").lower()
    full = " ".join(_unescape(card.first("FN")).split())
    if kind in ("org", "organization", "organisation"):
        return bool(_organisation(card) or full)
    organisation = _organisation(card)
    if kind in ("individual", "group", "location") or not organisation:
        return False
    if card.all("N"):
        parts = _name_parts(card.all("N")[0].value)
        if _part(parts, 0) or _part(parts, 1) or _part(parts, 2):
            return False
    if card.first("X-ABSHOWAS").upper() == "COMPANY":
        return True
    return not full or full.lower() == organisation.lower()


def _notice(field: str, column: str, value: str, reason: str, kind: str) -> dict[str, str]:
    """A card's value not imported as it stands, in the shape of a row's notices
    (`PreparedRow.notices`): the import's report lists it by the card's line and property."""
    return {"field": field, "column": column, "value": value, "reason": reason, "kind": kind}


def _birthday(card: Card, who: str) -> tuple[str, dict[str, str] | None]:
    """(date of birth as YYYY-MM-DD or "", a notice when a birthday is given but not stored:
    without a year it is not saved; one that is not a date is kept as typed, needing
    attention, as a spreadsheet's would be)."""
    if not card.all("BDAY"):
        return "", None
    prop = card.all("BDAY")[0]
    text = prop.value.strip()
    month_day: tuple[int, int] | None = None
    if match := _DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
        if year in NO_YEAR or str(year) in prop.params.get("X-APPLE-OMIT-YEAR", []):
            month_day = (month, day)
        else:
            try:
                return dt.date(year, month, day).isoformat(), None
            except ValueError:
                pass
    elif match := _NO_YEAR_DATE.match(text):
        month_day = (int(match.group(1)), int(match.group(2)))
    if month_day is not None:
        try:
            shown = date_format(dt.date(2000, *month_day), "j F")
        except ValueError:
            shown = text
        reason = _(
            "Date of birth (%(name)s): the birthday %(day)s has no year; a date of birth is "
            "kept with its year, so it was not saved."
        ) % {"name": who, "day": shown}
        return "", _notice("date_of_birth", "BDAY", text, reason, NoticeKind.NOT_SAVED)
    reason = _("Date of birth (%(name)s): “%(value)s” is not a date.") % {
        "name": who,
        "value": text[:40],
    }
    return "", _notice("date_of_birth", "BDAY", text, reason, NoticeKind.NEEDS_ATTENTION)


def label_of(card: Card, prop: Property) -> str:
    """An iPhone's label for a grouped property (item1.X-ABLabel:Shop beside item1.TEL), with
    its own labels' wrapping removed (_$!<Other>!$_ is "Other")."""
    if not prop.group:
        return ""
    label = next((p.value.strip() for p in card.all("X-ABLABEL") if p.group == prop.group), "")
    if label.startswith("_$!<") and label.endswith(">!$_"):
        label = label[4:-4]
    return label


# vCard TYPE values that label a value, in the order one is chosen ("TYPE=CELL,VOICE" is mobile).
LABEL_TYPES = ("cell", "mobile", "iphone", "main", "work", "home", "other", "pager", "car")


def value_label(card: Card, prop: Property) -> str:
    """The label stored with an email, phone or website: an iPhone's or Gmail's own
    (item1.X-ABLabel), else Android's custom type (TEL;X-Shop), else the standard TYPE
    (CELL is mobile; FAX with WORK is work fax)."""
    if label := contact_label(label_of(card, prop)):
        return label
    types = [t.lower() for t in prop.params.get("TYPE", [])]
    for name in types:
        if name.startswith("x-") and name != "x-whatsapp":
            return contact_label(next(t for t in prop.params["TYPE"] if t.lower() == name)[2:])
    if "fax" in types:
        return next((f"{t} fax" for t in ("work", "home") if t in types), "fax")
    return next((contact_label(t) for t in LABEL_TYPES if t in types), "")


def is_whatsapp(card: Card, prop: Property) -> bool:
    """A number the card labels WhatsApp (a custom label, or TYPE=x-whatsapp)."""
    return prop.has_type("whatsapp", "x-whatsapp") or "whatsapp" in label_of(card, prop).lower()


def split_phones(card: Card) -> tuple[list[Property], list[Property]]:
    phones: list[Property] = []
    whatsapps: list[Property] = []
    for prop in _preferred(card.all("TEL")):
        (whatsapps if is_whatsapp(card, prop) else phones).append(prop)
    return phones, whatsapps


def _phone(prop: Property) -> str:
    text = prop.value.strip()
    if text.lower().startswith("tel:"):
        # A tel: URI (vCard 4.0); its parameters (";ext=12") are not part of the number.
        return text[4:].split(";", 1)[0].strip()
    return _unescape(text)


def _email(prop: Property) -> str:
    text = _unescape(prop.value)
    return text[7:] if text.lower().startswith("mailto:") else text


def _address_text(prop: Property) -> str:
    return ", ".join(p for p in (" ".join(c.split()) for c in _components(prop.value, ", ")) if p)


def _address(card: Card, values: dict[str, str]) -> list[dict[str, str]]:
    """Fill the address columns from the preferred address (an import row has one); notices
    of the card's other addresses and of a country the import does not know (the address is
    then stored without a country)."""
    addresses = _preferred(card.all("ADR"))
    if not addresses:
        return []
    notices = []
    for other in addresses[1:]:
        reason = _(
            "Address (%(name)s): the card has %(count)d addresses; one is imported per person "
            "(the preferred or first), so this one was not saved."
        ) % {"name": card_name(card), "count": len(addresses)}
        notices.append(
            _notice("address", "ADR", _address_text(other)[:500], reason, NoticeKind.NOT_SAVED)
        )
    address = addresses[0]
    parts = _components(address.value, ", ")
    # Post office box, extended address and street, each possibly on several lines.
    lines = [line.strip() for part in parts[:3] for line in part.splitlines()]
    values["street"] = ", ".join(line for line in lines if line)
    values["city"] = " ".join(_part(parts, 3).split())
    values["state"] = " ".join(_part(parts, 4).split())
    values["postal_code"] = " ".join(_part(parts, 5).split())
    given = " ".join(_part(parts, 6).split())
    country = _country(given)
    if not country and address.group:  # an iPhone's item1.X-ABADR:ng beside item1.ADR
        code = next((p.value.strip() for p in card.all("X-ABADR") if p.group == address.group), "")
        country = code.upper() if len(code) == 2 and code.isalpha() else ""
    values["country"] = country
    if given and not country:
        reason = _(
            "Country (%(name)s): “%(country)s” is not one the import knows, so the address "
            "was stored without a country."
        ) % {"name": card_name(card), "country": given[:60]}
        notices.append(_notice("country", "ADR", given, reason, NoticeKind.NOT_SAVED))
    return notices


def _categories(card: Card) -> str:
    names: list[str] = []
    for prop in card.all("CATEGORIES"):
        for name in _unescape(prop.value, "\x00").split("\x00"):
            name = " ".join(name.split())
            if name and name.lower() not in SYSTEM_CATEGORIES and name not in names:
                names.append(name)
    return ", ".join(names)


def _dropped_notices(card: Card, who: str) -> list[dict[str, str]]:
    """One notice per kind of value beyond the bound, naming the first few it dropped."""
    notices: list[dict[str, str]] = []
    for name, field_name, what in (
        ("EMAIL", "email", _("emails")),
        ("TEL", "phone", _("phone numbers")),
    ):
        if dropped := card.dropped.get(name):
            shown = "; ".join(card.dropped_values.get(name, []))
            if dropped > MAX_DROPPED_SHOWN:
                shown += " …"
            reason = _(
                "%(what)s (%(name)s): the card has %(total)d %(what_lower)s; the first "
                "%(kept)d were imported and %(dropped)d were not."
            ) % {
                "what": what.capitalize(),
                "what_lower": what,
                "name": who,
                "total": MAX_VALUES + dropped,
                "kept": MAX_VALUES,
                "dropped": dropped,
            }
            notices.append(_notice(field_name, name, shown, reason, NoticeKind.NOT_SAVED))
    return notices


def card_notices_of(card: Card) -> list[dict[str, str]]:
    """What a card holds that is not imported as it stands: values beyond the bound, further
    addresses, an unknown country, a birthday that is not stored. Cheap for a card with
    nothing to say."""
    if not (card.all("BDAY") or card.all("ADR") or card.dropped):
        return []
    who = card_name(card)
    notices = _dropped_notices(card, who)
    notices.extend(_address(card, {}))
    if notice := _birthday(card, who)[1]:
        notices.append(notice)
    return notices


def card_values(card: Card) -> CardValues:
    """The row a card makes, and what it holds that is not imported as it stands."""
    result = CardValues()
    values = result.values
    who = card_name(card)
    values["organisation"] = _organisation(card)
    if is_company(card):
        values["organisation"] = values["organisation"] or " ".join(
            _unescape(card.first("FN")).split()
        )
    else:
        # A company card leaves the person's names empty: the import makes it an organisation.
        if card.all("N"):
            parts = _name_parts(card.all("N")[0].value)
            values["last_name"] = _part(parts, 0)
            values["first_name"] = _part(parts, 1)
            values["middle_name"] = _part(parts, 2)
        if not (values.get("first_name") or values.get("last_name")):
            words = _unescape(card.first("FN")).split()
            if words:
                values["first_name"] = " ".join(words[:-1]) if len(words) > 1 else words[0]
                values["last_name"] = words[-1] if len(words) > 1 else ""
        values["title"] = _unescape(card.first("TITLE"))
    emails = [(_email(p), value_label(card, p)) for p in _preferred(card.all("EMAIL"))]
    result.emails = [e for e, _label in emails if e]
    result.labels["email"] = [label for e, label in emails if e]
    phones, whatsapps = split_phones(card)
    numbers = [(_phone(p), value_label(card, p)) for p in phones]
    result.phones = [p for p, _label in numbers if p]
    result.labels["phone"] = [label for p, label in numbers if p]
    numbers = [(_phone(p), value_label(card, p)) for p in whatsapps]
    result.whatsapps = [p for p, _label in numbers if p]
    # "WhatsApp" is the number's kind, not a label beside it.
    result.labels["whatsapp"] = [
        "" if label.lower() == "whatsapp" else label for p, label in numbers if p
    ]
    result.notices.extend(_dropped_notices(card, who))
    result.notices.extend(_address(card, values))
    values["date_of_birth"], notice = _birthday(card, who)
    if notice:
        result.notices.append(notice)
    sites = [(_unescape(p.value), value_label(card, p)) for p in _preferred(card.all("URL"))]
    result.websites = [w for w, _label in sites if w]
    result.labels["website"] = [label for w, label in sites if w]
    values["note"] = _unescape(card.first("NOTE"))[:1000]
    values["external_id"] = _unescape(card.first("UID"))[:100]
    if not is_company(card):
        sex = _part(_components(card.first("GENDER")), 0).lower()
        values["gender"] = GENDERS.get(sex) or (sex if sex in GENDERS.values() else "")
    values["categories"] = _categories(card)
    return result

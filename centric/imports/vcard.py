"""vCard (.vcf, versions 3.0 and 4.0): each card becomes one row of the import pipeline, and
people are written out as cards for phones and mail programs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import vobject
from django.utils.translation import gettext as _

from centric.customers.choices import ContactKind
from centric.imports.parsing import ImportFileError, Row, Table, detect_encoding

MAX_VALUES = 3
VCARD_HEADERS = (
    ["external_id", "first_name", "middle_name", "last_name", "full_name"]
    + [f"email {n}" if n > 1 else "email" for n in range(1, MAX_VALUES + 1)]
    + [f"phone {n}" if n > 1 else "phone" for n in range(1, MAX_VALUES + 1)]
    + ["organisation", "title", "street", "city", "state", "postal_code", "country"]
    + ["date_of_birth", "website", "note"]
)
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
COUNTRY_CODES = {
    "nigeria": "NG",
    "ghana": "GH",
    "kenya": "KE",
    "south africa": "ZA",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "united states": "US",
    "usa": "US",
    "united states of america": "US",
    "france": "FR",
    "germany": "DE",
    "canada": "CA",
    "benin": "BJ",
    "togo": "TG",
    "cameroon": "CM",
    "united arab emirates": "AE",
    "china": "CN",
    "india": "IN",
}


def open_vcard(path: Path) -> Table:
    encoding, notes = detect_encoding(path)
    with path.open("r", encoding=encoding) as handle:
        head = handle.read(4096)
    if "BEGIN:VCARD" not in head.upper():
        raise ImportFileError(_("This is not a vCard file: it has no BEGIN:VCARD line."))
    return Table(
        path=path, file_format="vcf", headers=list(VCARD_HEADERS), encoding=encoding, notes=notes
    )


def _blocks(table: Table) -> Iterator[tuple[int, list[str]]]:
    with table.path.open("r", encoding=table.encoding, newline="") as handle:
        start, lines = 0, []
        inside = False
        for number, raw in enumerate(handle, start=1):
            text = raw.rstrip("\r\n")
            if not inside:
                if _BEGIN.match(text):
                    inside, start, lines = True, number, [text]
                continue
            lines.append(text)
            if _END.match(text):
                inside = False
                yield start, lines
        if inside:
            yield start, lines


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _date(value: str) -> str:
    text = (value or "").strip()
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return (
                dt.datetime.strptime(text[:10] if "-" in text else text[:8], pattern)
                .date()
                .isoformat()
            )
        except ValueError:
            continue
    return ""


def _country(value: str) -> str:
    text = (value or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return COUNTRY_CODES.get(text.lower(), "")


def card_to_values(card) -> list[str]:
    values = dict.fromkeys(VCARD_HEADERS, "")
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        values["first_name"] = _text(name.given)
        values["middle_name"] = _text(name.additional)
        values["last_name"] = _text(name.family)
    if "fn" in contents:
        values["full_name"] = _text(contents["fn"][0].value)
    if not (values["first_name"] or values["last_name"]) and values["full_name"]:
        parts = values["full_name"].split()
        values["first_name"] = " ".join(parts[:-1]) if len(parts) > 1 else parts[0]
        values["last_name"] = parts[-1] if len(parts) > 1 else ""
    values["full_name"] = ""
    for kind in ("email", "tel"):
        entries = contents.get(kind, [])
        for index, entry in enumerate(entries[:MAX_VALUES], start=1):
            text = _text(entry.value)
            if kind == "tel" and text.lower().startswith("tel:"):
                text = text[4:]
            if kind == "email" and text.lower().startswith("mailto:"):
                text = text[7:]
            header = ("email" if kind == "email" else "phone") + (f" {index}" if index > 1 else "")
            values[header] = text
    if "org" in contents:
        values["organisation"] = _text(contents["org"][0].value)
    if "title" in contents:
        values["title"] = _text(contents["title"][0].value)
    if "adr" in contents:
        address = contents["adr"][0].value
        values["street"] = _text(address.street)
        values["city"] = _text(address.city)
        values["state"] = _text(address.region)
        values["postal_code"] = _text(address.code)
        values["country"] = _country(_text(address.country))
    if "bday" in contents:
        values["date_of_birth"] = _date(_text(contents["bday"][0].value))
    if "url" in contents:
        values["website"] = _text(contents["url"][0].value)
    if "note" in contents:
        values["note"] = _text(contents["note"][0].value)[:1000]
    if "uid" in contents:
        values["external_id"] = _text(contents["uid"][0].value)[:100]
    return [values[h] for h in VCARD_HEADERS]


def vcard_rows(table: Table) -> Iterator[Row]:
    for line, lines in _blocks(table):
        try:
            card = vobject.readOne("\r\n".join(lines) + "\r\n", ignoreUnreadable=True)
            values = card_to_values(card)
        except Exception as error:  # vobject raises a variety of errors on malformed cards
            yield Row(
                line=line,
                values=[],
                error=_("This card cannot be read: %(error)s") % {"error": error},
            )
            continue
        yield Row(line=line, values=values)


# --- Export --------------------------------------------------------------------------------


def person_to_vcard(person, contact_points: Iterable, memberships: Iterable = ()) -> str:
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(
        family=person.last_name or "",
        given=person.first_name or "",
        additional=person.middle_name or "",
    )
    card.add("fn").value = person.full_name or "-"
    if person.external_id:
        card.add("uid").value = person.external_id
    for point in contact_points:
        if point.kind == ContactKind.EMAIL:
            entry = card.add("email")
            entry.value = point.value_normalized or point.value
            entry.type_param = "INTERNET"
        elif point.kind in (ContactKind.PHONE, ContactKind.WHATSAPP):
            entry = card.add("tel")
            entry.value = point.value_normalized or point.value
            entry.type_param = "CELL"
        elif point.kind == ContactKind.ADDRESS:
            entry = card.add("adr")
            entry.value = vobject.vcard.Address(
                street=point.street or point.value,
                city=point.city,
                region=point.state,
                code=point.postal_code,
                country=point.country,
            )
        elif point.kind == ContactKind.WEBSITE:
            card.add("url").value = point.value_normalized or point.value
    for membership in memberships:
        card.add("org").value = [membership.organisation.name]
        if membership.role:
            card.add("title").value = membership.role
        break
    if person.date_of_birth:
        card.add("bday").value = person.date_of_birth.isoformat()
    return card.serialize()

"""A vCard file as a table of the import: its columns (as many email, phone, WhatsApp and
website columns as its fullest card needs) and one row per card.

A web request opens a preview (decision 0063): it reads only the file's first
`PREVIEW_SCAN_BYTES`, cut at a line end, and of those the cards that start within
`PREVIEW_SCAN_LINES` lines, so its columns are those of its first cards. The worker's full open
reads every card; the job adds the columns only it finds to the mapping the user confirmed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from centric.imports.parsing import (
    PREVIEW_SCAN_BYTES,
    PREVIEW_SCAN_LINES,
    ImportFileError,
    Row,
    Table,
    detect_encoding,
    open_text,
    read_sample,
)
from centric.imports.vcard import (
    MAX_LINE,
    MAX_VALUES,
    Card,
    CardValues,
    card_notices_of,
    card_values,
    cards,
    line_too_long,
    split_phones,
)

BEFORE = ["external_id", "first_name", "middle_name", "last_name"]
AFTER = [
    "organisation",
    "title",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "date_of_birth",
    "gender",
    "categories",
    "note",
]


def _numbered(name: str, count: int) -> list[str]:
    """The value columns of one kind, each followed by its label column ("phone 2 label")."""
    columns = []
    for number in range(1, max(count, 1) + 1):
        column = name if number == 1 else f"{name} {number}"
        columns += [column, f"{column} label"]
    return columns


def headers_for(emails: int, phones: int, whatsapps: int = 0, websites: int = 0) -> list[str]:
    """The columns of a vCard file: as many email, phone, WhatsApp and website columns as its
    fullest card has (an email and a phone column always), each with its label column."""
    columns = _numbered("email", emails) + _numbered("phone", phones)
    if whatsapps:
        columns += _numbered("whatsapp", whatsapps)
    if websites:
        columns += _numbered("website", websites)
    return BEFORE + columns + AFTER


def _row(card: CardValues, headers: list[str]) -> list[str]:
    many = {"email": iter(card.emails), "phone": iter(card.phones)}
    many["whatsapp"] = iter(card.whatsapps)
    many["website"] = iter(card.websites)
    labels = {kind: iter(card.labels.get(kind, [])) for kind in many}
    row = []
    for header in headers:
        name = header.split(" ", 1)[0]
        if name in many:
            row.append(next(labels[name] if header.endswith(" label") else many[name], ""))
        else:
            row.append(card.values.get(header, ""))
    return row


@dataclass
class _Scan:
    """How far a preview read: whether cards were left unread past its budget."""

    is_partial: bool = False


def _table_cards(table: Table, scan: _Scan | None = None) -> Iterator[Card]:
    """The table's cards: every card, or a preview's (those of its first `scan_bytes` that
    start within `scan_limit` lines; a card the cut ends is not one of them)."""
    if table.scan_bytes is None:
        yield from cards(open_text(table), table.encoding)
        return
    text, cut = read_sample(table.path, table.encoding, table.scan_bytes)
    if cut > MAX_LINE:
        raise line_too_long(text.count("\n") + 1)
    scan = scan or _Scan()
    scan.is_partial = cut > 0
    for card in cards(io.StringIO(text, newline=""), table.encoding, unfinished=not cut):
        if table.scan_limit is not None and card.line > table.scan_limit:
            scan.is_partial = True
            return
        yield card


def _notices_note(cards_noticed: int, notices: int, scanned: int | None) -> str:
    values = {"cards": cards_noticed, "count": notices, "limit": MAX_VALUES}
    if scanned is None:
        return (
            ngettext(
                "%(cards)d card holds values that are not imported as they stand (%(count)d: "
                "birthdays without a year, further addresses, unknown countries, values beyond "
                "%(limit)d of a kind); the preview and the import's report list each by line "
                "and property.",
                "%(cards)d cards hold values that are not imported as they stand (%(count)d: "
                "birthdays without a year, further addresses, unknown countries, values beyond "
                "%(limit)d of a kind); the preview and the import's report list each by line "
                "and property.",
                cards_noticed,
            )
            % values
        )
    return ngettext(
        "Of the first %(scanned)s cards (as far as the preview reads), %(cards)d holds values "
        "that are not imported as they stand (%(count)d: birthdays without a year, further "
        "addresses, unknown countries, values beyond %(limit)d of a kind); the import reads "
        "every card, and its report lists each such value by line and property.",
        "Of the first %(scanned)s cards (as far as the preview reads), %(cards)d hold values "
        "that are not imported as they stand (%(count)d: birthdays without a year, further "
        "addresses, unknown countries, values beyond %(limit)d of a kind); the import reads "
        "every card, and its report lists each such value by line and property.",
        cards_noticed,
    ) % (values | {"scanned": f"{scanned:,}"})


def open_vcard(path: Path, *, preview: bool = False) -> Table:
    """Check the file is vCard and read it through once (line by line; a `preview` only its
    first cards): as many email and phone columns as its fullest card needs, and a short note
    on how many cards hold values that will not be imported as they stand (each is a notice of
    its row, by line, on the preview and the import's report). Raises ImportFileError for a
    file that is not vCard or has a line no exporter writes."""
    limit = PREVIEW_SCAN_BYTES if preview else None
    encoding, notes = detect_encoding(path, limit=limit)
    table = Table(path=path, file_format="vcf", headers=[], encoding=encoding, notes=notes)
    if preview:
        table.scan_bytes, table.scan_limit = limit, PREVIEW_SCAN_LINES
    with open_text(table) as handle:
        head = handle.read(4096)
    if "BEGIN:VCARD" not in head.upper():
        raise ImportFileError(_("This is not a vCard file: it has no BEGIN:VCARD line."))
    emails = phones = whatsapps = websites = 0
    scanned = cards_noticed = notices = 0
    scan = _Scan()
    for card in _table_cards(table, scan):
        scanned += 1
        emails = max(emails, len(card.all("EMAIL")))
        numbers, whatsapp_numbers = split_phones(card)
        phones = max(phones, len(numbers))
        whatsapps = max(whatsapps, len(whatsapp_numbers))
        websites = max(websites, len(card.all("URL")))
        if found := len(card_notices_of(card)):
            cards_noticed += 1
            notices += found
    if cards_noticed:
        notes.append(_notices_note(cards_noticed, notices, scanned if scan.is_partial else None))
    if scan.is_partial:
        notes.append(
            _(
                "The preview read the first %(scanned)s cards; a later card with more emails, "
                "phone numbers or websites than these gets its further columns when the file "
                "is imported."
            )
            % {"scanned": f"{scanned:,}"}
        )
    table.headers = headers_for(emails, phones, whatsapps, websites)
    return table


def vcard_rows(table: Table) -> Iterator[Row]:
    for card in _table_cards(table):
        values = card_values(card)
        yield Row(line=card.line, values=_row(values, table.headers), notices=values.notices)

"""Reading uploaded files (CSV, Excel .xlsx, vCard) into a header row and numbered data rows.

A `Table` can be iterated more than once (to count, to preview, to import) and never holds the
whole file in memory. Anything that makes the file unreadable raises `ImportFileError`, whose
message is shown to the user as it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from centric.core.errors import ApplicationError
from centric.imports.xlsx import Workbook, XlsxError

SAMPLE_BYTES = 64 * 1024
MAX_COLUMNS = 300
MAX_HEADER_LENGTH = 200
CSV_FIELD_LIMIT = 128 * 1024
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# How far down a sheet the header row is looked for (a title and a blank row above it are usual).
HEADER_SEARCH_ROWS = 20
# How many lines past the header a web request reads at most, looking for preview rows.
PREVIEW_SCAN_LINES = 20_000
# How many bytes of a CSV or vCard file a web request reads at most (cut at a line end): its
# encoding is judged, its header found and its preview rows read from these alone.
PREVIEW_SCAN_BYTES = 2 * 1024 * 1024
TOTAL_WORDS = {"total", "totals", "grandtotal", "subtotal", "sum"}
_NUMBER = re.compile(r"-?[₦$€£]?\s*[\d.,\s]+%?")
_DIGIT = re.compile(r"\d")


class ImportFileError(ApplicationError):
    """The file cannot be read at all (too big, not text, not a spreadsheet, no header…)."""

    status_code = 422
    title = _lazy("The file cannot be imported")


@dataclass
class Row:
    line: int
    values: list[str]
    error: str = ""
    # What the reader noticed about the row's values (a vCard's birthday without a year, its
    # further addresses), in the shape of `PreparedRow.notices`; the preparer adds them.
    notices: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Table:
    path: Path
    file_format: str
    headers: list[str]
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    delimiter: str = ","
    # The line (CSV: physical line; Excel: sheet row) the header row ends on; data follows it.
    header_line: int = 1
    # About how many data rows the file holds, estimated without reading it (None: unknown).
    estimated_rows: int | None = None
    # A preview reads at most this many lines past the header (a request never reads a whole
    # file of blank lines looking for the first rows); None reads the whole file.
    scan_limit: int | None = None
    # A preview of a text file (CSV, vCard) reads at most this many of its first bytes.
    scan_bytes: int | None = None

    def rows(self) -> Iterator[Row]:
        if self.file_format == "csv":
            return _csv_rows(self)
        if self.file_format == "xlsx":
            return _xlsx_rows(self)
        from centric.imports.vcard_table import vcard_rows

        return vcard_rows(self)

    def count(self) -> int:
        """How many rows `rows()` gives (a blank line is none, an unreadable one is one)."""
        if self.file_format == "csv":
            return _csv_count(self)
        return sum(1 for _row in self.rows())


def format_of(filename: str) -> str:
    suffix = Path(filename or "").suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    if suffix in (".vcf", ".vcard"):
        return "vcf"
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportFileError(
            _("%(suffix)s files cannot be read; save the sheet as Excel .xlsx or CSV.")
            % {"suffix": suffix}
        )
    raise ImportFileError(_("Upload a CSV (.csv), Excel (.xlsx) or vCard (.vcf) file."))


def check_size(size: int) -> None:
    limit = settings.CENTRIC_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            _("The file is %(size)s; the largest file you can import is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))


def open_table(path: str | Path, file_format: str, *, preview: bool = False) -> Table:
    """Open a stored upload and read its header row; raises ImportFileError when unreadable.

    The file is read as what its content is (`sniff_format`), whatever its name says. A
    `preview` table is what a web request reads: its rows stop `PREVIEW_SCAN_LINES` lines past
    the header, and of a CSV or vCard file it reads only the first `PREVIEW_SCAN_BYTES` (the
    encoding is judged from them, a vCard's columns are those of its first cards); the worker's
    full open reads the whole file (decision 0063)."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(_("The file of this import is no longer stored; upload it again."))
    check_size(path.stat().st_size)
    actual, notes = sniff_format(path, file_format)
    if actual == "csv":
        table = _open_csv(path, preview=preview)
    elif actual == "xlsx":
        table = _open_xlsx(path)
    else:
        from centric.imports.vcard_table import open_vcard

        table = open_vcard(path, preview=preview)
    table.notes[:0] = notes
    if table.estimated_rows is None and actual == "csv":
        table.estimated_rows = _estimated_lines(path, table.header_line)
    if preview:
        table.scan_limit = PREVIEW_SCAN_LINES
    return table


_NAMES = {"csv": "CSV", "xlsx": "Excel", "vcf": "vCard"}
_SIGNATURES: list[tuple[bytes, Any]] = [
    (b"%PDF", _lazy("a PDF document")),
    (b"MZ", _lazy("a Windows program")),
    (b"\x7fELF", _lazy("a program")),
    (b"\x89PNG", _lazy("an image (PNG)")),
    (b"\xff\xd8\xff", _lazy("an image (JPEG)")),
    (b"GIF8", _lazy("an image (GIF)")),
    (b"BM", _lazy("an image (BMP)")),
    (b"II*\x00", _lazy("an image (TIFF)")),
    (b"MM\x00*", _lazy("an image (TIFF)")),
    (b"\x1f\x8b", _lazy("a compressed (gzip) file")),
    (b"7z\xbc\xaf", _lazy("a compressed (7-Zip) archive")),
    (b"Rar!", _lazy("a compressed (RAR) archive")),
    (b"BZh", _lazy("a compressed (bzip2) file")),
    (b"\xfd7zXZ", _lazy("a compressed (xz) file")),
    (b"{\\rtf", _lazy("a Word (RTF) document")),
]


def sniff_format(path: Path, claimed: str) -> tuple[str, list[str]]:
    """What the file really is, from its first bytes, and a note when that is not what its
    name says (decision 0063). A workbook, a CSV text or a vCard is read as what it is under
    any of the three names; anything else is refused, naming what it looks like."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        actual = "xlsx"
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileError(
            _(
                "This is an old-style Excel workbook (.xls) or a password-protected one; open it "
                "in Excel and save it as .xlsx (without a password) or as CSV."
            )
        )
    else:
        for signature, what in _SIGNATURES:
            if head.startswith(signature) and (not signature.isalpha() or looks_binary(head)):
                raise ImportFileError(
                    _(
                        "This file is %(what)s, not a contact file. Upload a CSV (.csv), Excel "
                        "(.xlsx) or vCard (.vcf) file."
                    )
                    % {"what": what}
                )
        if head[8:12] in (b"WEBP", b"AVI ", b"WAVE") or head[4:8] == b"ftyp":
            raise ImportFileError(
                _(
                    "This file is an image or a recording, not a contact file. Upload a CSV "
                    "(.csv), Excel (.xlsx) or vCard (.vcf) file."
                )
            )
        if claimed == "xlsx" and looks_binary(head):
            raise ImportFileError(
                _("This is not a valid Excel .xlsx file (it may be damaged or in another format).")
            )
        actual = _text_format(head, claimed)
    if actual == claimed:
        return actual, []
    return actual, [
        _("The file is named as %(claimed)s but holds %(actual)s; it was read as %(actual)s.")
        % {"claimed": _NAMES.get(claimed, claimed), "actual": _NAMES[actual]}
    ]


def _text_format(head: bytes, claimed: str) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8", errors="ignore")
    start = text.lstrip("\ufeff \t\r\n")[:2048].lower()
    if start.startswith("begin:vcard"):
        return "vcf"
    if start.startswith(("<?xml", "<!doctype html", "<table")) or "<html" in start:
        raise ImportFileError(
            _(
                "This file is a web page or an XML file saved under a spreadsheet's name (some "
                "systems export “Excel” this way). Open it in Excel and save it as .xlsx or CSV."
            )
        )
    if claimed == "vcf":
        raise ImportFileError(_("This is not a vCard file: it has no BEGIN:VCARD line."))
    return "csv"


def _estimated_lines(path: Path, header_line: int) -> int | None:
    """The file's size over the mean length of its first lines: "about N rows", no full read."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    lines = sample.count(b"\n")
    if not lines:
        return None
    size = path.stat().st_size
    if size <= len(sample):
        return max(lines + (not sample.endswith(b"\n")) - header_line, 0)
    return max(round(size / (len(sample) / lines)) - header_line, 0)


def unique_headers(raw: list) -> list[str]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = " ".join(str(value if value is not None else "").split())
        if not name:
            name = _("Column %(n)d") % {"n": index + 1}
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        headers.append(name if count == 1 else f"{name} ({count})")
    return headers


def header_index(rows: list[list[str]]) -> int:
    """Which of a sheet's first rows names the columns: the first with two or more cells
    filled, so that a title ("Customers, March 2026", one cell, often merged across the columns)
    and blank rows above the header are passed over. A file of one column keeps its first row."""
    filled = [sum(1 for value in row if value.strip()) for row in rows]
    return next((index for index, count in enumerate(filled) if count >= 2), 0)


def _header_note(line: int) -> list[str]:
    if line <= 1:
        return []
    return [
        _(
            "The column names were found on line %(line)d; the lines above them (a title) are "
            "not imported."
        )
        % {"line": line}
    ]


def is_totals_row(values: list[str]) -> bool:
    """A spreadsheet's totals line ("Total", "", "15"): a total word, then only numbers."""
    first = next((stripped for value in values if (stripped := value.strip())), "")
    # Checked for every row of a file: most rows' first value is no total word.
    if not first or _NOT_WORD.sub("", first.lower()) not in TOTAL_WORDS:
        return False
    filled = [value.strip() for value in values if value.strip()]
    # A phone number is not a total: totals have fewer digits than any phone number.
    return all(_NUMBER.fullmatch(value) and len(_DIGIT.findall(value)) <= 9 for value in filled[1:])


def _totals_error(values: list[str]) -> str:
    return _(
        "This looks like a totals line (“%(value)s”), not a customer; it was not imported."
    ) % {"value": next(value for value in values if value.strip()).strip()}


def _check_headers(headers: list[str]) -> None:
    if len(headers) > MAX_COLUMNS or any(len(h) > MAX_HEADER_LENGTH for h in headers):
        raise ImportFileError(
            _(
                "The first line does not look like a header row (column names). "
                "Check that this is the right file."
            )
        )


# --- CSV -----------------------------------------------------------------------------------


def looks_binary(sample: bytes) -> bool:
    """Text files have (almost) no control characters; images, zips and random bytes do."""
    if not sample:
        return False
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 200)


def detect_encoding(path: Path, *, limit: int | None = None) -> tuple[str, list[str]]:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252, else Latin-1: the
    first that decodes the whole file, or its first `limit` bytes (a preview)."""
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if looks_binary(sample):
        raise ImportFileError(
            _(
                "This file is not a text (CSV) file; it may be a spreadsheet, an image or damaged. "
                "Save it as CSV (UTF-8) or Excel .xlsx and try again."
            )
        )
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", []
    not_utf8 = _undecodable_line(path, "utf-8-sig", limit)
    if not_utf8 is None:
        return "utf-8-sig", []
    if limit is not None:
        where, check = "", _("Check accented names in the preview.")
    else:
        # The worker's (or the command line's) whole read: its preview, if any, read the first
        # part only and may have found it UTF-8 (decision 0063).
        where = _(" (line %(line)s is the first that is not)") % {"line": f"{not_utf8:,}"}
        check = _("Check accented names in the imported records.")
    if _undecodable_line(path, "cp1252", limit) is None:
        return "cp1252", [
            _("The file is not UTF-8%(where)s; it was read as Windows-1252 (Western European).")
            % {"where": where}
            + " "
            + check
        ]
    return "latin-1", [
        _("The file is not UTF-8%(where)s; it was read as Latin-1.") % {"where": where}
        + " "
        + check
        + " "
        + _("Or save the file as CSV UTF-8 and upload it again.")
    ]


def _undecodable_line(path: Path, encoding: str, limit: int | None) -> int | None:
    """The line of the file's first byte that is not `encoding` (None: it all decodes), read a
    megabyte at a time; with a `limit`, of its first `limit` bytes only (a character they cut
    is not an error)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    size = path.stat().st_size
    left = size if limit is None else min(limit, size)
    lines = 1
    with path.open("rb") as handle:
        while left > 0 and (chunk := handle.read(min(1024 * 1024, left))):
            left -= len(chunk)
            try:
                decoder.decode(chunk, final=left == 0 and (limit is None or size <= limit))
            except UnicodeDecodeError as error:
                return lines + chunk[: max(error.start, 0)].count(b"\n")
            lines += chunk.count(b"\n")
    return None


def read_sample(path: Path, encoding: str, limit: int) -> tuple[str, int]:
    """The text of the file's first `limit` bytes, cut after its last whole line (so that
    neither a character nor a line is split), and the length of the line cut off (0 when the
    file is no longer than `limit`). What a preview reads of a text file."""
    with path.open("rb") as handle:
        data = handle.read(limit)
        whole = not handle.read(1)
    decoder = codecs.getincrementaldecoder(encoding)()
    text = decoder.decode(data, final=whole)
    if whole:
        return text, 0
    end = text.rfind("\n") + 1
    return text[:end], len(text) - end


def open_text(table: Table) -> TextIO:
    """The table's text: the whole file, or a preview's first `scan_bytes` (`read_sample`)."""
    if table.scan_bytes is not None:
        return io.StringIO(read_sample(table.path, table.encoding, table.scan_bytes)[0], newline="")
    return table.path.open("r", encoding=table.encoding, newline="", errors="strict")


def _open_csv(path: Path, *, preview: bool = False) -> Table:
    limit = PREVIEW_SCAN_BYTES if preview else None
    encoding, notes = detect_encoding(path, limit=limit)
    table = Table(path=path, file_format="csv", headers=[], encoding=encoding, notes=notes)
    table.scan_bytes = limit
    with open_text(table) as handle:
        sample = handle.read(SAMPLE_BYTES)
    first_line = sample.splitlines()[0] if sample.splitlines() else ""
    try:
        delimiter = csv.Sniffer().sniff(sample[: 16 * 1024], delimiters=",;\t|").delimiter
    except csv.Error:
        counts = {d: first_line.count(d) for d in ",;\t|"}
        delimiter = max(counts, key=counts.__getitem__) if any(counts.values()) else ","
    table.delimiter = delimiter
    csv.field_size_limit(CSV_FIELD_LIMIT)
    first: list[list[str]] = []
    ends: list[int] = []
    with open_text(table) as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for values in reader:
                first.append(values)
                ends.append(reader.line_num)
                if len(first) >= HEADER_SEARCH_ROWS:
                    break
        except csv.Error as error:
            if not first:
                raise ImportFileError(
                    _("The header row cannot be read: %(error)s") % {"error": error}
                ) from error
    index = header_index(first)
    header = first[index] if first else None
    if not header or not any(cell.strip() for cell in header):
        raise ImportFileError(_("The file has no header row (column names) on its first line."))
    table.header_line = ends[index]
    table.notes += _header_note(ends[index - 1] + 1 if index else 1)
    table.headers = unique_headers(header)
    _check_headers(table.headers)
    return table


def _csv_count(table: Table) -> int:
    """The rows `_csv_rows` gives, counted without building them: an import counts its file
    before it starts, and this pass is a few µs a row instead of the rows' ~18."""
    count = 0
    with open_text(table) as handle:
        reader = csv.reader(handle, delimiter=table.delimiter)
        try:
            while reader.line_num < table.header_line:
                next(reader)
        except (csv.Error, StopIteration):
            return 0
        while True:
            try:
                for values in reader:
                    if "".join(values).strip():
                        count += 1
                return count
            except csv.Error:
                count += 1


def _csv_rows(table: Table) -> Iterator[Row]:
    width = len(table.headers)
    with open_text(table) as handle:
        reader = csv.reader(handle, delimiter=table.delimiter)
        try:
            while reader.line_num < table.header_line:
                next(reader)
        except (csv.Error, StopIteration):
            return
        line = reader.line_num
        stop = None if table.scan_limit is None else line + table.scan_limit
        while True:
            start = line + 1
            if stop is not None and start > stop:
                return
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                line = reader.line_num
                yield Row(
                    line=start,
                    values=[],
                    error=_("This line cannot be read: %(error)s") % {"error": error},
                )
                continue
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            values = values[:width]
            if is_totals_row(values):
                yield Row(line=start, values=values, error=_totals_error(values))
                continue
            yield Row(line=start, values=values)


# --- Excel ---------------------------------------------------------------------------------


@contextmanager
def _workbook(path: Path) -> Iterator[Workbook]:
    """The workbook, with every way a hostile or damaged file fails turned into ImportFileError."""
    try:
        with Workbook(path) as workbook:
            yield workbook
    except ImportFileError:
        raise
    except XlsxError as error:
        raise ImportFileError(error.message) from error
    except (zipfile.BadZipFile, zlib.error, ValueError, KeyError, IndexError, EOFError, OSError):
        raise ImportFileError(
            _("This is not a valid Excel .xlsx file (it may be damaged or in another format).")
        ) from None


def _open_xlsx(path: Path) -> Table:
    first: list[list[str]] = []
    with _workbook(path) as workbook:
        for number, values in workbook.rows():
            if number > HEADER_SEARCH_ROWS:
                break
            while len(first) < number - 1:
                first.append([])
            first.append(values)
        last_row = workbook.estimated_rows()
    index = header_index(first)
    if not first or not any(v.strip() for v in first[index]):
        raise ImportFileError(_("The first sheet is empty."))
    header = first[index]
    while header and header[-1] == "":
        header.pop()
    table = Table(
        path=path,
        file_format="xlsx",
        headers=unique_headers(header),
        header_line=index + 1,
        notes=_header_note(index + 1),
    )
    if last_row is not None:
        table.estimated_rows = max(last_row - table.header_line, 0)
    _check_headers(table.headers)
    return table


def _xlsx_rows(table: Table) -> Iterator[Row]:
    width = len(table.headers)
    with _workbook(table.path) as workbook:
        for line, values in workbook.rows(width):
            if line <= table.header_line:
                continue
            if table.scan_limit is not None and line - table.header_line > table.scan_limit:
                return
            texts = values[:width]
            if not any(t.strip() for t in texts):
                continue
            if len(texts) < width:
                texts += [""] * (width - len(texts))
            if is_totals_row(texts):
                yield Row(line=line, values=texts, error=_totals_error(texts))
                continue
            yield Row(line=line, values=texts)

"""Reading Excel .xlsx workbooks ourselves: streamed, bounded, and safe against hostile zips.

openpyxl's reader loads every shared string of a workbook as a Python string before the first
cell is read (a 5 MB file of 2,000,000 short strings took 13 s and hundreds of MB, once per
read), and it opens whatever zip it is given. This reader (decision 0063):

- checks the zip before decompressing anything: at most `MAX_MEMBERS` members (counted from
  the end-of-central-directory record, before `zipfile` builds one object per member), only
  stored or deflated members, no encryption, declared sizes adding up to at most
  `CENTRIC_IMPORT_MAX_UNPACKED_BYTES`, and no member over 1 MiB that unpacks more than
  `MAX_RATIO` times its packed size;
- reads each part it needs (workbook, relationships, styles, shared strings, the first
  worksheet) as a stream with a byte budget, and refuses a part whose bytes run past its
  declared size or form one value longer than `MAX_ELEMENT_BYTES` (Excel's cells hold 32,767
  characters) — headers can lie, the budget cannot;
- never opens nested archives or embedded objects, and refuses a part with a DTD;
- reads shared strings lazily, only as far as the rows read so far need (the first rows of a
  sheet use the first strings: Excel writes them in order of first use), and keeps them as
  UTF-8 in one buffer with an offset table, spilled to an unnamed temporary file beyond
  `STRINGS_IN_MEMORY` bytes, so that millions of strings cost bytes, not objects.

Cells become the text the import reads: numbers without a trailing ".0", dates (cells with a
date format) as ISO dates, booleans as true/false, formulas as their cached result.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
import struct
import tempfile
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree as ET
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from centric.core.errors import ApplicationError

MAX_MEMBERS = 1000
MAX_RATIO = 250
RATIO_CHECKED_FROM = 1024 * 1024
# Bytes the parser may take in without finishing one element: far above Excel's longest cell.
MAX_ELEMENT_BYTES = 4 * 1024 * 1024
# Excel's widest row (column XFD).
MAX_SHEET_COLUMNS = 16_384
MAX_SHARED_STRINGS = 50_000_000
STRINGS_IN_MEMORY = 32 * 1024 * 1024
CHUNK = 64 * 1024
_SMALL_PART = 64 * 1024 * 1024

_REFERENCE = re.compile(r"([A-Z]{1,3})(\d*)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_PROLOG_END = re.compile(rb"<[A-Za-z_]")
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


class XlsxError(ApplicationError):
    """The workbook cannot be read safely; the message is shown to the user as it is."""


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "CENTRIC_IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024))


def _damaged() -> XlsxError:
    return XlsxError(
        _("This is not a valid Excel .xlsx file (it may be damaged or in another format).")
    )


def _bomb() -> XlsxError:
    return XlsxError(
        _(
            "This file unpacks to far more data than a workbook of its size holds (a “zip "
            "bomb”, or a damaged file); it was not read. Save the sheet as CSV and import that."
        )
    )


# --- The zip container ---------------------------------------------------------------------


def _declared_members(handle: IO[bytes]) -> int:
    """The member count the end-of-central-directory record declares (zip64 included), read
    before `zipfile` parses the directory, so that a file of a million members is refused
    before a million objects are built."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    tail_size = min(size, 22 + 65_535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < 22:
        raise _damaged()
    (_signature, _disk, _start, _here, total, directory_size, _offset, _comment) = struct.unpack(
        "<4s4H2LH", tail[position : position + 22]
    )
    if total == 0xFFFF or directory_size == 0xFFFFFFFF:
        locator = tail.rfind(b"PK\x06\x07", 0, position)
        if locator < 0 or position - locator < 20:
            raise _damaged()
        (record_offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        handle.seek(record_offset)
        record = handle.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            raise _damaged()
        total, directory_size = struct.unpack("<QQ", record[32:48])
    # A central directory entry is at least 46 bytes: a directory larger than the members it
    # declares could hold is hiding members.
    if directory_size > 46 * MAX_MEMBERS + 2048 * MAX_MEMBERS:
        return MAX_MEMBERS + 1
    return int(total)


def open_zip(path: Any) -> zipfile.ZipFile:
    """Open a workbook's zip after the container checks (see the module's docstring)."""
    try:
        with open(path, "rb") as handle:
            members = _declared_members(handle)
        if members > MAX_MEMBERS:
            raise XlsxError(
                _(
                    "This file is a zip archive of more than %(count)s parts; an Excel workbook "
                    "has a few dozen. It was not read."
                )
                % {"count": f"{MAX_MEMBERS:,}"}
            )
        archive = zipfile.ZipFile(path)
    except XlsxError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, struct.error):
        raise _damaged() from None
    try:
        _check_members(archive.infolist())
    except BaseException:
        archive.close()
        raise
    return archive


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise _bomb()
    limit = max_unpacked_bytes()
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise XlsxError(
                _(
                    "This workbook is password-protected; open it in Excel, remove the password "
                    "(or save it as CSV) and import that."
                )
            )
        total += member.file_size
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _bomb()
    if total > limit:
        raise XlsxError(
            _(
                "This workbook unpacks to %(size)s; the largest an import reads is %(limit)s. "
                "Save the sheet as CSV and import that."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )


class _Budget:
    """Bytes one reading of a workbook may unpack, whatever its headers declare."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _bomb()


def _stream(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    """A member's bytes in chunks, within the budget and its declared size."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _damaged() from None
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged()
    seen = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                seen += len(chunk)
                if seen > info.file_size:
                    raise _bomb()
                budget.take(len(chunk))
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise _damaged() from None


def _events(
    archive: zipfile.ZipFile, name: str, budget: _Budget
) -> Iterator[tuple[str, ET.Element]]:
    """Start and end events of one XML part, parsed as it is unpacked. A part with a DTD, or
    whose bytes form no element end for `MAX_ELEMENT_BYTES`, is refused."""
    parser = ET.XMLPullParser(events=("start", "end"))
    pending = 0
    first = True
    try:
        for chunk in _stream(archive, name, budget):
            if first:
                first = False
                match = _PROLOG_END.search(chunk)
                prolog = chunk[: match.start()] if match else chunk
                if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog or match is None:
                    raise _damaged()
            parser.feed(chunk)
            pending += len(chunk)
            for event in parser.read_events():
                if event[0] == "end":
                    pending = 0
                yield event  # type: ignore[misc]  # start/end events carry elements
            if pending > MAX_ELEMENT_BYTES:
                raise XlsxError(
                    _(
                        "This workbook holds a value far longer than Excel allows in a cell "
                        "(damaged or built to attack); it was not read."
                    )
                )
        parser.close()
        for event in parser.read_events():
            yield event  # type: ignore[misc]
    except ET.ParseError:
        raise _damaged() from None


class _Expat:
    """An expat parser over one part, fed as it is unpacked, with `handlers` called by local
    element name (namespace and prefix dropped). Refuses a DTD, and bytes that complete no
    element for `MAX_ELEMENT_BYTES`; `feed_more()` returns False at the part's end."""

    def __init__(self, archive: zipfile.ZipFile, name: str, budget: _Budget) -> None:
        self._chunks = _stream(archive, name, budget)
        self._parser = expat.ParserCreate(namespace_separator="}")
        self._parser.buffer_text = True
        self._parser.StartDoctypeDeclHandler = self._refuse
        self._parser.EntityDeclHandler = self._refuse
        self._names: dict[str, str] = {}
        self.progress = 0
        self._pending = 0
        self.finished = False

    def _refuse(self, *_args: object) -> None:
        raise _damaged()

    def local(self, name: str) -> str:
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = name.rpartition("}")[2].rpartition(":")[2]
        return found

    def feed_more(self) -> bool:
        if self.finished:
            return False
        chunk = next(self._chunks, None)
        try:
            if chunk is None:
                self.finished = True
                self._parser.Parse(b"", True)
                return False
            before = self.progress
            self._parser.Parse(chunk, False)
        except expat.ExpatError:
            raise _damaged() from None
        self._pending = 0 if self.progress != before else self._pending + len(chunk)
        if self._pending > MAX_ELEMENT_BYTES:
            raise _too_long()
        return True

    def close(self) -> None:
        self.finished = True
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


def _too_long() -> XlsxError:
    return XlsxError(
        _(
            "This workbook holds a value far longer than Excel allows in a cell "
            "(damaged or built to attack); it was not read."
        )
    )


def _small_part(archive: zipfile.ZipFile, name: str, budget: _Budget) -> ET.Element:
    """A whole small part (workbook, relationships, styles) as a tree."""
    info = archive.NameToInfo.get(name)
    if info is None:
        raise _damaged()
    if info.file_size > _SMALL_PART:
        raise _bomb()
    root: ET.Element | None = None
    for event, element in _events(archive, name, budget):
        if event == "start" and root is None:
            root = element
    if root is None:
        raise _damaged()
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _relationships(
    archive: zipfile.ZipFile, part: str, budget: _Budget
) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type's last word, target path inside the zip)."""
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    if name not in archive.NameToInfo:
        return {}
    result: dict[str, tuple[str, str]] = {}
    for element in _small_part(archive, name, budget):
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        result[element.get("Id", "")] = (
            element.get("Type", "").rpartition("/")[2],
            posixpath.normpath(path),
        )
    return result


# --- Cell values ---------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """Excel writes control characters as `_x000D_`."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def is_date_format(code: str) -> bool:
    code = _QUOTED.sub("", code.split(";")[0])
    return code.lower() != "general" and bool(_DATE_CODE.search(code))


def _number_text(text: str) -> str:
    text = text.strip()
    if not any(mark in text for mark in ".eE"):
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    if number.is_integer():
        return str(int(number))
    return str(number)


def _date_text(text: str, epoch: dt.datetime) -> str:
    try:
        serial = float(text)
    except ValueError:
        return text
    if not -1e7 < serial < 3e6:
        return _number_text(text)
    if 0 < serial < 1:
        moment = dt.datetime.min + dt.timedelta(milliseconds=round(serial * 86_400_000))
        return moment.time().isoformat()
    if epoch.year == 1899 and serial < 60:
        serial += 1  # Excel's 1900 calendar counts a 29 February 1900 that never was.
    milliseconds = round(serial * 86_400_000)
    value = epoch + dt.timedelta(milliseconds=milliseconds)
    if value.time() == dt.time():
        return value.date().isoformat()
    return value.isoformat()


class SharedStrings:
    """A workbook's shared strings, parsed only as far as they are asked for, stored as UTF-8
    bytes with an offset table (a temporary file holds them beyond `STRINGS_IN_MEMORY`)."""

    def __init__(self, archive: zipfile.ZipFile, name: str | None, budget: _Budget) -> None:
        self._ends = array("Q", [0])
        self._memory = bytearray()
        self._memory_start = 0  # offset of _memory[0] in the whole store
        self._file: IO[bytes] | None = None
        self._cache: dict[int, str] = {}
        self._parts: list[str] = []
        self._capture = False
        self._phonetic = 0
        self._parser: _Expat | None = None
        if name is not None:
            self._parser = _Expat(archive, name, budget)
            self._parser._parser.StartElementHandler = self._start
            self._parser._parser.EndElementHandler = self._end
            self._parser._parser.CharacterDataHandler = self._text

    def __len__(self) -> int:
        return len(self._ends) - 1

    def close(self) -> None:
        if self._parser is not None:
            self._parser.close()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _start(self, name: str, _attributes: dict[str, str]) -> None:
        assert self._parser is not None
        tag = self._parser.local(name)
        if tag == "t":
            self._capture = not self._phonetic
        elif tag == "si":
            self._parts = []
        elif tag == "rPh":
            self._phonetic += 1

    def _end(self, name: str) -> None:
        assert self._parser is not None
        self._parser.progress += 1
        tag = self._parser.local(name)
        if tag == "t":
            self._capture = False
        elif tag == "si":
            self._append(_unescape("".join(self._parts)))
            self._parts = []
        elif tag == "rPh":
            self._phonetic -= 1

    def _text(self, data: str) -> None:
        if self._capture:
            self._parts.append(data)

    def _append(self, text: str) -> None:
        data = text.encode("utf-8", "surrogatepass")
        self._memory += data
        self._ends.append(self._ends[-1] + len(data))
        if len(self._ends) > MAX_SHARED_STRINGS + 1:
            raise XlsxError(
                _("This workbook holds more than %(count)s different texts; it was not read.")
                % {"count": f"{MAX_SHARED_STRINGS:,}"}
            )
        if len(self._memory) > STRINGS_IN_MEMORY:
            if self._file is None:
                # Unnamed: removed by the system when closed, even if this process dies.
                self._file = tempfile.TemporaryFile(prefix="centric-xlsx-")  # noqa: SIM115 - closed by close()
            self._file.seek(0, os.SEEK_END)
            self._file.write(self._memory)
            self._file.flush()
            self._memory_start += len(self._memory)
            self._memory = bytearray()

    def _read_more(self, index: int) -> None:
        while self._parser is not None and len(self) <= index and self._parser.feed_more():
            pass

    def get(self, index: int) -> str:
        cached = self._cache.get(index)
        if cached is not None:
            return cached
        if index >= len(self):
            self._read_more(index)
        if not 0 <= index < len(self):
            raise _damaged()
        start, end = self._ends[index], self._ends[index + 1]
        if start >= self._memory_start:
            data = bytes(self._memory[start - self._memory_start : end - self._memory_start])
        else:
            assert self._file is not None  # bytes before _memory_start were spilled
            data = os.pread(self._file.fileno(), min(end, self._memory_start) - start, start)
            if end > self._memory_start:
                data += bytes(self._memory[: end - self._memory_start])
        text = data.decode("utf-8", "surrogatepass")
        if len(data) <= 256:
            if len(self._cache) >= 100_000:
                self._cache.clear()
            self._cache[index] = text
        return text


# --- The workbook --------------------------------------------------------------------------


class Workbook:
    """One reading of a workbook's first worksheet; use as a context manager."""

    def __init__(self, path: Any) -> None:
        self.archive = open_zip(path)
        self.budget = _Budget(max_unpacked_bytes())
        try:
            self._locate()
        except BaseException:
            self.archive.close()
            raise
        self.strings = SharedStrings(self.archive, self.strings_part, self.budget)

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.strings.close()
        self.archive.close()

    def _locate(self) -> None:
        names = self.archive.NameToInfo
        package = _relationships(self.archive, "", self.budget)
        workbook = next(
            (target for kind, target in package.values() if kind == "officeDocument"),
            "xl/workbook.xml",
        )
        if workbook not in names:
            raise XlsxError(
                _(
                    "This file is a zip archive, not an Excel workbook; upload the .xlsx file "
                    "Excel saves, or a CSV."
                )
            )
        related = _relationships(self.archive, workbook, self.budget)
        root = _small_part(self.archive, workbook, self.budget)
        epoch = dt.datetime(1899, 12, 30)
        sheet_ids: list[str] = []
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = dt.datetime(1904, 1, 1)
            elif tag == "sheet":
                sheet_ids.extend(
                    value for key, value in element.attrib.items() if _local(key) == "id"
                )
        self.epoch = epoch
        sheets = [related[i][1] for i in sheet_ids if i in related and related[i][0] == "worksheet"]
        if not sheets and "xl/worksheets/sheet1.xml" in names:
            sheets = ["xl/worksheets/sheet1.xml"]
        if not sheets or sheets[0] not in names:
            raise XlsxError(_("The workbook has no sheets."))
        self.sheet = sheets[0]
        by_kind = dict(related.values())
        strings = by_kind.get("sharedStrings", "xl/sharedStrings.xml")
        self.strings_part = strings if strings in names else None
        styles = by_kind.get("styles", "xl/styles.xml")
        self.date_styles = self._date_styles(styles) if styles in names else frozenset()

    def _date_styles(self, part: str) -> frozenset[int]:
        root = _small_part(self.archive, part, self.budget)
        custom: dict[int, str] = {}
        dates: set[int] = set()
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                try:
                    custom[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
                except ValueError:
                    continue
        for container in root:
            if _local(container.tag) != "cellXfs":
                continue
            for index, xf in enumerate(child for child in container if _local(child.tag) == "xf"):
                try:
                    number_format = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                if number_format in custom:
                    if is_date_format(custom[number_format]):
                        dates.add(index)
                elif number_format in _DATE_FORMAT_IDS:
                    dates.add(index)
        return frozenset(dates)

    def estimated_rows(self) -> int | None:
        """The last row the sheet's `<dimension>` declares (cheap: it comes first), if any."""
        for event, element in _events(self.archive, self.sheet, _Budget(CHUNK * 4)):
            if event != "start":
                continue
            tag = _local(element.tag)
            if tag == "dimension":
                match = _REFERENCE.match(element.get("ref", "").rpartition(":")[2])
                return int(match.group(2)) if match and match.group(2) else None
            if tag == "sheetData":
                return None
        return None

    def rows(self, width: int | None = None) -> Iterator[tuple[int, list[str]]]:
        """(sheet row number, cell texts) of each row that has cells, up to `width` columns."""
        sheet = _SheetReader(self, width)
        try:
            while sheet.parser.feed_more():
                if sheet.ready:
                    ready, sheet.ready = sheet.ready, []
                    yield from ready
                if sheet.done:
                    return
            yield from sheet.ready
        finally:
            sheet.parser.close()

    def cell_text(self, kind: str, style: str | None, text: str) -> str:
        """A cell's value as the import reads it, from its type, style and raw text."""
        if not text:
            return ""
        if kind == "s":
            return _unescape(self.strings.get(int(text)))
        if kind in ("str", "e", "inlineStr"):
            return _unescape(text)
        if kind == "b":
            return "true" if text.strip() == "1" else "false"
        if kind == "d":
            return text[:10] if text.endswith("T00:00:00") else text
        if style and self.date_styles and int(style) in self.date_styles:
            return _date_text(text, self.epoch)
        return _number_text(text)


class _SheetReader:
    """The expat handlers that turn a worksheet's XML into rows, one chunk at a time."""

    def __init__(self, workbook: Workbook, width: int | None) -> None:
        self.workbook = workbook
        self.width = width
        self.parser = _Expat(workbook.archive, workbook.sheet, workbook.budget)
        handlers = self.parser._parser
        handlers.StartElementHandler = self._start
        handlers.EndElementHandler = self._end
        handlers.CharacterDataHandler = self._text
        self.ready: list[tuple[int, list[str]]] = []
        self.done = False
        self.row: list[str] = []
        self.row_number = 0
        self.column = -1
        self.cells = 0
        self.kind = "n"
        self.style: str | None = None
        self.parts: list[str] = []
        self.capture = False
        self.phonetic = 0
        self.length = 0

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        tag = self.parser.local(name)
        if tag == "c":
            reference = attributes.get("r")
            if reference:
                match = _REFERENCE.match(reference)
                if match is None:
                    raise _damaged()
                self.column = _column_index(match.group(1))
            else:
                self.column += 1
            self.cells += 1
            if self.column >= MAX_SHEET_COLUMNS or self.cells > MAX_SHEET_COLUMNS:
                raise _damaged()
            self.kind = attributes.get("t", "n")
            self.style = attributes.get("s")
            self.parts = []
            self.length = 0
        elif tag == "v" or (tag == "t" and not self.phonetic):
            self.capture = True
        elif tag == "row":
            declared = attributes.get("r")
            self.row_number = int(declared) if declared else self.row_number + 1
            self.row, self.column, self.cells = [], -1, 0
        elif tag == "rPh":
            self.phonetic += 1

    def _end(self, name: str) -> None:
        self.parser.progress += 1
        tag = self.parser.local(name)
        if tag == "c":
            column = self.column
            if self.parts and (self.width is None or column < self.width):
                text = self.workbook.cell_text(self.kind, self.style, "".join(self.parts))
                if text:
                    row = self.row
                    if column >= len(row):
                        row.extend([""] * (column + 1 - len(row)))
                    row[column] = text
            self.parts = []
        elif tag in ("v", "t"):
            self.capture = False
        elif tag == "row":
            if self.row:
                self.ready.append((self.row_number, self.row))
            self.row = []
        elif tag == "rPh":
            self.phonetic -= 1
        elif tag == "sheetData":
            self.done = True

    def _text(self, data: str) -> None:
        if self.capture:
            self.parts.append(data)
            self.length += len(data)
            if self.length > MAX_ELEMENT_BYTES:
                raise _too_long()


_COLUMNS: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def read_failure(error: BaseException) -> XlsxError:
    """What to tell the user when reading failed in a way the checks above did not name."""
    if isinstance(error, XlsxError):
        return error
    return _damaged()

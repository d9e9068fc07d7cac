"""Workbooks written the way Excel writes them, and hostile files built from them.

openpyxl writes every text inline, so a file it writes never exercises the shared strings that
Excel (and Google Sheets, LibreOffice, HubSpot, Salesforce) use; `write_xlsx` writes what Excel
does: a shared-strings part in order of first use, a styles part whose second cell format is a
date, one worksheet. It streams, so the benchmark writes 50 MB workbooks with it too.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
    f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><workbookPr/><bookViews><workbookView/>'
    '</bookViews><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{PACKAGE}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0"/><xf numFmtId="14" fontId="0" '
    'applyNumberFormat="1"/><xf numFmtId="164" fontId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
EPOCH = dt.date(1899, 12, 30)


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def write_xlsx(
    target: Path | io.BytesIO,
    rows: Iterable[list[Any]],
    *,
    extra_strings: Iterable[str] = (),
    extra_members: dict[str, bytes] | None = None,
    dimension_rows: int | None = None,
) -> None:
    """Write rows (text, numbers, dates, None) as Excel does. `extra_strings` are added to the
    shared strings after those the sheet uses (as a hostile file might)."""
    strings: dict[str, int] = {}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'.encode()
            )
            if dimension_rows:
                sheet.write(f'<dimension ref="A1:J{dimension_rows}"/>'.encode())
            sheet.write(b"<sheetData>")
            buffer: list[str] = []
            for number, values in enumerate(rows, start=1):
                cells = []
                for index, value in enumerate(values):
                    if value is None or value == "":
                        continue
                    reference = f"{_column(index)}{number}"
                    if isinstance(value, str):
                        position = strings.setdefault(value, len(strings))
                        cells.append(f'<c r="{reference}" t="s"><v>{position}</v></c>')
                    elif isinstance(value, bool):
                        cells.append(f'<c r="{reference}" t="b"><v>{int(value)}</v></c>')
                    elif isinstance(value, dt.date):
                        serial = (value - EPOCH).days
                        cells.append(f'<c r="{reference}" s="1"><v>{serial}</v></c>')
                    else:
                        cells.append(f'<c r="{reference}"><v>{value}</v></c>')
                buffer.append(f'<row r="{number}">{"".join(cells)}</row>')
                if len(buffer) >= 1000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())
        for text in extra_strings:
            strings.setdefault(text, len(strings))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as shared:
            shared.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                f'uniqueCount="{len(strings)}">'.encode()
            )
            chunk: list[str] = []
            for text in strings:
                space = ' xml:space="preserve"' if text != text.strip() else ""
                chunk.append(f"<si><t{space}>{escape(text)}</t></si>")
                if len(chunk) >= 5000:
                    shared.write("".join(chunk).encode())
                    chunk = []
            shared.write(("".join(chunk) + "</sst>").encode())
        for name, content in (extra_members or {}).items():
            archive.writestr(name, content)


PEOPLE: list[list[Any]] = [
    ["Customer ID", "First Name", "Last Name", "Mobile", "E-mail", "Date of Birth"],
    ["C-001", "Adaeze", "Okafor", "0803 123 4567", "adaeze@example.com", dt.date(1990, 4, 17)],
    ["C-002", "Chinedu", "Eze", "0805 987 6543", "chinedu.eze@example.ng", None],
]


def xlsx_bytes(rows: Iterable[list[Any]] = PEOPLE, **kwargs: Any) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, rows, **kwargs)
    return buffer.getvalue()


def bomb_xlsx(unpacked: int = 64 * 1024 * 1024) -> bytes:
    """A workbook whose sheet unpacks to `unpacked` bytes of blanks after its header row (a
    few dozen KB packed: about 1,000 to 1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
                "<is><t>Name</t></is></c></row>".encode()
            )
            block = b" " * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def with_lying_sizes(content: bytes, member: str, declared: int) -> bytes:
    """The same zip, its central directory declaring `declared` bytes for `member` (a header
    that lies about how much the member unpacks to)."""
    data = bytearray(content)
    name = member.encode()
    position = 0
    while True:
        position = data.find(b"PK\x01\x02", position)
        if position < 0:
            raise ValueError(member)
        length = struct.unpack("<H", data[position + 28 : position + 30])[0]
        if data[position + 46 : position + 46 + length] == name:
            data[position + 24 : position + 28] = struct.pack("<L", declared)
            return bytes(data)
        position += 4


def many_members_zip(count: int = 5000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"xl/media/{index}.xml", b"")
    return buffer.getvalue()


def nested_zip(depth: int = 3) -> bytes:
    """A zip of zips of zips (each level ten copies of the one below), named like a workbook."""
    inner = bomb_xlsx(8 * 1024 * 1024)
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for index in range(10):
                archive.writestr(f"level{level}/{index}.zip", inner)
        inner = buffer.getvalue()
    return inner

"""Hostile and mislabelled uploads (issue 9): zip bombs, millions of shared strings, a 10 MB
vCard line, files that lie about their type, damaged workbooks. Each is refused with a clear
message — on the page, the API and `centric import` — and leaves no file behind; a workbook that
is merely large is read within bounded memory. The files are built here, small."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from centric.core.api.testing import assert_problem
from centric.customers.models import Person
from centric.imports import xlsx
from centric.imports.models import ImportJob, JobStatus
from centric.imports.parsing import ImportFileError, open_table
from centric.imports.services.jobs import job_configure, job_preview, job_run, job_start
from centric.imports.tests.files import (
    CONTENT_TYPES,
    MAIN,
    PACKAGE_RELS,
    PEOPLE,
    WORKBOOK,
    WORKBOOK_RELS,
    bomb_xlsx,
    many_members_zip,
    nested_zip,
    with_lying_sizes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

CSV = (
    b"Customer ID,First Name,Last Name,Mobile,E-mail\r\n"
    b"C-001,Adaeze,Okafor,0803 123 4567,adaeze@example.com\r\n"
    b"C-002,Chinedu,Eze,0805 987 6543,chinedu.eze@example.ng\r\n"
)
VCARD = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Adeyemi;Bisi;;;\r\nFN:Bisi Adeyemi\r\n"
    b"TEL;TYPE=CELL:+234 803 555 0101\r\nEND:VCARD\r\n"
)


def _workbook(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook's zip with the given parts over Excel's usual ones."""
    base: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": PACKAGE_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    }
    base.update(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in base.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _sheet(rows: str) -> str:
    return f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'


HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>First Name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Last Name</t></is></c></row>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    f'<sst xmlns="{MAIN}"><si><t>&lol3;</t></si></sst>'
)

# name, content, what the refusal says
REFUSED = {
    "zip bomb": ("people.xlsx", lambda: bomb_xlsx(64 * 1024 * 1024), "zip bomb"),
    "sizes that lie": (
        "people.xlsx",
        lambda: with_lying_sizes(
            bomb_xlsx(64 * 1024 * 1024), "xl/worksheets/sheet1.xml", 1_000_000
        ),
        "not a valid Excel .xlsx file",
    ),
    "thousands of members": ("people.xlsx", many_members_zip, "more than 1,000 parts"),
    "zip of zips": ("people.xlsx", nested_zip, "zip archive, not an Excel workbook"),
    "zip named csv": ("people.csv", nested_zip, "zip archive, not an Excel workbook"),
    "pdf named csv": (
        "people.csv",
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >>\nendobj\n",
        "This file is a PDF document",
    ),
    "program named csv": (
        "people.csv",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 64,
        "This file is a Windows program",
    ),
    "image named csv": (
        "people.csv",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        "This file is an image (PNG)",
    ),
    "image named vcf": (
        "contacts.vcf",
        lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200),
        "This file is an image (JPEG)",
    ),
    "csv named vcf": ("contacts.vcf", lambda: CSV, "This is not a vCard file"),
    "old excel named xlsx": (
        "people.xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "old-style Excel workbook (.xls) or a password-protected one",
    ),
    "web page named xlsx": (
        "report.xlsx",
        lambda: b"<html><body><table><tr><td>Name</td><td>Phone</td></tr></table></body></html>",
        "web page or an XML file",
    ),
    "truncated workbook": (
        "people.xlsx",
        lambda: xlsx_bytes()[:-200],
        "not a valid Excel .xlsx file",
    ),
    "workbook part not xml": (
        "people.xlsx",
        lambda: _workbook({"xl/workbook.xml": "this is not xml <<<"}),
        "not a valid Excel .xlsx file",
    ),
    "workbook without its sheet": (
        "people.xlsx",
        lambda: _workbook({}),
        "The workbook has no sheets",
    ),
    "a cell reference no sheet has": (
        "people.xlsx",
        lambda: _workbook({"xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="1A"/></row>')}),
        "not a valid Excel .xlsx file",
    ),
    "a shared string that is not there": (
        "people.xlsx",
        lambda: _workbook(
            {"xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>7</v></c></row>')}
        ),
        "not a valid Excel .xlsx file",
    ),
    "a style that is not a number": (
        "people.xlsx",
        lambda: _workbook(
            {
                "xl/worksheets/sheet1.xml": _sheet(
                    HEADER_ROW + '<row r="2"><c r="A2" s="x"><v>1</v></c></row>'
                ),
                "xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><cellXfs><xf numFmtId="14"/>'
                "</cellXfs></styleSheet>",
            }
        ),
        "not a valid Excel .xlsx file",
    ),
    "entities that expand": (
        "people.xlsx",
        lambda: _workbook(
            {
                "xl/worksheets/sheet1.xml": _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                "xl/sharedStrings.xml": BILLION_LAUGHS,
            }
        ),
        "not a valid Excel .xlsx file",
    ),
    "a value longer than any cell": (
        "people.xlsx",
        lambda: _workbook(
            {
                "xl/worksheets/sheet1.xml": _sheet(
                    '<row r="1"><c r="A1" t="inlineStr"><is><t>'
                    + "A" * (6 * 1024 * 1024)
                    + "</t></is></c></row>"
                )
            },
            zipfile.ZIP_STORED,
        ),
        "far longer than Excel allows",
    ),
    "a ten megabyte vcard line": (
        "contacts.vcf",
        lambda: (
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Chinedu;;;\r\nNOTE:"
            + b"A" * (10 * 1024 * 1024)
            + b"\r\nEND:VCARD\r\n"
        ),
        "Line 4 of the file is longer than 1,000,000 characters",
    ),
}


def _stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_upload_is_refused_on_the_page_and_leaves_no_file(
    case, logged_in_client, manager, settings
):
    name, content, message = REFUSED[case]
    client = logged_in_client(manager)

    response = client.post(
        "/imports/new/", {"record_type": "people", "file": SimpleUploadedFile(name, content())}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_upload_is_refused_by_the_api_and_leaves_no_file(
    case, api_client, manager, settings
):
    name, content, message = REFUSED[case]

    response = api_client(manager).post(
        "/api/v1/imports", {"record_type": "people", "file": SimpleUploadedFile(name, content())}
    )

    body = assert_problem(response, 422)
    assert message in body["detail"]
    assert not ImportJob.objects.exists()
    assert _stored_files(settings) == []


@pytest.mark.parametrize(
    "case", ["zip bomb", "zip of zips", "program named csv", "a ten megabyte vcard line"]
)
def test_a_hostile_file_is_refused_by_the_command(case, tmp_path, settings):
    name, content, message = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(content())

    with pytest.raises(CommandError, match=message):
        call_command("import", "people", str(path), stdout=io.StringIO())

    assert not ImportJob.objects.exists() and not Person.objects.exists()
    assert _stored_files(settings) == []


def test_a_zip_bomb_is_refused_before_it_is_unpacked(write_file):
    path = write_file("people.xlsx", bomb_xlsx(256 * 1024 * 1024))

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError, match="zip bomb"):
            open_table(path, "xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert path.stat().st_size < 512 * 1024
    assert peak < 5 * 1024 * 1024


def test_a_workbook_unpacking_past_the_limit_is_refused(write_file, settings):
    rows = [["First Name", "Last Name"]] + [[f"Name{n}", f"Surname{n}"] for n in range(5000)]
    path = write_file("people.xlsx", xlsx_bytes(rows))
    settings.CENTRIC_IMPORT_MAX_UNPACKED_BYTES = 100_000

    with pytest.raises(ImportFileError, match="unpacks to .*the largest an import reads is"):
        open_table(path, "xlsx")


def test_a_nested_archive_inside_a_workbook_is_never_opened(write_file):
    content = xlsx_bytes(extra_members={"xl/embeddings/oleObject1.bin": nested_zip(2)})

    job_rows = [row.values for row in open_table(write_file("p.xlsx", content), "xlsx").rows()]

    assert job_rows[0][:3] == ["C-001", "Adaeze", "Okafor"]
    assert len(job_rows) == 2


def test_millions_of_shared_strings_cost_the_request_only_what_the_preview_needs(
    logged_in_client, manager, settings
):
    # 300,000 short strings after the three rows' own: a few MB, as in the report's 5 MB file.
    extra = (f"x{n}" for n in range(300_000))
    content = xlsx_bytes(PEOPLE, extra_strings=extra)
    client = logged_in_client(manager)

    response = client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("people.xlsx", content)},
    )
    job = ImportJob.objects.get()
    with xlsx.Workbook(job.path) as workbook:
        first = [values for _number, values in workbook.rows()][:3]
        strings_read = len(workbook.strings)

    assert response.status_code == 302
    assert job.file_format == "xlsx" and job.headers[:3] == [
        "Customer ID",
        "First Name",
        "Last Name",
    ]
    assert first[1][:3] == ["C-001", "Adaeze", "Okafor"]
    # Of 300,000: only as far as the rows read need, one 64 KB chunk of the part.
    assert strings_read < 5_000


def test_shared_strings_beyond_the_memory_bound_are_kept_in_a_temporary_file(
    write_file, monkeypatch
):
    monkeypatch.setattr(xlsx, "STRINGS_IN_MEMORY", 4096)
    rows = [["First Name", "Last Name", "City"]] + [
        [f"Ngozi{n}", f"Okonkwo {n} ", "Lagos" if n % 2 else "Ìbàdàn"] for n in range(3000)
    ]
    path = write_file("people.xlsx", xlsx_bytes(rows))

    with xlsx.Workbook(path) as workbook:
        values = [row for _number, row in workbook.rows()]
        spilled = workbook.strings._file
        assert spilled is not None and not spilled.closed

    assert values[0] == ["First Name", "Last Name", "City"]
    assert values[1] == ["Ngozi0", "Okonkwo 0 ", "Ìbàdàn"]
    assert values[-1] == ["Ngozi2999", "Okonkwo 2999 ", "Lagos"]
    assert spilled.closed


def test_excel_dates_numbers_and_booleans_become_the_text_the_import_reads(write_file):
    rows = [
        ["First Name", "Born", "Score", "Subscribed", "Account"],
        ["Funke", dt.date(1988, 2, 29), 2.5, True, 2348031234567],
        ["Tunde", dt.date(2001, 12, 1), 3.0, False, 12],
    ]

    table = open_table(write_file("people.xlsx", xlsx_bytes(rows)), "xlsx")

    assert [row.values for row in table.rows()] == [
        ["Funke", "1988-02-29", "2.5", "true", "2348031234567"],
        ["Tunde", "2001-12-01", "3", "false", "12"],
    ]


def test_a_workbook_is_imported_from_excel_shared_strings(write_file, stages):
    from centric.imports.services import import_file

    job = import_file(path=write_file("people.xlsx", xlsx_bytes()), record_type="people")

    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 2, 0)
    adaeze = Person.objects.get(external_id="C-001")
    assert (adaeze.first_name, adaeze.primary_phone) == ("Adaeze", "+2348031234567")
    assert adaeze.date_of_birth == dt.date(1990, 4, 17)


@pytest.mark.parametrize(
    ("name", "content", "read_as", "note"),
    [
        ("people.xlsx", CSV, "csv", "named as Excel but holds CSV; it was read as CSV."),
        ("people.csv", xlsx_bytes(), "xlsx", "named as CSV but holds Excel; it was read as Excel."),
        ("people.xlsx", VCARD, "vcf", "named as Excel but holds vCard; it was read as vCard."),
    ],
)
def test_a_contact_file_under_another_format_s_name_is_read_as_what_it_is(
    name, content, read_as, note, logged_in_client, manager
):
    client = logged_in_client(manager)

    response = client.post(
        "/imports/new/", {"record_type": "people", "file": SimpleUploadedFile(name, content)}
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.file_format == read_as
    assert note in job.notes
    labels, preview = job_preview(job=job)
    assert preview and not preview[0]["error"]


def test_the_api_uploads_reads_and_previews_a_workbook(api_client, manager, settings):
    client = api_client(manager)

    response = client.post(
        "/api/v1/imports",
        {"record_type": "people", "file": SimpleUploadedFile("people.xlsx", xlsx_bytes())},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["file_format"] == "xlsx" and body["status"] == "uploaded"
    assert body["headers"][:3] == ["Customer ID", "First Name", "Last Name"]
    assert body["mapping"]["E-mail"] == "email"
    preview = client.get(f"/api/v1/imports/{body['id']}/preview").json()
    assert preview["rows"][0]["line"] == 2 and "Adaeze" in preview["rows"][0]["values"]
    detail = client.get(f"/api/v1/imports/{body['id']}").json()
    assert detail["id"] == body["id"] and detail["total"] == 0
    assert len(_stored_files(settings)) == 1


def test_the_api_hides_another_users_import(api_client, manager, make_user):
    other = make_user("seller", role="Manager")
    uploaded = api_client(other).post(
        "/api/v1/imports",
        {"record_type": "people", "file": SimpleUploadedFile("people.csv", CSV)},
    )

    response = api_client(manager).get(f"/api/v1/imports/{uploaded.json()['id']}")

    assert_problem(response, 404)


def test_the_upload_estimates_the_rows_without_reading_them(api_client, manager):
    lines = "".join(
        f"C-{n},Ngozi,Okafor{n},0803 123 {n:04d},n{n}@example.com\r\n" for n in range(5000)
    )
    content = CSV.split(b"\r\n")[0] + b"\r\n" + lines.encode()
    rows = [PEOPLE[0]] + [[f"C-{n}", "Ngozi", f"Okafor{n}"] for n in range(3000)]

    csv_job = api_client(manager).post(
        "/api/v1/imports", {"file": SimpleUploadedFile("people.csv", content)}
    )
    xlsx_job = api_client(manager).post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("people.xlsx", xlsx_bytes(rows, dimension_rows=3001))},
    )

    assert 4500 <= csv_job.json()["estimated_rows"] <= 5500
    assert xlsx_job.json()["estimated_rows"] == 3000


def test_a_preview_reads_only_the_first_lines_and_the_import_the_whole_file(
    write_file, manager, stages
):
    from centric.imports.services import job_create

    content = CSV.split(b"\r\n")[0] + b"\r\n" + b"\r\n" * 25_000 + CSV.split(b"\r\n", 1)[1]
    job = job_create(
        actor=manager,
        uploaded_file=SimpleUploadedFile("people.csv", content),
        record_type="people",
    )

    _labels, preview = job_preview(job=job)
    job_configure(job=job, mapping=job.mapping, match_by=job.match_by)
    job_start(job=job, dry_run=False)
    done = job_run(job_id=job.pk)

    assert preview == []
    assert done is not None and (done.status, done.created) == (JobStatus.DONE, 2)


def test_a_workbook_damaged_past_its_preview_fails_in_the_worker_and_its_file_goes(
    manager, settings, stages
):
    from centric.imports.services import job_create

    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Ngozi</t></is></c>'
        f'<c r="B{n}" t="inlineStr"><is><t>Okafor{n}</t></is></c></row>'
        for n in range(2, 3000)
    )
    content = _workbook(
        {
            "xl/worksheets/sheet1.xml": _sheet(
                HEADER_ROW + rows + '<row r="3000"><c r="ZZZZ3000"/></row>'
            )
        }
    )
    job = job_create(
        actor=manager,
        uploaded_file=SimpleUploadedFile("people.xlsx", content),
        record_type="people",
    )
    assert len(_stored_files(settings)) == 1

    job_configure(job=job, mapping=job.mapping, match_by=job.match_by)
    job_start(job=job, dry_run=False)
    failed = job_run(job_id=job.pk)

    assert failed is not None and failed.status == JobStatus.FAILED
    assert "not a valid Excel .xlsx file" in failed.error
    assert _stored_files(settings) == [] and not failed.file
    assert not Person.objects.exists()

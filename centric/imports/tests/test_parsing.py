"""Reading files: encodings, delimiters, Excel, and files that cannot be read."""

import os

import pytest
from openpyxl import Workbook

from centric.customers.models import Person
from centric.imports.models import JobStatus
from centric.imports.parsing import ImportFileError, format_of, open_table
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db


def test_utf8_with_bom_and_semicolons_is_read(write_file):
    path = write_file("p.csv", "\ufeffFirst name;Last name\nAdébáyọ̀;Okafor\n")

    table = open_table(path, "csv")

    assert table.headers == ["First name", "Last name"]
    assert table.delimiter == ";"
    assert table.notes == []
    assert [r.values for r in table.rows()] == [["Adébáyọ̀", "Okafor"]]


def test_cp1252_file_is_read_with_a_note(write_file):
    path = write_file("p.csv", "First name,Last name\nJosé,Müller\n", encoding="cp1252")

    job = import_file(path=path, record_type="people")

    assert job.status == JobStatus.DONE and job.created == 1
    assert job.encoding == "cp1252"
    assert "Windows-1252" in job.notes
    assert Person.objects.get().full_name == "José Müller"


def test_ten_megabytes_of_garbage_is_a_clear_error(write_file):
    path = write_file("garbage.csv", os.urandom(10 * 1024 * 1024))

    with pytest.raises(ImportFileError, match="not a text"):
        import_file(path=path, record_type="people")
    assert Person.objects.count() == 0


def test_file_over_the_size_limit_is_refused(write_file, settings):
    settings.CENTRIC_IMPORT_MAX_BYTES = 1024
    path = write_file("big.csv", "First name\n" + "Ada\n" * 1000)

    with pytest.raises(ImportFileError, match="largest file you can import is"):
        open_table(path, "csv")


def test_missing_required_columns_are_named(write_file):
    path = write_file("p.csv", "Phone,Email\n0803 123 4567,a@example.com\n")

    with pytest.raises(Exception) as error:
        import_file(path=path, record_type="people")

    message = " ".join(error.value.messages)
    assert "First name" in message and "Last name" in message and "required" in message
    assert Person.objects.count() == 0


def test_empty_file_and_unsupported_formats(write_file):
    with pytest.raises(ImportFileError, match="empty"):
        open_table(write_file("e.csv", b""), "csv")
    with pytest.raises(ImportFileError, match=".xlsx or CSV"):
        format_of("old.xls")
    with pytest.raises(ImportFileError, match="not a valid Excel"):
        open_table(write_file("fake.xlsx", b"PK\x03\x04 not really a zip" * 10), "xlsx")


def test_xlsx_numbers_and_dates_become_text(tmp_path):
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First Name", "Surname", "Mobile", "DOB"])
    sheet.append(["Ada", "Okafor", 2348031234567, dt.datetime(1990, 4, 15)])
    path = tmp_path / "people.xlsx"
    workbook.save(path)

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 0)
    person = Person.objects.get()
    assert person.primary_phone == "+2348031234567"
    assert person.date_of_birth == dt.date(1990, 4, 15)


def test_an_unreadable_csv_line_is_rejected_and_others_kept(write_file):
    huge = "x" * (200 * 1024)
    path = write_file("p.csv", f"First name,Last name\nAda,Okafor\n{huge},Big\nChi,Eze\n")

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (2, 1)
    rejection = job.rejections.get()
    assert rejection.line == 3 and "cannot be read" in rejection.reason
    assert set(Person.objects.values_list("first_name", flat=True)) == {"Ada", "Chi"}

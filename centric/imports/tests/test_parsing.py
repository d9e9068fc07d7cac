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


def _excel_report(path, rows):
    """A sheet as people make them in Excel: a title (merged across the columns), a blank row,
    the header, the customers, and a totals line at the bottom."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Customer list — Balogun Stores, March 2026"])
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["Name", "Phone", "Orders", "Email"])
    for row in rows:
        sheet.append(row)
    # Excel keeps a formula's last value beside it; openpyxl reads that value (data_only).
    sheet.append(["Total", None, 15, None])
    workbook.save(path)
    return path


def test_xlsx_header_below_a_title_row_is_found_and_the_totals_line_is_not_a_person(tmp_path):
    path = _excel_report(
        tmp_path / "customers.xlsx",
        [
            ["Chinedu Okafor", "0803 123 4567", 9, "chinedu@example.com"],
            ["Bisi Adeyemi", "0805 555 0101", 6, None],
        ],
    )

    table = open_table(path, "xlsx")
    job = import_file(path=path, record_type="people")

    assert table.headers == ["Name", "Phone", "Orders", "Email"]
    assert "line 3" in table.notes[0]
    assert (job.created, job.rejected) == (2, 1)
    assert sorted(Person.objects.values_list("first_name", "last_name")) == [
        ("Bisi", "Adeyemi"),
        ("Chinedu", "Okafor"),
    ]
    rejection = job.rejections.get()
    assert rejection.line == 6 and "totals line (“Total”)" in rejection.reason


def test_csv_header_below_a_title_and_a_blank_line_is_found(write_file):
    path = write_file(
        "customers.csv",
        "Customer list March 2026,,\r\n,,\r\nFirst name,Last name,Phone\r\n"
        "Chinedu,Okafor,0803 123 4567\r\nTotal,,1\r\n",
    )

    table = open_table(path, "csv")
    job = import_file(path=path, record_type="people")

    assert table.headers == ["First name", "Last name", "Phone"]
    assert table.header_line == 3
    assert [r.line for r in table.rows()] == [4, 5]
    assert (job.created, job.rejected) == (1, 1)
    assert Person.objects.get().primary_phone == "+2348031234567"


def test_a_customer_named_total_with_only_a_phone_is_still_a_customer(write_file):
    path = write_file("p.csv", "First name,Last name,Phone\nTotal,,0803 123 4567\n")

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 0)
    assert Person.objects.get().primary_phone == "+2348031234567"


def test_rows_wider_than_the_header_do_not_move_the_header(write_file):
    path = write_file(
        "p.csv", "Name,Phone\nChinedu Okafor,0803 123 4567,Lagos,VIP,2024\nBisi Adeyemi,,,,\n"
    )

    table = open_table(path, "csv")

    assert table.headers == ["Name", "Phone"] and table.notes == []
    assert [r.values for r in table.rows()] == [
        ["Chinedu Okafor", "0803 123 4567"],
        ["Bisi Adeyemi", ""],
    ]


def test_european_excel_csv_with_semicolons_and_decimal_commas(write_file):
    from centric.extras.services import custom_field_create

    custom_field_create(
        record_type="person", key="amount_spent", label="Amount spent", field_type="number"
    )
    # Excel in a French or German locale: Windows-1252, CRLF, ";" between cells, "," decimals.
    path = write_file(
        "customers.csv",
        "First name;Last name;Phone;Amount spent;Date of birth\r\n"
        "Chinedu;Okafor;0803 123 4567;1.234,50;17.04.1985\r\n"
        "Renée;Adeyemi;0805 555 0101;12,5;\r\n",
        encoding="cp1252",
    )

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (2, 0)
    chinedu = Person.objects.get(first_name="Chinedu")
    assert chinedu.custom_fields == {"amount_spent": 1234.5}
    assert chinedu.date_of_birth.isoformat() == "1985-04-17"
    assert Person.objects.get(last_name="Adeyemi").custom_fields == {"amount_spent": 12.5}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Mrs. Bisi Adeyemi", ("Bisi", "", "Adeyemi")),
        ("Chief (Dr.) Emeka Nwosu", ("Emeka", "", "Nwosu")),
        ("Alhaji Musa Bello", ("Musa", "", "Bello")),
        ("Engr. Tunde Bakare Jnr.", ("Tunde", "", "Bakare")),
        ("Chinedu Ikenna Okafor", ("Chinedu", "Ikenna", "Okafor")),
        ("Prince Adewale", ("Prince", "", "Adewale")),  # a given name, not a title
        ("Chief", ("Chief", "", "")),
        ("Mrs Adeyemi", ("", "", "Adeyemi")),
    ],
)
def test_a_single_name_cell_drops_titles(write_file, cell, expected):
    path = write_file("p.csv", f"Customer name,Phone\n{cell},0803 123 4567\n")

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 0)
    person = Person.objects.get()
    assert (person.first_name, person.middle_name, person.last_name) == expected


def test_the_quick_count_counts_what_the_rows_give(write_file):
    """A file's count (an import's total) skips blank lines and counts totals and unreadable
    lines, as reading its rows does, with a title above the header."""
    huge = "x" * (200 * 1024)
    path = write_file(
        "p.csv",
        "Customers of Ikeja branch,,\n"
        "First name,Last name,Phone\n"
        "Ada,Okafor,0803 123 4567\n"
        " , ,\n"
        "\n"
        f"{huge},Big,\n"
        ",,   \n"
        "Chi,Eze,\n"
        "Total,,2\n",
    )

    table = open_table(path, "csv")

    assert table.count() == len(list(table.rows())) == 4

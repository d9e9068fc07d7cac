"""Never lose a customer because of one value (issue 9, item 2).

A messy customer list the way a Lagos shop's Excel saves it ("CSV UTF-8": a byte-order mark,
CRLF line ends): phones in the 2023 numbering plan, numbers with a digit missing, emails
without a domain, dates of birth nobody can read. A bad value is kept as typed on the record
and marked as needing attention, with its line and column on the import's report; an old-plan
landline is rewritten to the current plan with the typed form kept; only a row that names no
one is rejected.
"""

import datetime as dt

import pytest
from django.urls import reverse

from centric.customers.models import ContactPoint, Person
from centric.customers.tests.factories import make_person
from centric.imports.models import ImportNotice, NoticeKind
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db

MAPPING = {
    "S/N": "external_id",
    "Customer Name": "full_name",
    "Phone Number": "phone",
    "Email Address": "email",
    "Date of Birth": "date_of_birth",
}
MESSY = (
    "\ufeffS/N,Customer Name,Phone Number,Email Address,Date of Birth\r\n"
    "1,Chinedu Okafor,0803 123 4567,chinedu.okafor@gmail.com,1985-04-17\r\n"
    "2,Bisi Adeyemi,01 285 2651,bisi.adeyemi@yahoo.com,17/04/1990\r\n"
    "3,Emeka Nwosu,0803 123 45,emeka@gmail,\r\n"
    '4,Ngozi Eze,"(09) 523 4410",ngozi.eze@@hotmail.com,31/02/1988\r\n'
    "5,,0803 12,,\r\n"
    "6,,,,12/12/1970\r\n"
    "7,Tunde Bakare,+234 84 234 567,,N/A\r\n"
    "8,Folake Ogunleye,0905 318 2264 / 02 231 0911,folake@ogunleye.ng,\r\n"
    "9,,0803 555 0199,kemi.bello@gmail.com,\r\n"
)


@pytest.fixture
def messy(write_file):
    return write_file("customers.csv", MESSY)


def _import(path, **options):
    return import_file(path=path, record_type="people", mapping=MAPPING, **options)


def _points(external_id: str) -> list[tuple[str, str, str]]:
    return list(
        ContactPoint.objects.filter(person__external_id=external_id)
        .order_by("kind", "id")
        .values_list("kind", "value", "value_normalized")
    )


def test_nobody_is_lost_for_one_bad_value(messy):
    job = _import(messy)

    assert (job.created, job.rejected, job.flagged) == (7, 2, 4)
    assert set(Person.objects.values_list("external_id", flat=True)) == {
        "1",
        "2",
        "3",
        "4",
        "7",
        "8",
        "9",
    }


def test_a_row_without_a_name_but_with_a_number_is_kept_and_needs_a_name(messy):
    job = _import(messy)

    nameless = Person.objects.get(external_id="9")
    assert (nameless.first_name, nameless.middle_name, nameless.last_name) == ("", "", "")
    assert nameless.needs_attention == [
        {
            "field": "name",
            "value": "",
            "reason": "Name: the row gives none; the person is known by their email or phone "
            "until one is added.",
        }
    ]
    assert (nameless.primary_phone, nameless.primary_email) == (
        "+2348035550199",
        "kemi.bello@gmail.com",
    )
    assert str(nameless) == "kemi.bello@gmail.com"
    assert list(job.notices.filter(line=10).values_list("column", "kind")) == [
        ("Customer Name", NoticeKind.NEEDS_ATTENTION)
    ]


def test_bad_values_are_kept_as_typed_and_flagged_on_the_record(messy):
    _import(messy)

    emeka = Person.objects.get(external_id="3")
    assert emeka.needs_attention == [
        {
            "field": "email",
            "value": "emeka@gmail",
            "reason": "Email: “emeka@gmail” is not a valid email address: The part after the "
            "@-sign is not valid. It should have a period.",
        },
        {
            "field": "phone",
            "value": "0803 123 45",
            "reason": "Phone: “0803 123 45” is not a valid phone number.",
        },
    ]
    # A value no one can reach is no contact point: no channel sends to it, no match uses it.
    assert _points("3") == []
    assert (emeka.primary_phone, emeka.primary_email) == ("", "")

    ngozi = Person.objects.get(external_id="4")
    assert [(i["field"], i["value"]) for i in ngozi.needs_attention] == [
        ("date_of_birth", "31/02/1988"),
        ("email", "ngozi.eze@@hotmail.com"),
    ]
    assert ngozi.date_of_birth is None
    assert _points("4") == [("phone", "(09) 523 4410", "+2342095234410")]

    tunde = Person.objects.get(external_id="7")
    assert tunde.needs_attention == [
        {
            "field": "date_of_birth",
            "value": "N/A",
            "reason": "Date of birth: “N/A” is not a date (use YYYY-MM-DD).",
        }
    ]
    # The clean and the rewritten rows need nothing.
    clean = Person.objects.get(external_id="1")
    assert clean.needs_attention is None and clean.date_of_birth == dt.date(1985, 4, 17)
    assert Person.objects.get(external_id="2").needs_attention is None
    # The record's history keeps what was typed.
    assert emeka.history.get().needs_attention == emeka.needs_attention


def test_old_plan_landlines_are_rewritten_with_the_typed_form_kept(messy):
    job = _import(messy)

    assert _points("2") == [
        ("email", "bisi.adeyemi@yahoo.com", "bisi.adeyemi@yahoo.com"),
        ("phone", "01 285 2651", "+2342012852651"),
    ]
    assert Person.objects.get(external_id="2").primary_phone == "+2342012852651"
    assert _points("7") == [("phone", "+234 84 234 567", "+2342084234567")]
    # A mobile beside a landline in one cell: the mobile as it was, the landline rewritten.
    assert _points("8") == [
        ("email", "folake@ogunleye.ng", "folake@ogunleye.ng"),
        ("phone", "0905 318 2264", "+2349053182264"),
        ("phone", "02 231 0911", "+2342022310911"),
    ]
    rewritten = job.notices.filter(kind=NoticeKind.REWRITTEN)
    assert list(rewritten.values_list("line", "column", "value")) == [
        (3, "Phone Number", "01 285 2651"),
        (5, "Phone Number", "(09) 523 4410"),
        (8, "Phone Number", "+234 84 234 567"),
        (9, "Phone Number", "02 231 0911"),
    ]
    assert rewritten.first().message == (
        "“01 285 2651” was written in the numbering plan Nigeria replaced on 1 January 2024; "
        "rewritten as +234 201 285 2651."
    )


def test_the_report_lists_each_kept_value_by_line_and_column(messy):
    job = _import(messy)

    kept = job.notices.filter(kind=NoticeKind.NEEDS_ATTENTION)
    assert list(kept.values_list("line", "column", "value")) == [
        (4, "Email Address", "emeka@gmail"),
        (4, "Phone Number", "0803 123 45"),
        (5, "Date of Birth", "31/02/1988"),
        (5, "Email Address", "ngozi.eze@@hotmail.com"),
        (8, "Date of Birth", "N/A"),
        (10, "Customer Name", ""),
    ]


def test_only_a_row_that_names_no_one_is_rejected_with_a_clear_reason(messy):
    job = _import(messy)

    reasons = dict(job.rejections.values_list("line", "reason"))
    assert reasons == {
        6: "Nothing identifies this person: give a name, an email or a phone number (the "
        "row's other values: Phone: “0803 12” is not a valid phone number.).",
        7: "Nothing identifies this person: give a name, an email or a phone number.",
    }
    # Nothing of a rejected row is noticed on the report as if it had been imported.
    assert not job.notices.filter(line__in=[6, 7]).exists()
    assert job.rejections.get(line=6).raw == ["5", "", "0803 12", "", ""]


def test_the_import_page_and_its_csv_show_the_values_needing_attention(
    messy, logged_in_client, make_user
):
    admin = make_user("admin", role="Administrator")
    job = _import(messy, actor=admin, owner=admin)
    client = logged_in_client(admin)

    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "Values kept as typed, rewritten or not saved" in page
    assert "Email Address" in page and "ngozi.eze@@hotmail.com" in page
    assert "4 records imported with a value that needs attention" in page

    report = client.get(reverse("imports:notices_csv", args=[job.pk]))
    lines = b"".join(report.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0] == "Line,Column,Value as typed,What happened,Kind"
    assert lines[1].startswith("3,Phone Number,01 285 2651,")
    assert any(
        line.startswith("4,Email Address,emeka@gmail,") and line.endswith(",Needs attention")
        for line in lines
    )
    assert len(lines) == 1 + job.notices.count() == 11


def test_a_rerun_lists_nothing_twice_and_changes_nothing(messy):
    _import(messy)
    emeka_before = Person.objects.get(external_id="3")

    again = _import(messy)

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 2)
    emeka = Person.objects.get(external_id="3")
    assert emeka.needs_attention == emeka_before.needs_attention
    assert emeka.version == emeka_before.version


def test_an_existing_person_keeps_what_needed_attention_and_gains_the_new(write_file, make_user):
    owner = make_user("owner")
    amaka = make_person(actor=owner, first_name="Amaka", last_name="Obi", external_id="A1")
    Person.objects.filter(pk=amaka.pk).update(
        needs_attention=[{"field": "phone", "value": "0803", "reason": "Phone: too short."}]
    )
    path = write_file(
        "update.csv",
        "S/N,Customer Name,Phone Number,Email Address,Date of Birth\r\n"
        "A1,Amaka Obi,0803 99,amaka@yahoo.com,\r\n",
    )

    job = _import(path, actor=owner)

    assert (job.updated, job.flagged) == (1, 1)
    amaka.refresh_from_db()
    assert [i["value"] for i in amaka.needs_attention] == ["0803", "0803 99"]
    assert _points("A1") == [("email", "amaka@yahoo.com", "amaka@yahoo.com")]


def test_a_dry_run_reports_the_values_it_would_keep_and_saves_nothing(messy):
    job = _import(messy, dry_run=True)

    assert (job.created, job.rejected, job.flagged) == (7, 2, 4)
    assert job.notices.filter(kind=NoticeKind.NEEDS_ATTENTION).count() == 6
    assert not Person.objects.exists()
    assert ImportNotice.objects.filter(job=job).count() == 10


def test_the_people_list_and_the_api_filter_those_needing_attention(
    messy, logged_in_client, api_client, make_user
):
    admin = make_user("admin", role="Administrator")
    _import(messy, actor=admin, owner=admin)
    client = logged_in_client(admin)

    page = client.get(reverse("customers:person_list"), {"needs_attention": "1"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Emeka" in text and "Ngozi" in text and "Tunde" in text
    nameless = Person.objects.get(external_id="9")
    # The nameless person is listed by their email.
    assert f'<a href="/people/{nameless.pk}/">kemi.bello@gmail.com</a></td>' in text
    assert "Chinedu" not in text and "Bisi" not in text and "Folake" not in text
    everyone = client.get(reverse("customers:person_list")).content.decode()
    assert "Chinedu" in everyone
    assert 'name="needs_attention"' in everyone and 'type="checkbox"' in everyone
    ticked = client.get(reverse("customers:person_list"), {"needs_attention": "on"})
    assert "Emeka" in ticked.content.decode() and "Chinedu" not in ticked.content.decode()
    refused = client.get(reverse("customers:person_list"), {"needs_attention": "maybe"})
    assert "Use 1 (yes) or 0 (no)." in refused.content.decode()
    assert "Emeka" not in refused.content.decode()

    api = api_client(admin)
    listed = api.get("/api/v1/people", {"needs_attention": "true"}).json()
    assert sorted(p["first_name"] for p in listed["items"]) == ["", "Emeka", "Ngozi", "Tunde"]
    tunde = next(p for p in listed["items"] if p["first_name"] == "Tunde")
    assert tunde["needs_attention"] == [
        {
            "field": "date_of_birth",
            "value": "N/A",
            "reason": "Date of birth: “N/A” is not a date (use YYYY-MM-DD).",
        }
    ]
    unfiltered = api.get("/api/v1/people").json()
    chinedu = next(p for p in unfiltered["items"] if p["first_name"] == "Chinedu")
    assert chinedu["needs_attention"] == []


def test_the_preview_shows_what_will_be_kept_as_typed_and_what_rewritten(messy):
    from centric.imports.services import job_preview

    job = _import(messy, dry_run=True)

    _labels, rows = job_preview(job=job)

    by_line = {row["line"]: row for row in rows}
    assert by_line[2]["error"] == "" and by_line[2]["notices"] == []
    assert [(n["kind"], n["value"]) for n in by_line[3]["notices"]] == [
        (NoticeKind.REWRITTEN, "01 285 2651")
    ]
    assert [(n["kind"], n["column"]) for n in by_line[4]["notices"]] == [
        (NoticeKind.NEEDS_ATTENTION, "Email Address"),
        (NoticeKind.NEEDS_ATTENTION, "Phone Number"),
    ]
    assert by_line[4]["error"] == ""
    assert by_line[7]["error"] == (
        "Nothing identifies this person: give a name, an email or a phone number."
    )


def test_a_nameless_row_updating_a_named_person_asks_for_no_name(write_file, make_user):
    owner = make_user("owner")
    kemi = make_person(
        actor=owner, first_name="Kemi", last_name="Bello", email="kemi.bello@gmail.com"
    )
    path = write_file(
        "update.csv",
        "S/N,Customer Name,Phone Number,Email Address,Date of Birth\r\n"
        ",,0803 555 0199,kemi.bello@gmail.com,\r\n",
    )

    job = import_file(
        path=path, record_type="people", mapping=MAPPING, match_by="email", actor=owner
    )

    assert (job.created, job.updated, job.rejected, job.flagged) == (0, 1, 0, 0)
    kemi.refresh_from_db()
    assert (kemi.first_name, kemi.needs_attention) == ("Kemi", None)
    assert not job.notices.exists()
    assert kemi.contact_points.filter(value_normalized="+2348035550199").exists()


def test_a_person_needs_a_name_unless_marked_as_needing_one():
    from django.db import IntegrityError, transaction

    with transaction.atomic(), pytest.raises(IntegrityError):
        Person.objects.create(first_name="", last_name="")
    nameless = Person.objects.create(
        needs_attention=[{"field": "name", "value": "", "reason": "Name: none given."}],
        primary_phone="+2348035550199",
    )
    assert str(nameless) == "+234 803 555 0199"


def test_an_old_plan_number_typed_in_the_search_finds_the_rewritten_one(
    messy, logged_in_client, make_user
):
    admin = make_user("admin", role="Administrator")
    _import(messy, actor=admin, owner=admin)
    client = logged_in_client(admin)

    found = client.get(reverse("customers:person_list"), {"q": "(01) 285-2651"})
    current = client.get(reverse("customers:person_list"), {"q": "0201 285 2651"})

    for page in (found, current):
        text = page.content.decode()
        assert ">Bisi Adeyemi</a>" in text and "Chinedu" not in text


def test_one_number_in_both_plans_is_one_contact_point_and_no_rewrite_notice(write_file):
    path = write_file(
        "both.csv",
        "S/N,Customer Name,Phone Number,Email Address,Date of Birth\r\n"
        "B1,Bisi Adeyemi,+234 201 285 2651; 01 285 2651,,\r\n",
    )

    job = _import(path)

    assert _points("B1") == [("phone", "+234 201 285 2651", "+2342012852651")]
    assert not job.notices.exists()

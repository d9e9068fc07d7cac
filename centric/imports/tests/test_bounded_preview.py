"""A web request reads no more than a preview of an uploaded file (issue 9, decision 0063): a
vCard's columns come from its first cards and a CSV's encoding from its first 2 MB; the worker
reads the whole file, imports what only it finds (a 6th email deep in the file, a Windows-1252
name past the first 2 MB) and refuses, in the job, a tail the preview never reached."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centric.customers.models import Person
from centric.imports.models import ImportJob, ImportNotice, JobStatus
from centric.imports.parsing import PREVIEW_SCAN_BYTES, PREVIEW_SCAN_LINES, open_table
from centric.imports.services.jobs import (
    job_configure,
    job_create,
    job_preview,
    job_run,
    job_start,
)
from centric.imports.tests.test_vcard import crlf

pytestmark = pytest.mark.django_db

# A card's note long enough that a few dozen cards fill the preview's 2 MB.
LONG_NOTE = "Met at the Balogun market stall; " * 2000


def _card(number: int, emails: int, note: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:Okafor{number};Ngozi;;;", f"UID:NG-{number:05d}"]
    lines += [f"EMAIL;TYPE=INTERNET:ngozi{number}.{n}@example.ng" for n in range(1, emails + 1)]
    if note:
        lines.append(f"NOTE:{note}")
    # A birthday without a year: a notice on every card, for the notes' card count.
    return crlf(*lines, "BDAY:--0417", "END:VCARD")


def _deep_card_file() -> bytes:
    """Cards of two emails past the preview's 2 MB, then a card of six."""
    cards = [_card(n, 2, LONG_NOTE) for n in range(1, 40)]
    assert sum(len(card) for card in cards) > PREVIEW_SCAN_BYTES
    cards.append(_card(99, 6))
    return "".join(cards).encode()


def _whole_cards_in_preview(content: bytes) -> int:
    """How many cards end within the preview's first bytes."""
    return content[:PREVIEW_SCAN_BYTES].count(b"END:VCARD\r\n")


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


def _stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _import(client, job: ImportJob, django_capture_on_commit_callbacks) -> ImportJob:
    """Confirm the preview's mapping on the page, start the import, and run the worker."""
    page = client.get(f"/imports/{job.pk}/mapping/")
    assert page.status_code == 200
    job.refresh_from_db()
    data = {f"column_{i}": job.mapping[header] for i, header in enumerate(job.headers)}
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            f"/imports/{job.pk}/mapping/", data | {"match_by": "external_id", "action": "import"}
        )
    assert response.status_code == 302
    done = job_run(job_id=job.pk)
    assert done is not None
    return done


def test_a_sixth_email_past_the_preview_gets_its_columns_in_the_worker(
    logged_in_client, make_user, django_capture_on_commit_callbacks
):
    client = logged_in_client(make_user("manager", role="Manager"))
    client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("phone.vcf", _deep_card_file())},
    )
    job = ImportJob.objects.get()
    emails = [h for h in job.headers if h.startswith("email") and not h.endswith("label")]

    assert emails == ["email", "email 2"]
    scanned = _whole_cards_in_preview(_deep_card_file())
    assert 20 < scanned < 39
    notes = job.notes.splitlines()
    assert notes[0].startswith(
        f"Of the first {scanned} cards (as far as the preview reads), {scanned} hold values "
        f"that are not imported as they stand ({scanned}: birthdays without a year"
    )
    assert notes[1].startswith(
        f"The preview read the first {scanned} cards; a later card with more"
    )

    done = _import(client, job, django_capture_on_commit_callbacks)

    assert (done.status, done.created) == (JobStatus.DONE, 40)
    deep = Person.objects.get(external_id="NG-00099")
    assert sorted(deep.contact_points.filter(kind="email").values_list("value", flat=True)) == [
        f"ngozi99.{n}@example.ng" for n in range(1, 7)
    ]
    assert [h for h in done.headers if h.startswith("email 6")] == ["email 6", "email 6 label"]
    assert done.mapping["email 6"] == "email"
    # The job's report lists every card's notice; its notes now count every card.
    assert ImportNotice.objects.filter(job=done, column="BDAY").count() == 40
    assert done.notes.startswith("40 cards hold values that are not imported as they stand")


def test_the_worker_keeps_the_users_choice_for_the_columns_the_preview_showed(manager, stages):
    job = job_create(
        actor=manager,
        uploaded_file=SimpleUploadedFile("phone.vcf", _deep_card_file()),
        record_type="people",
    )
    # The user chooses not to import the second email (a column the preview showed).
    job_configure(job=job, mapping=job.mapping | {"email 2": ""}, match_by="external_id")
    job_start(job=job, dry_run=False)
    done = job_run(job_id=job.pk)

    assert done is not None and done.status == JobStatus.DONE
    assert done.mapping["email 2"] == "" and done.mapping["email 3"] == "email"
    deep = Person.objects.get(external_id="NG-00099")
    stored = set(deep.contact_points.filter(kind="email").values_list("value", flat=True))
    assert stored == {f"ngozi99.{n}@example.ng" for n in (1, 3, 4, 5, 6)}
    first = Person.objects.get(external_id="NG-00001")
    assert list(first.contact_points.filter(kind="email").values_list("value", flat=True)) == [
        "ngozi1.1@example.ng"
    ]


def test_a_preview_stops_at_the_line_budget_too(write_file):
    small = [_card(n, 1) for n in range(1, PREVIEW_SCAN_LINES // 7 + 50)]
    content = "".join(small) + _card(99_999, 3)
    assert len(content) < PREVIEW_SCAN_BYTES
    path = write_file("phone.vcf", content)

    preview = open_table(path, "vcf", preview=True)
    whole = open_table(path, "vcf")

    assert [h for h in preview.headers if h.startswith("email")] == ["email", "email label"]
    assert "email 3" in whole.headers
    assert max(row.line for row in preview.rows()) <= PREVIEW_SCAN_LINES
    assert sum(1 for _row in whole.rows()) == len(small) + 1


def test_a_small_vcard_is_read_whole_by_the_preview_and_counts_every_card(write_file):
    path = write_file("phone.vcf", _card(1, 2) + _card(2, 3))

    table = open_table(path, "vcf", preview=True)

    assert "email 3" in table.headers
    assert table.notes == [
        "2 cards hold values that are not imported as they stand (2: birthdays without a year, "
        "further addresses, unknown countries, values beyond 50 of a kind); the preview and the "
        "import's report list each by line and property."
    ]


def test_a_windows_1252_name_past_the_first_two_megabytes_is_imported_with_a_note(
    logged_in_client, make_user, django_capture_on_commit_callbacks
):
    header = b"Customer ID,First Name,Last Name,Padding\r\n"
    filler = b"".join(b"C-%05d,Ngozi,Okafor%d,%s\r\n" % (n, n, b"x" * 1900) for n in range(1, 1200))
    assert len(filler) > PREVIEW_SCAN_BYTES
    content = header + filler + "C-99999,José,Adébáyò\r\n".encode("cp1252")
    assert b"Jos\xe9" in content
    client = logged_in_client(make_user("manager", role="Manager"))

    response = client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("people.csv", content)},
    )
    job = ImportJob.objects.get()
    _labels, preview = job_preview(job=job)

    assert response.status_code == 302
    assert (job.encoding, job.notes) == ("utf-8-sig", "")
    assert [item["line"] for item in preview] == list(range(2, 12))

    done = _import(client, job, django_capture_on_commit_callbacks)

    assert (done.status, done.created, done.rejected) == (JobStatus.DONE, 1200, 0)
    assert done.encoding == "cp1252"
    assert (
        "The file is not UTF-8 (line 1,201 is the first that is not); it was read as "
        "Windows-1252 (Western European). Check accented names in the imported records."
    ) in done.notes
    assert (
        "The preview read the file's first 2.0\xa0MB as UTF-8, but the whole file is not UTF-8; "
        "the import read all of it as Windows-1252 (Western European)"
    ) in done.notes
    jose = Person.objects.get(external_id="C-99999")
    assert (jose.first_name, jose.last_name) == ("José", "Adébáyò")


def test_a_vcard_whose_tail_the_worker_refuses_is_previewed_then_fails_in_the_job(
    logged_in_client, make_user, settings, django_capture_on_commit_callbacks
):
    # Past the preview's 2 MB: a line no exporter writes (the whole read refuses it).
    cards = "".join(_card(n, 1, LONG_NOTE) for n in range(1, 40))
    tail = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Eze;Chidi;;;", "NOTE:" + "A" * 1_500_000)
    content = (cards + tail + "END:VCARD\r\n").encode()
    line = cards.count("\n") + 4
    client = logged_in_client(make_user("manager", role="Manager"))

    upload = client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile("phone.vcf", content)},
    )
    job = ImportJob.objects.get()
    assert upload.status_code == 302 and len(_stored_files(settings)) == 1

    failed = _import(client, job, django_capture_on_commit_callbacks)

    assert failed.status == JobStatus.FAILED
    assert failed.error.startswith(
        f"Line {line} of the file is longer than 1,000,000 characters; phones and mail programs "
        "never write such lines, so the file was not imported."
    )
    assert not Person.objects.exists()
    assert (failed.processed, failed.created) == (0, 0)
    assert _stored_files(settings) == [] and not failed.file

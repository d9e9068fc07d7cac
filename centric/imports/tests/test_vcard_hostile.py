"""vCard files that would take the server down: a 10 MB line, a 10 MB property folded into short
lines, a hostile upload on the page (refused, nothing left behind)."""

import tracemalloc
from pathlib import Path

import pytest

from centric.customers.models import Person
from centric.imports.models import ImportJob
from centric.imports.parsing import ImportFileError
from centric.imports.services import import_file
from centric.imports.tests.test_vcard import _upload, crlf, fold

pytestmark = pytest.mark.django_db


def test_a_ten_megabyte_line_is_refused_without_reading_it_whole(write_file):
    hostile = crlf(
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Okafor;Chinedu;;;",
        "NOTE:" + "A" * (10 * 1024 * 1024),
        "END:VCARD",
    )
    path = write_file("hostile.vcf", hostile)
    del hostile

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refused:
            import_file(path=path, record_type="people")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "Line 4 of the file is longer than 1,000,000 characters" in refused.value.message
    assert peak < 50 * 1024 * 1024
    assert not Person.objects.exists() and not ImportJob.objects.exists()


def test_a_ten_megabyte_property_folded_into_short_lines_is_refused(write_file):
    note = fold("NOTE:" + "A" * (10 * 1024 * 1024))
    path = write_file(
        "folded.vcf", crlf("BEGIN:VCARD", "VERSION:3.0", "N:Okafor;Chinedu;;;", *note, "END:VCARD")
    )
    del note

    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError) as refused:
            import_file(path=path, record_type="people")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert "Line 4 of the file is longer than 1,000,000 characters" in refused.value.message
    assert peak < 50 * 1024 * 1024


def test_a_hostile_upload_is_refused_on_the_page_and_leaves_no_file(
    logged_in_client, make_user, settings
):
    client = logged_in_client(make_user("manager", role="Manager"))
    card = crlf("BEGIN:VCARD", "VERSION:3.0", "FN:" + "B" * 2_000_000, "END:VCARD")

    response = _upload(client, card.encode(), "hostile.vcf")

    assert response.status_code == 400
    assert "Line 3 of the file is longer than 1,000,000 characters" in response.content.decode()
    media = Path(settings.MEDIA_ROOT)
    assert not ImportJob.objects.exists()
    assert not (media.exists() and any(p.is_file() for p in media.rglob("*")))

"""The import pages: upload -> mapping + preview -> dry run / import -> job page; permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centric.customers.models import Person
from centric.imports.models import ImportJob, JobStatus
from centric.imports.services.jobs import job_run

pytestmark = pytest.mark.django_db

CSV = b"Customer ID,First Name,Surname,Mobile,E-mail\nC1,Ada,Okafor,0803 123 4567,ada@example.com\nC2,,,12,not given\n"


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


def _upload(client, content=CSV, name="people.csv", record_type="people"):
    return client.post(
        "/imports/new/",
        {"record_type": record_type, "file": SimpleUploadedFile(name, content, "text/csv")},
    )


def test_upload_suggests_a_mapping_and_shows_a_preview(logged_in_client, manager):
    client = logged_in_client(manager)

    response = _upload(client)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{job.pk}/mapping/"
    assert job.mapping == {
        "Customer ID": "external_id",
        "First Name": "first_name",
        "Surname": "last_name",
        "Mobile": "phone",
        "E-mail": "email",
    }
    page = client.post(
        f"/imports/{job.pk}/mapping/",
        {
            "match_by": "external_id",
            "column_0": "external_id",
            "column_1": "first_name",
            "column_2": "last_name",
            "column_3": "phone",
            "column_4": "email",
            "action": "preview",
        },
        follow=True,
    )
    content = page.content.decode()
    assert "+2348031234567" in content  # normalised in the preview
    assert "“12” is not a valid phone number" in content
    job.refresh_from_db()
    assert job.status == JobStatus.MAPPED
    assert Person.objects.count() == 0


def test_dry_run_then_import_from_the_pages(
    logged_in_client, manager, django_capture_on_commit_callbacks
):
    client = logged_in_client(manager)
    _upload(client)
    job = ImportJob.objects.get()
    data = {"match_by": "external_id", "column_0": "external_id", "column_1": "first_name"}
    data |= {"column_2": "last_name", "column_3": "phone", "column_4": "email"}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/imports/{job.pk}/mapping/", data | {"action": "dry_run"})
    assert response.status_code == 302 and len(callbacks) == 1
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created, job.rejected) == (True, "done", 1, 1)
    assert Person.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/imports/{job.pk}/mapping/", data | {"action": "import"})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.created, job.rejected) == (False, "done", 1, 1)
    assert Person.objects.get().owner == manager

    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Download rejected rows (CSV)" in page and "“12” is not a valid phone number" in page
    download = client.get(f"/imports/{job.pk}/rejected.csv")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0] == "Line,Reason,Customer ID,First Name,Surname,Mobile,E-mail"
    assert lines[1].startswith("3,") and lines[1].endswith(",C2,,,12,not given")
    progress = client.get(f"/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert 'value="100"' in progress.content.decode()
    assert progress.headers["HX-Refresh"] == "true"
    listing = client.get("/imports/").content.decode()
    assert "people.csv" in listing


def test_upload_errors_are_shown_not_500(logged_in_client, manager):
    client = logged_in_client(manager)

    garbage = _upload(client, content=bytes(range(256)) * 100, name="junk.csv")
    old_excel = _upload(client, content=b"\xd0\xcf\x11\xe0" * 10, name="old.xls")

    assert garbage.status_code == 400 and "not a text" in garbage.content.decode()
    assert old_excel.status_code == 400 and ".xlsx or CSV" in old_excel.content.decode()
    assert ImportJob.objects.count() == 0


def test_missing_required_column_is_named_on_the_mapping_page(logged_in_client, manager):
    client = logged_in_client(manager)
    _upload(client, content=b"Mobile,E-mail\n0803 123 4567,ada@example.com\n")
    job = ImportJob.objects.get()

    response = client.post(
        f"/imports/{job.pk}/mapping/",
        {"match_by": "external_id", "column_0": "phone", "column_1": "email", "action": "import"},
    )

    assert response.status_code == 400
    assert "no column for First name or Last name or Full name" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.UPLOADED


def test_permissions_and_scoping(logged_in_client, make_user, manager, client):
    front = make_user("front", role="Front office")
    other_manager = make_user("other", role="Manager")
    _upload(logged_in_client(manager))
    job = ImportJob.objects.get()

    assert client.get("/imports/").status_code == 302  # anonymous: to the sign-in page
    assert logged_in_client(front).get("/imports/new/").status_code == 403
    assert _upload(logged_in_client(front)).status_code == 403
    assert logged_in_client(front).get(f"/imports/{job.pk}/").status_code == 404
    other = logged_in_client(other_manager)
    assert other.get(f"/imports/{job.pk}/").status_code == 404
    assert other.get(f"/imports/{job.pk}/rejected.csv").status_code == 404
    assert other.get(f"/imports/{job.pk}/notices.csv").status_code == 404
    assert client.get(f"/imports/{job.pk}/notices.csv").status_code == 302
    assert other.post(f"/imports/{job.pk}/mapping/", {"action": "import"}).status_code == 404
    assert "people.csv" not in other.get("/imports/").content.decode()
    assert ImportJob.objects.count() == 1


def test_importing_needs_the_permission_to_add_such_records(logged_in_client, make_user):
    from django.contrib.auth.models import Permission

    importer = make_user("importer", role=None)
    importer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_importjob", "view_importjob", "add_organisation"]
        )
    )

    people = _upload(logged_in_client(importer))
    organisations = _upload(
        logged_in_client(importer),
        content=b"Company\nBalogun Stores\n",
        name="orgs.csv",
        record_type="organisations",
    )

    assert (
        people.status_code == 400 and "You may not import these records." in people.content.decode()
    )
    assert organisations.status_code == 302
    assert list(ImportJob.objects.values_list("record_type", flat=True)) == ["organisations"]


def test_import_never_updates_a_record_the_user_may_not_change(
    logged_in_client, make_user, make_team, manager
):
    from centric.customers.tests.factories import make_person

    stranger = make_user("stranger", role="Front office", team=make_team("Service"))
    hidden = make_person(actor=stranger, first_name="Hidden", external_id="C1")
    client = logged_in_client(manager)
    _upload(client)
    job = ImportJob.objects.get()
    job.status = JobStatus.QUEUED
    job.save()

    job_run(job_id=job.pk)

    job.refresh_from_db()
    hidden.refresh_from_db()
    assert (job.created, job.updated, job.rejected) == (0, 0, 2)
    # A record the importer may not even see is refused as the pages would (decision 0020).
    assert job.rejections.get(line=2).reason == "This external id cannot be used."
    assert hidden.first_name == "Hidden"


def test_ten_megabytes_of_garbage_and_oversize_uploads_are_clear_errors(
    logged_in_client, manager, settings
):
    import os

    client = logged_in_client(manager)

    garbage = _upload(client, content=os.urandom(10 * 1024 * 1024), name="data.csv")
    settings.CENTRIC_IMPORT_MAX_BYTES = 100
    too_big = _upload(client)

    assert garbage.status_code == 400 and "not a text (CSV) file" in garbage.content.decode()
    assert too_big.status_code == 400
    assert "the largest file you can import is" in too_big.content.decode()
    assert ImportJob.objects.count() == 0


def test_mapping_page_warns_when_nothing_identifies_a_row(logged_in_client, manager):
    client = logged_in_client(manager)
    _upload(client, content=b"First Name,Surname\nAda,Okafor\n")
    job = ImportJob.objects.get()

    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()

    assert "No column is mapped to External id" in page


def test_preview_shows_who_a_row_looks_like_but_not_the_record_it_updates(
    logged_in_client, manager
):
    from centric.customers.tests.factories import make_person

    existing = make_person(
        actor=manager, first_name="Adaeze", last_name="Okafor", phone="+234 803 123 4567"
    )
    same_record = make_person(
        actor=manager,
        first_name="Bola",
        last_name="Ade",
        external_id="C9",
        email="bola@example.com",
    )
    client = logged_in_client(manager)
    content = b"Customer ID,First Name,Surname,Mobile,E-mail\nC1,Ada,Okafor,0803 123 4567,\nC9,Bola,Ade,,bola@example.com\n"
    _upload(client, content=content)
    job = ImportJob.objects.get()
    page = client.post(
        f"/imports/{job.pk}/mapping/",
        {
            "match_by": "external_id",
            "column_0": "external_id",
            "column_1": "first_name",
            "column_2": "last_name",
            "column_3": "phone",
            "column_4": "email",
            "action": "preview",
        },
        follow=True,
    ).content.decode()
    looks_like = [part.split("</div>")[0] for part in page.split("Looks like")[1:]]
    assert len(looks_like) == 1
    assert f'href="/people/{existing.pk}/"' in looks_like[0]
    assert f'href="/people/{same_record.pk}/"' not in looks_like[0]
    # The record the row updates is named as such, not as a look-alike.
    assert f'Updates <a href="/people/{same_record.pk}/">Bola Ade</a>' in page


def test_mapping_page_says_why_each_column_is_suggested_and_the_report_lists_kept_values(
    logged_in_client, manager, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.utils.html import escape

    sample = Path(__file__).parent / "samples" / "google_contacts_new.csv"
    client = logged_in_client(manager)
    _upload(client, content=sample.read_bytes(), name="contacts.csv")
    job = ImportJob.objects.get()

    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()

    assert "Suggested Email: Google Contacts: E-mail 1 - Value" in page
    assert "Not imported unless you choose Tags" in page
    assert escape("Not imported: Google Contacts: Name Prefix — a salutation") in page
    assert escape("“--12-25” has no year") in page  # in the preview, beside the row
    assert job.mapping["Labels"] == ""

    data = {"match_by": "email", "action": "import"}
    data |= {f"column_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    with django_capture_on_commit_callbacks(execute=False):
        client.post(f"/imports/{job.pk}/mapping/", data)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.created, job.rejected) == (2, 0)

    report = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Values kept as typed, rewritten or not saved" in report
    assert escape("“--12-25” has no year") in report


def test_mapping_page_shows_what_each_hubspot_stage_becomes(logged_in_client, manager, stages):
    from pathlib import Path

    sample = Path(__file__).parent / "samples" / "hubspot_contacts.csv"
    client = logged_in_client(manager)
    _upload(client, content=sample.read_bytes(), name="hubspot.csv")
    job = ImportJob.objects.get()

    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()

    assert "Lifecycle stages in this file" in page
    assert '<label for="id_stage_0">Marketing Qualified Lead</label>' in page
    assert '<label for="id_stage_2">Evangelist</label>' in page
    assert '<label for="id_stage_3">Other</label>' in page
    selects = {
        name: block.split("</select>")[0]
        for name, block in (part.split('"', 1) for part in page.split('<select name="')[1:])
    }
    assert '<option value="qualified" selected>' in selects["stage_0"]
    assert '<option value="customer" selected>' in selects["stage_2"]
    assert '<option value="" selected>' in selects["stage_3"]
    assert "none of your stages matches it" in page


def test_the_user_changes_and_confirms_what_a_stage_becomes(
    logged_in_client, manager, stages, django_capture_on_commit_callbacks
):
    from pathlib import Path

    sample = Path(__file__).parent / "samples" / "hubspot_contacts.csv"
    client = logged_in_client(manager)
    _upload(client, content=sample.read_bytes(), name="hubspot.csv")
    job = ImportJob.objects.get()
    data = {"match_by": "external_id", "action": "import"}
    data |= {f"column_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    # Evangelist becomes Lead instead of the suggested Customer; Other becomes Subscriber.
    data |= {"stage_0": "qualified", "stage_1": "qualified", "stage_2": "lead"}
    data |= {"stage_3": "subscriber", "stage_4": "customer"}

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/imports/{job.pk}/mapping/", data)
    assert response.status_code == 302
    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.stage_mapping == {
        "Marketing Qualified Lead": "qualified",
        "Sales Qualified Lead": "qualified",
        "Evangelist": "lead",
        "Other": "subscriber",
        "Customer": "customer",
    }
    stages_of = dict(Person.objects.values_list("external_id", "lifecycle_stage"))
    assert stages_of["51203"] == "lead"  # Kemi Adeyemi, Evangelist in HubSpot
    assert stages_of["51201"] == "qualified"
    assert "subscriber" in stages_of.values()
    assert not job.notices.filter(message__contains="Lifecycle stage").exists()


def _mapping_data(job, **extra):
    data = {"match_by": job.match_by, "action": "preview"}
    data |= {f"column_{i}": job.mapping[h] for i, h in enumerate(job.headers)}
    return data | extra


def test_the_upload_keeps_the_files_own_time_and_the_mapping_page_offers_it(
    logged_in_client, manager
):
    client = logged_in_client(manager)
    page = client.get("/imports/new/").content.decode()
    assert '<script src="/static/centric/imports.js" defer></script>' in page
    assert 'data-last-modified-into="file_made_at"' in page

    client.post(
        "/imports/new/",
        {
            "record_type": "people",
            "file": SimpleUploadedFile("people.csv", CSV, "text/csv"),
            # File.lastModified of a file saved at 2026-11-28 08:00 UTC, in milliseconds.
            "file_last_modified": "1795852800000",
        },
    )

    job = ImportJob.objects.get()
    assert job.rows_made_at.isoformat() == "2026-11-28T08:00:00+00:00"
    mapping = client.get(f"/imports/{job.pk}/mapping/").content.decode()
    assert 'value="2026-11-28T09:00"' in mapping  # shown in Lagos time


def test_the_mapping_page_sets_owner_team_policies_and_file_time(
    logged_in_client, manager, make_user, make_team
):
    sales = make_team("Sales East")
    make_user("chika", team=sales)
    client = logged_in_client(manager)
    _upload(client)
    job = ImportJob.objects.get()
    surname = job.headers.index("Surname")

    response = client.post(
        f"/imports/{job.pk}/mapping/",
        _mapping_data(
            job,
            default_owner="chika",
            default_team=str(sales.pk),
            rows_made_at="2026-11-30T09:15",
            overwrite_later_edits="on",
            **{f"policy_{surname}": "overwrite", "policy_0": "overwrite", "policy_3": "overwrite"},
        ),
    )

    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.default_owner.username, job.default_team) == ("chika", sales)
    # Customer ID only fills a blank external id: it takes no policy, so none is saved for it.
    # Mobile and E-mail add contact points; their policy is that of the labels they give.
    assert job.column_policies == {
        "First Name": "fill_blanks",
        "Surname": "overwrite",
        "Mobile": "overwrite",
        "E-mail": "fill_blanks",
    }
    assert job.rows_made_at.isoformat() == "2026-11-30T08:15:00+00:00"
    assert job.overwrite_later_edits is True
    page = client.get(f"/imports/{job.pk}/mapping/").content.decode()
    assert f'name="policy_{surname}"' in page
    assert 'name="policy_3"' in page
    assert 'name="policy_0"' not in page


def test_the_mapping_page_refuses_an_unknown_owner_and_saves_nothing(logged_in_client, manager):
    client = logged_in_client(manager)
    _upload(client)
    job = ImportJob.objects.get()

    response = client.post(
        f"/imports/{job.pk}/mapping/", _mapping_data(job, default_owner="nobody-here")
    )

    assert response.status_code == 400
    assert "No active staff member has the username" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.default_owner) == (JobStatus.UPLOADED, manager)


def test_a_saved_template_is_offered_for_the_next_file_with_the_same_columns(
    logged_in_client, manager, make_user
):
    from centric.imports.models import ImportTemplate

    client = logged_in_client(manager)
    _upload(client)
    first = ImportJob.objects.get()
    data = _mapping_data(first, action="save_template", save_as="Shop till export")
    data["column_3"] = "whatsapp"  # the shop's "Mobile" column holds WhatsApp numbers
    assert client.post(f"/imports/{first.pk}/mapping/", data).status_code == 302
    template = ImportTemplate.objects.get()
    assert template.mapping["Mobile"] == "whatsapp"

    _upload(client)
    second = ImportJob.objects.latest("id")
    page = client.get(f"/imports/{second.pk}/mapping/").content.decode()
    assert f'data-suggested-template="{template.pk}"' in page
    assert "This file has the same columns as the template “Shop till export”." in page
    applied = client.post(
        f"/imports/{second.pk}/mapping/", {"action": "apply_template", "template": template.pk}
    )
    assert applied.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.mapping["Mobile"]) == (JobStatus.MAPPED, "whatsapp")

    listing = client.get("/imports/templates/").content.decode()
    assert "Shop till export" in listing
    other = make_user("other-manager", role="Manager")
    refused = logged_in_client(other).post("/imports/templates/", {"delete": template.pk})
    assert refused.status_code == 403
    assert ImportTemplate.objects.exists()
    deleted = client.post("/imports/templates/", {"delete": template.pk})
    assert deleted.status_code == 302
    assert not ImportTemplate.objects.exists()


def test_the_preview_shows_the_changes_of_an_update_and_a_repeated_row(logged_in_client, manager):
    from centric.customers.tests.factories import make_person

    make_person(actor=manager, first_name="Ada", last_name="Okafor", external_id="C1")
    content = (
        b"Customer ID,First Name,Surname,Mobile,E-mail\n"
        b"C1,Ada,Okafor-Bello,0803 123 4567,ada@example.com\n"
        b",Tobi,Ojo,0803 765 4321,\n"
        b",Tobi,Ojo,0803 765 4321,\n"
    )
    client = logged_in_client(manager)
    _upload(client, content=content)
    job = ImportJob.objects.get()

    page = client.post(f"/imports/{job.pk}/mapping/", _mapping_data(job), follow=True)

    html = page.content.decode()
    assert 'data-changes-for="2"' in html
    assert "Kept: this column fills blanks only" in html
    assert 'data-row-error="4"' in html
    assert "Repeats line 3: the same name and +2348037654321" in html

"""Labels of contact points a record already has (decision 0062): a file's label fills a blank
one (never adding the point again), a column set to overwrite replaces it, and the preview
shows the label being filled — on the row path and on the COPY path alike."""

import pytest
from django.db import connection

from centric.customers.models import ContactPoint
from centric.customers.services.contact_points import contact_point_add
from centric.customers.testing import make_person
from centric.imports.models import ImportJob
from centric.imports.services import import_file
from centric.imports.services.jobs import job_configure, job_preview
from centric.imports.services.rows import NewRowText
from centric.imports.services.staging import NewRowLines

pytestmark = pytest.mark.django_db

# Google Contacts' new layout: a label column beside each value, " ::: " between values.
HEADER = (
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Phone 2 - Label,Phone 2 - Value,Labels"
)
GOOGLE = (
    f"{HEADER}\n"
    "Kelechi,Nwankwo,* Work,kelechi.nwankwo@example.ng,Mobile ::: WhatsApp Business,"
    "+234 803 555 0101 ::: +234 809 555 0202,Home,+234 1 555 0303,myContacts\n"
    "Halima,Sule,Work,halima.sule@example.ng,Mobile,+234 802 555 0404,,,myContacts\n"
)


@pytest.fixture
def admin(make_user, make_team):
    return make_user("admin", role="Administrator", team=make_team("Management"))


@pytest.fixture
def kelechi(admin):
    """Entered by hand before the import: the same email and numbers, none labelled (one
    number kept as WhatsApp), and the landline labelled "office" already."""
    person = make_person(
        actor=admin,
        first_name="Kelechi",
        last_name="Nwankwo",
        email="Kelechi.Nwankwo@example.ng",
        phone="0803 555 0101",
    )
    contact_point_add(owner=person, actor=admin, kind="whatsapp", value="0809 555 0202")
    contact_point_add(owner=person, actor=admin, kind="phone", value="01 555 0303", label="office")
    return person


def _labels(person):
    return dict(person.contact_points.values_list("value_normalized", "label"))


@pytest.mark.parametrize("copy_text", [True, False], ids=["copy-path", "row-path"])
def test_a_files_labels_fill_the_blank_labels_of_points_the_record_has(
    write_file, admin, kelechi, monkeypatch, copy_text
):
    if not copy_text:
        monkeypatch.setattr(NewRowText, "format", lambda self, prepared: None)
    copied = []
    copy = NewRowLines.copy
    monkeypatch.setattr(
        NewRowLines,
        "copy",
        lambda self, text: copied.append(len(self.records)) or copy(self, text),
    )
    path = write_file("contacts.csv", GOOGLE)
    before = ContactPoint.objects.filter(person=kelechi).count()

    job = import_file(path=path, record_type="people", match_by="email", actor=admin)

    assert (job.created, job.updated, job.rejected) == (1, 1, 0)
    # PostgreSQL COPYs the new row's preformatted text; SQLite, or rows without it, insert.
    assert copied == ([1] if copy_text and connection.vendor == "postgresql" else [])
    assert ContactPoint.objects.filter(person=kelechi).count() == before == 4
    assert _labels(kelechi) == {
        "kelechi.nwankwo@example.ng": "work",
        "+2348035550101": "mobile",
        # Stored as WhatsApp, given as a phone: the same number, labelled, not added again.
        "+2348095550202": "WhatsApp Business",
        # Already labelled: a fill-blanks column keeps it.
        "+2342015550303": "office",
    }
    filled = ContactPoint.history.filter(person_id=kelechi.pk, history_type="~")
    assert filled.count() == 3
    assert {h.history_change_reason for h in filled} == {f"Import #{job.pk}"}
    # The new record in the same batch keeps its labels too.
    assert ContactPoint.objects.get(value_normalized="+2348025550404").label == "mobile"


def test_a_column_set_to_overwrite_replaces_a_label_that_differs(write_file, admin, kelechi):
    path = write_file("contacts.csv", GOOGLE)

    job = import_file(
        path=path,
        record_type="people",
        match_by="email",
        actor=admin,
        overwrite=["Phone 2 - Value"],
    )

    assert job.updated == 1
    assert _labels(kelechi)["+2342015550303"] == "home"
    assert ContactPoint.objects.filter(person=kelechi).count() == 4


def test_importing_the_same_labels_again_changes_nothing(write_file, admin, kelechi):
    path = write_file("contacts.csv", GOOGLE)
    import_file(path=path, record_type="people", match_by="email", actor=admin)
    history = ContactPoint.history.count()

    again = import_file(path=path, record_type="people", match_by="email", actor=admin)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert ContactPoint.history.count() == history


def test_the_preview_shows_each_label_filled_or_kept(write_file, admin, kelechi):
    path = write_file("contacts.csv", GOOGLE)
    headers = HEADER.split(",")
    job = ImportJob.objects.create(
        record_type="people",
        source_path=str(path),
        original_filename="contacts.csv",
        file_format="csv",
        headers=headers,
        created_by=admin,
    )
    mapping = {
        "First Name": "first_name",
        "Last Name": "last_name",
        "E-mail 1 - Value": "email",
        "Phone 1 - Value": "phone",
        "Phone 2 - Value": "phone",
    }
    job_configure(job=job, mapping=mapping, match_by="email")

    _labels_shown, rows = job_preview(job=job)

    assert rows[0]["match"]["id"] == kelechi.pk
    labels = {
        c["label"]: (c["current"], c["incoming"], c["action"], c["why"])
        for c in rows[0]["changes"]
        if c["field"] == "contact_label"
    }
    assert labels == {
        "Label of kelechi.nwankwo@example.ng": ("", "work", "write", "Will change"),
        "Label of +2348035550101": ("", "mobile", "write", "Will change"),
        "Label of +2348095550202": ("", "WhatsApp Business", "write", "Will change"),
        "Label of +2342015550303": (
            "office",
            "home",
            "kept_not_blank",
            "Kept: this column fills blanks only",
        ),
    }
    assert rows[0]["adds"] == []
    assert rows[1]["match"] is None
    # The preview writes nothing.
    assert ContactPoint.objects.filter(person=kelechi, label="").count() == 3


def test_a_company_row_fills_the_blank_label_of_its_organisations_number(write_file, admin):
    from centric.customers.testing import make_organisation

    pharmacy = make_organisation(actor=admin, name="Lekki Pharmacy", phone="0809 222 3333")
    path = write_file(
        "contacts.csv",
        "First Name,Last Name,Organization Name,Phone 1 - Label,Phone 1 - Value\n"
        ",,Lekki Pharmacy,Work,+234 809 222 3333\n",
    )

    job = import_file(path=path, record_type="people", actor=admin)

    assert (job.created, job.updated, job.rejected) == (0, 1, 0)
    assert list(pharmacy.contact_points.values_list("value_normalized", "label")) == [
        ("+2348092223333", "work")
    ]
    again = import_file(path=path, record_type="people", actor=admin)
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_label_staff_set_after_the_file_was_made_is_kept_and_reported(write_file, admin, kelechi):
    """The file is a day old; "office" was set by staff since. An overwriting column keeps it
    and says so on the report, unless the user asks to overwrite later edits too."""
    import datetime as dt

    from django.utils import timezone

    path = write_file("contacts.csv", GOOGLE)
    yesterday = timezone.now() - dt.timedelta(days=1)

    job = import_file(
        path=path,
        record_type="people",
        match_by="email",
        actor=admin,
        overwrite=["Phone 2 - Value"],
        rows_made_at=yesterday,
    )

    assert _labels(kelechi)["+2342015550303"] == "office"
    # The blank labels are still filled: only the edited one is kept.
    assert _labels(kelechi)["+2348035550101"] == "mobile"
    kept = job.notices.get(line=2, kind="kept")
    assert "Kept “office”" in kept.message and "the file had “home”" in kept.message

    forced = import_file(
        path=path,
        record_type="people",
        match_by="email",
        actor=admin,
        overwrite=["Phone 2 - Value"],
        rows_made_at=yesterday,
        overwrite_later_edits=True,
    )

    assert forced.updated == 1
    assert _labels(kelechi)["+2342015550303"] == "home"


def test_the_preview_says_a_later_label_edit_is_kept(write_file, admin, kelechi):
    import datetime as dt

    from django.utils import timezone

    path = write_file("contacts.csv", GOOGLE)
    job = ImportJob.objects.create(
        record_type="people",
        source_path=str(path),
        original_filename="contacts.csv",
        file_format="csv",
        headers=HEADER.split(","),
        created_by=admin,
    )
    mapping = {
        "First Name": "first_name",
        "Last Name": "last_name",
        "E-mail 1 - Value": "email",
        "Phone 2 - Value": "phone",
    }
    job_configure(
        job=job,
        mapping=mapping,
        match_by="email",
        column_policies={"Phone 2 - Value": "overwrite"},
        rows_made_at=timezone.now() - dt.timedelta(days=1),
    )

    _labels_shown, rows = job_preview(job=job)

    (change,) = [c for c in rows[0]["changes"] if c["label"] == "Label of +2342015550303"]
    assert (change["current"], change["incoming"], change["action"]) == (
        "office",
        "home",
        "kept_edited",
    )
    assert change["edited_by"] == (admin.get_full_name() or admin.get_username())
    assert change["edited_at"] is not None

"""Who owns what is imported, and what a file does to records that exist (decision 0064): owner
and team per file or per row, fill blanks only or overwrite per column, values staff edited
after the file's rows were made kept and reported, contact points not added twice under another
kind, repeated rows flagged alike in the preview and the import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from centric.customers.models import ContactPoint, Person
from centric.customers.services.people import person_update
from centric.customers.testing import make_person
from centric.imports.models import ImportJob, ImportNotice, NoticeKind
from centric.imports.services import import_file
from centric.imports.services.jobs import job_configure, job_preview
from centric.imports.services.updates import parse_modified

pytestmark = pytest.mark.django_db

LAGOS = dt.timezone(dt.timedelta(hours=1))

# A HubSpot contacts export as HubSpot writes it: its own column names, owners as names, times
# in the portal's time zone without a zone.
HUBSPOT_FIRST = (
    "Record ID,First Name,Last Name,Email,Phone Number,Job Title,City,Lifecycle Stage,"
    "Contact owner,Create Date,Last Modified Date\n"
    "61201,Chinedu,Okonkwo,chinedu.okonkwo@gmail.com,0803 555 0101,,Enugu,Lead,Ngozi Eze,"
    "2026-10-01 09:00,2026-10-01 09:00\n"
    "61202,Aisha,Bello,aisha.bello@yahoo.com,0802 555 0202,Buyer,Kano,Lead,Ngozi Eze,"
    "2026-10-01 09:05,2026-10-01 09:05\n"
)
HUBSPOT_AGAIN = (
    "Record ID,First Name,Last Name,Email,Phone Number,Job Title,City,Lifecycle Stage,"
    "Contact owner,Create Date,Last Modified Date\n"
    # Changed in HubSpot on 29 November, before the seller's edit in Centric (30 November).
    "61201,Chinedu,Okonkwo-Eze,chinedu.okonkwo@gmail.com,0803 555 0101,,Nsukka,Customer,"
    "Ngozi Eze,2026-10-01 09:00,2026-11-29 16:40\n"
    # Changed in HubSpot on 1 December, after it.
    "61202,Aisha,Bello-Sani,aisha.bello@yahoo.com,0802 555 0202,Buyer,Abuja,Customer,"
    "Ngozi Eze,2026-10-01 09:05,2026-12-01 08:15\n"
)
EDITED_AT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=LAGOS)


@pytest.fixture
def sales(make_team):
    return make_team("Sales")


@pytest.fixture
def seller(make_user, sales):
    return make_user("chika", role="Front office", team=sales, first_name="Chika", last_name="Obi")


@pytest.fixture
def admin(make_user, make_team):
    return make_user("admin", role="Administrator", team=make_team("Management"))


def _first_import(path, actor, **options):
    """The first import of an October export, its history dated then."""
    job = import_file(path=path, record_type="people", actor=actor, **options)
    Person.history.update(history_date=dt.datetime(2026, 10, 1, 9, 30, tzinfo=LAGOS))
    return job


def _edit(person, actor, when, **values):
    """A seller's edit in Centric, dated `when` in its history."""
    person = person_update(person, actor=actor, **values)
    person.history.filter(history_user=actor).update(history_date=when)
    return person


# --- owner and team -------------------------------------------------------------------------


def test_new_records_take_the_files_owner_and_team_and_an_owner_column_wins_per_row(
    write_file, admin, seller, sales, make_user, make_team
):
    support = make_team("Support")
    bola = make_user("bola", team=support)
    path = write_file(
        "people.csv",
        "Customer ID,First name,Last name,Account owner\nC1,Tunde,Bakare,\nC2,Ifeoma,Nnadi,bola\n",
    )

    job = import_file(path=path, record_type="people", actor=admin, owner=seller, team=sales)

    assert job.created == 2
    tunde, ifeoma = Person.objects.order_by("external_id")
    assert (tunde.owner, tunde.team) == (seller, sales)
    # The row's owner wins; the team chosen for the file still holds the record.
    assert (ifeoma.owner, ifeoma.team) == (bola, sales)
    assert Person.objects.visible_to(seller).count() == 2


def test_without_a_chosen_team_each_record_takes_its_owners_team(
    write_file, admin, seller, sales, make_user, make_team
):
    support = make_team("Support")
    make_user("bola", team=support)
    path = write_file(
        "people.csv",
        "Customer ID,First name,Last name,Account owner\nC1,Tunde,Bakare,\nC2,Ifeoma,Nnadi,bola\n",
    )

    import_file(path=path, record_type="people", actor=admin, owner=seller)

    teams = dict(Person.objects.values_list("external_id", "team__name"))
    assert teams == {"C1": "Sales", "C2": "Support"}


def test_a_team_column_wins_and_an_unknown_team_rejects_only_its_row(
    write_file, admin, seller, sales, make_team
):
    make_team("Lagos Island")
    path = write_file(
        "people.csv",
        "Customer ID,First name,Last name,Team\n"
        "C1,Tunde,Bakare,lagos island\n"
        "C2,Ifeoma,Nnadi,\n"
        "C3,Musa,Danjuma,Kaduna\n",
    )

    job = import_file(path=path, record_type="people", actor=admin, owner=seller, team=sales)

    assert (job.created, job.rejected) == (2, 1)
    assert job.rejections.get().reason == "Team: there is no team “Kaduna”."
    teams = dict(Person.objects.values_list("external_id", "team__name"))
    assert teams == {"C1": "Lagos Island", "C2": "Sales"}


def test_an_inactive_owner_of_new_records_is_refused(write_file, admin, seller):
    seller.is_active = False
    seller.save(update_fields=["is_active"])
    path = write_file("people.csv", "Customer ID,First name\nC1,Tunde\n")

    with pytest.raises(ValidationError) as raised:
        import_file(path=path, record_type="people", actor=admin, owner=seller)

    assert "active member of staff" in str(raised.value)
    assert not ImportJob.objects.exists()
    assert not Person.objects.exists()


# --- fill blanks or overwrite --------------------------------------------------------------


def test_existing_records_fill_blanks_only_unless_a_column_overwrites(write_file, admin):
    person = make_person(first_name="Ngozi", last_name="Okafor", external_id="C1", source="walk-in")
    path = write_file(
        "people.csv",
        "Customer ID,First name,Last name,Source,Campaign,Language\n"
        "C1,Ngozi,Okafor-Ibe,Instagram,Harmattan sale,ig\n",
    )

    blanks = import_file(path=path, record_type="people", actor=admin)
    person.refresh_from_db()
    assert blanks.updated == 1
    assert (person.last_name, person.source) == ("Okafor", "walk-in")
    assert (person.campaign, person.preferred_language) == ("Harmattan sale", "ig")

    overwritten = import_file(path=path, record_type="people", actor=admin, overwrite=["source"])
    person.refresh_from_db()
    assert overwritten.updated == 1
    assert (person.last_name, person.source) == ("Okafor", "Instagram")


def test_a_column_that_only_adds_cannot_overwrite(write_file, admin):
    path = write_file("people.csv", "Customer ID,First name,Tags\nC1,Tunde,VIP\n")

    with pytest.raises(ValidationError) as raised:
        import_file(path=path, record_type="people", actor=admin, overwrite=["Tags"])

    assert "adds values beside the record's" in str(raised.value)
    assert not Person.objects.exists()


# --- later edits ---------------------------------------------------------------------------


def test_a_hubspot_reexport_keeps_what_a_seller_edited_after_each_row_was_made(
    write_file, admin, seller, stages
):
    _first_import(write_file("hubspot-october.csv", HUBSPOT_FIRST), admin, owner=seller)
    chinedu = Person.objects.get(external_id="61201")
    aisha = Person.objects.get(external_id="61202")
    _edit(chinedu, seller, EDITED_AT, last_name="Okonkwo")  # unchanged value: no edit
    _edit(chinedu, seller, EDITED_AT, last_name="Okonkwo-Obi")
    _edit(aisha, seller, EDITED_AT, last_name="Bello-Musa")
    again = write_file("hubspot-december.csv", HUBSPOT_AGAIN)

    job = import_file(
        path=again,
        record_type="people",
        actor=admin,
        overwrite=["Last Name", "Lifecycle Stage"],
    )

    assert (job.updated, job.rejected) == (2, 0)
    chinedu.refresh_from_db()
    aisha.refresh_from_db()
    # Chinedu's row was made before the seller's edit: the edit stays, and is reported.
    assert chinedu.last_name == "Okonkwo-Obi"
    assert chinedu.lifecycle_stage_id == "customer"
    # Aisha's row was changed in HubSpot after the seller's edit: the file's value wins.
    assert aisha.last_name == "Bello-Sani"
    notice = ImportNotice.objects.get(job=job)
    assert (notice.line, notice.column, notice.kind) == (2, "Last Name", NoticeKind.KEPT)
    assert notice.value == "Okonkwo-Eze"
    assert notice.message == (
        "Kept “Okonkwo-Obi”, edited by Chika Obi on 2026-11-30 10:00; the file had “Okonkwo-Eze”."
    )


def test_overwrite_later_edits_replaces_them_and_the_history_keeps_the_edit(
    write_file, admin, seller, stages
):
    _first_import(write_file("a.csv", HUBSPOT_FIRST), admin)
    chinedu = Person.objects.get(external_id="61201")
    _edit(chinedu, seller, EDITED_AT, last_name="Okonkwo-Obi")

    job = import_file(
        path=write_file("b.csv", HUBSPOT_AGAIN),
        record_type="people",
        actor=admin,
        overwrite=["Last Name"],
        overwrite_later_edits=True,
    )

    chinedu.refresh_from_db()
    assert chinedu.last_name == "Okonkwo-Eze"
    assert not job.notices.filter(kind=NoticeKind.KEPT).exists()
    assert list(chinedu.history.values_list("last_name", flat=True)[:2]) == [
        "Okonkwo-Eze",
        "Okonkwo-Obi",
    ]


def test_without_a_last_modified_column_the_file_made_at_time_decides(write_file, admin, seller):
    # A Google Contacts export (new layout) has no last-modified column.
    header = "First Name,Middle Name,Last Name,Labels,E-mail 1 - Label,E-mail 1 - Value\n"
    person = make_person(
        actor=seller, first_name="Yetunde", last_name="Ade", email="yetunde@gmail.com"
    )
    person.history.update(history_date=EDITED_AT)
    path = write_file(
        "contacts.csv", header + "Yetunde,,Adebayo,* myContacts,Home,yetunde@gmail.com\n"
    )

    before = import_file(
        path=path,
        record_type="people",
        actor=admin,
        match_by="email",
        overwrite=["Last Name"],
        rows_made_at=EDITED_AT - dt.timedelta(days=1),
    )
    person.refresh_from_db()
    assert person.last_name == "Ade"
    assert before.notices.get().kind == NoticeKind.KEPT

    import_file(
        path=path,
        record_type="people",
        actor=admin,
        match_by="email",
        overwrite=["Last Name"],
        rows_made_at=EDITED_AT + dt.timedelta(hours=2),
    )
    person.refresh_from_db()
    assert person.last_name == "Adebayo"


def test_a_blank_a_seller_cleared_after_the_file_is_not_filled(write_file, admin, seller):
    person = make_person(first_name="Emeka", last_name="Nwosu", external_id="C1")
    person = person_update(person, actor=seller, source="")  # it was already blank: no edit
    person = _edit(person, seller, EDITED_AT, preferred_language="ig")
    _edit(person, seller, EDITED_AT, preferred_language="")
    path = write_file("people.csv", "Customer ID,First name,Language\nC1,Emeka,yo\n")

    job = import_file(
        path=path, record_type="people", actor=admin, rows_made_at=EDITED_AT - dt.timedelta(1)
    )

    person.refresh_from_db()
    assert person.preferred_language == ""
    assert "edited by Chika Obi" in job.notices.get().message


def test_last_modified_cells_as_exporters_write_them():
    lagos = timezone.get_current_timezone()
    assert parse_modified("2026-11-29 16:40") == dt.datetime(2026, 11, 29, 16, 40, tzinfo=lagos)
    assert parse_modified("2026-11-29T15:40:05.000Z") == dt.datetime(
        2026, 11, 29, 15, 40, 5, tzinfo=dt.UTC
    )
    assert parse_modified("2026-11-29T15:40:05.000+0000") == dt.datetime(
        2026, 11, 29, 15, 40, 5, tzinfo=dt.UTC
    )
    assert parse_modified("29/11/2026 16:40") == dt.datetime(2026, 11, 29, 16, 40, tzinfo=lagos)
    assert parse_modified("yesterday") is None
    assert parse_modified("") is None


# --- contact points ------------------------------------------------------------------------


def test_a_number_stored_as_whatsapp_is_not_added_again_as_a_phone(write_file, admin):
    person = make_person(first_name="Halima", last_name="Yusuf", external_id="C1")
    ContactPoint.objects.create(
        person=person, kind="whatsapp", value="0803 555 0303", value_normalized="+2348035550303"
    )
    path = write_file(
        "people.csv",
        "Customer ID,First name,Phone,Mobile,Email\n"
        "C1,Halima,+234 803 555 0303,0803 555 0303,halima@example.com\n",
    )

    import_file(path=path, record_type="people", actor=admin)

    points = sorted(person.contact_points.values_list("kind", "value_normalized"))
    assert points == [("email", "halima@example.com"), ("whatsapp", "+2348035550303")]


# --- repeated rows -------------------------------------------------------------------------


def test_a_repeated_row_is_flagged_in_the_preview_and_rejected_by_the_import(
    write_file, admin, logged_in_client
):
    content = (
        "First name,Last name,Phone,Email\n"
        "Adaeze,Okafor,0803 123 4567,\n"
        "Bayo,Ade,,bayo@example.com\n"
        "Adaeze,Okafor,+234 803 123 4567,adaeze@example.com\n"
    )
    path = write_file("people.csv", content)
    job = ImportJob.objects.create(
        record_type="people",
        source_path=str(path),
        original_filename="people.csv",
        file_format="csv",
        headers=["First name", "Last name", "Phone", "Email"],
        created_by=admin,
    )
    job_configure(
        job=job,
        mapping={
            "First name": "first_name",
            "Last name": "last_name",
            "Phone": "phone",
            "Email": "email",
        },
        match_by="external_id",
    )

    _labels, rows = job_preview(job=job)
    imported = import_file(path=path, record_type="people", actor=admin)

    reason = (
        "Repeats line 2: the same name and +2348031234567, and no external id; importing it "
        "would add the same record twice."
    )
    assert [row["error"] for row in rows] == ["", "", reason]
    assert (imported.created, imported.rejected) == (2, 1)
    assert imported.rejections.get().reason == reason
    assert Person.objects.filter(first_name="Adaeze").count() == 1


def test_rows_with_different_external_ids_are_not_repeats(write_file, admin):
    path = write_file(
        "people.csv",
        "Customer ID,First name,Last name,Email\nC1,Adaeze,Okafor,a@example.com\n"
        "C2,Adaeze,Okafor,a@example.com\n",
    )

    job = import_file(path=path, record_type="people", actor=admin)

    assert (job.created, job.rejected) == (2, 0)


# --- preview -------------------------------------------------------------------------------


def test_the_preview_shows_what_an_update_changes_field_by_field(write_file, admin, seller, stages):
    _first_import(write_file("a.csv", HUBSPOT_FIRST), admin)
    chinedu = Person.objects.get(external_id="61201")
    _edit(chinedu, seller, EDITED_AT, last_name="Okonkwo-Obi")
    path = write_file("b.csv", HUBSPOT_AGAIN)
    job = ImportJob.objects.create(
        record_type="people",
        source_path=str(path),
        original_filename="b.csv",
        file_format="csv",
        headers=HUBSPOT_AGAIN.splitlines()[0].split(","),
        created_by=admin,
    )
    job_configure(
        job=job,
        mapping={
            "Record ID": "external_id",
            "First Name": "first_name",
            "Last Name": "last_name",
            "Email": "email",
            "Phone Number": "phone",
            "City": "city",
            "Lifecycle Stage": "lifecycle_stage",
            "Last Modified Date": "last_modified",
        },
        match_by="external_id",
        column_policies={"Lifecycle Stage": "overwrite", "Last Name": "overwrite"},
    )

    _labels, rows = job_preview(job=job)

    first = rows[0]
    assert first["match"] == {"id": chinedu.pk, "name": "Chinedu Okonkwo-Obi"}
    changes = {c["label"]: (c["current"], c["incoming"], c["action"]) for c in first["changes"]}
    assert changes["First name"] == ("Chinedu", "Chinedu", "same")
    assert changes["Last name"] == ("Okonkwo-Obi", "Okonkwo-Eze", "kept_edited")
    assert changes["Lifecycle stage"] == ("lead", "customer", "write")
    kept = next(c for c in first["changes"] if c["action"] == "kept_edited")
    assert (kept["edited_by"], kept["edited_at"]) == ("Chika Obi", EDITED_AT)
    assert first["already_there"] == [
        "chinedu.okonkwo@gmail.com (already there as email)",
        "+2348035550101 (already there as phone)",
    ]
    # The address is a new contact point of the record: Nsukka is added beside Enugu.
    assert first["adds"] == ["Nsukka"]
    second = {c["label"]: c["action"] for c in rows[1]["changes"]}
    assert second["Last name"] == "write"
    # The preview decided like the import: nothing was written.
    chinedu.refresh_from_db()
    assert chinedu.lifecycle_stage_id == "lead"


# --- consent -------------------------------------------------------------------------------

SALESFORCE_OPT_OUT = (
    "Id,FirstName,LastName,Email,HasOptedOutOfEmail,LastModifiedDate\n"
    "0035g00000XyZaB,Folake,Adeleke,folake.adeleke@example.ng,1,2026-11-29T08:00:00.000Z\n"
)


def test_an_opt_out_in_the_file_withdraws_consent_unless_staff_recorded_one_since(
    write_file, admin, seller
):
    from centric.customers.choices import ConsentMethod
    from centric.customers.models import Consent
    from centric.customers.services import consent_record

    folake = make_person(first_name="Folake", last_name="Adeleke", external_id="0035g00000XyZaB")
    consent_record(
        person=folake, purpose="marketing_email", status="granted", method=ConsentMethod.IMPORT
    )
    path = write_file("salesforce.csv", SALESFORCE_OPT_OUT)

    import_file(path=path, record_type="people", actor=admin)
    consent = Consent.objects.get(person=folake, purpose="marketing_email")
    assert consent.status == "withdrawn"  # a fill-blanks column still honours an opt-out

    # The customer opts in again at the shop, recorded by the seller after the export was made.
    consent_record(
        person=folake,
        purpose="marketing_email",
        status="granted",
        method=ConsentMethod.IN_PERSON,
        actor=seller,
    )
    job = import_file(path=path, record_type="people", actor=admin)

    consent.refresh_from_db()
    assert consent.status == "granted"
    notice = job.notices.get()
    assert notice.kind == NoticeKind.KEPT
    assert notice.message.startswith("Kept “granted”, edited by Chika Obi on ")

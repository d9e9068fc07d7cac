"""The import pipeline (parse -> map -> validate -> bulk write), through `import_file`."""

import pytest

from centric.customers.models import ContactPoint, Membership, Organisation, Person
from centric.imports.models import ImportJob, ImportRejection, JobStatus
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db

GOOD = (
    "Customer ID,First Name,Surname,Phone,E-mail,Company,Title,Tags\n"
    "C1,Ada,Okafor,0803 123 4567,ADA@Example.com,Balogun Stores,Buyer,VIP; Lekki\n"
    "C2,Bayo,Adeyemi,+234 805 555 0101,bayo@example.com,,,\n"
)


def test_people_are_created_with_normalised_contacts(write_file, make_user):
    owner = make_user("owner")
    path = write_file("people.csv", GOOD)

    job = import_file(path=path, record_type="people", owner=owner)

    assert (job.status, job.created, job.updated, job.rejected) == (JobStatus.DONE, 2, 0, 0)
    ada = Person.objects.get(external_id="C1")
    assert (ada.first_name, ada.last_name, ada.search_name) == ("Ada", "Okafor", "ada okafor")
    assert (ada.primary_email, ada.primary_phone) == ("ada@example.com", "+2348031234567")
    assert ada.owner == owner and ada.team_id == owner.team_id
    assert set(ada.tags.values_list("name", flat=True)) == {"VIP", "Lekki"}
    membership = Membership.objects.get(person=ada)
    assert (membership.organisation.name, membership.role, membership.is_primary) == (
        "Balogun Stores",
        "Buyer",
        True,
    )
    points = ContactPoint.objects.filter(person=ada).order_by("kind")
    assert [(p.kind, p.value_normalized, p.is_primary) for p in points] == [
        ("email", "ada@example.com", True),
        ("phone", "+2348031234567", True),
    ]
    assert ada.history.count() == 1
    assert ContactPoint.history.filter(person_id=ada.pk).count() == 2


def test_rerun_of_the_same_file_creates_no_duplicates(write_file):
    path = write_file("people.csv", GOOD)
    import_file(path=path, record_type="people")

    again = import_file(path=path, record_type="people")

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 0)
    assert Person.objects.count() == 2
    assert ContactPoint.objects.count() == 4
    assert Organisation.objects.count() == 1


def test_bad_values_are_kept_and_only_rows_naming_no_one_are_rejected(write_file):
    path = write_file(
        "people.csv",
        "id,first name,last name,phone,email\n"
        "1,Ada,Okafor,0803 123 4567,ada@example.com\n"
        "2,Bad,Email,,not-an-email\n"
        "3,,,12345,\n"
        "4,Chi,Eze,,chi@example.com\n"
        "5,,,,nobody@\n",
    )

    job = import_file(path=path, record_type="people", batch_size=2)

    assert (job.created, job.rejected, job.flagged, job.processed) == (3, 2, 1, 5)
    rejections = list(ImportRejection.objects.filter(job=job))
    assert [r.line for r in rejections] == [4, 6]
    assert rejections[0].reason.startswith("Nothing identifies this person")
    assert "12345" in rejections[0].reason and "nobody@" in rejections[1].reason
    assert rejections[0].raw == ["3", "", "", "12345", ""]
    assert set(Person.objects.values_list("external_id", flat=True)) == {"1", "2", "4"}
    kept = Person.objects.get(external_id="2")
    assert [i["value"] for i in kept.needs_attention] == ["not-an-email"]
    assert not kept.contact_points.exists()


def test_custom_field_of_the_wrong_type_is_rejected(write_file):
    from centric.extras.services import custom_field_create

    custom_field_create(
        record_type="person", key="shoe_size", label="Shoe size", field_type="integer"
    )
    path = write_file(
        "p.csv", "First name,Last name,Shoe size\nAda,Okafor,42\nBayo,Adeyemi,large\n"
    )

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 1)
    assert Person.objects.get().custom_fields == {"shoe_size": 42}
    rejection = job.rejections.get()
    assert rejection.line == 3 and "Shoe size" in rejection.reason and "large" in rejection.reason


def test_oversize_fields_are_rejected(write_file):
    path = write_file("p.csv", f"First name,Last name\nAda,Okafor\n{'A' * 101},Long\n")

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 1)
    assert "First name: at most 100 characters (this one has 101)" in job.rejections.get().reason


def test_duplicate_external_id_in_the_file_rejects_the_second_occurrence(write_file):
    path = write_file(
        "p.csv", "id,First name,Last name\nA1,Ada,Okafor\nA2,Bayo,Adeyemi\nA1,Ada,Again\n"
    )

    job = import_file(path=path, record_type="people", batch_size=1)

    assert (job.created, job.rejected) == (2, 1)
    rejection = job.rejections.get()
    assert rejection.line == 4
    assert "“A1” appears more than once in the file (first on line 2)" in rejection.reason
    assert Person.objects.get(external_id="A1").last_name == "Okafor"


def test_external_id_of_an_existing_record_updates_it(write_file):
    from centric.customers.tests.factories import make_person

    person = make_person(first_name="Ada", last_name="Old", external_id="A1")
    path = write_file("p.csv", "id,First name,Last name,email\nA1,Ada,Okafor,ada@example.com\n")

    job = import_file(path=path, record_type="people", overwrite=["Last name"])

    assert (job.created, job.updated) == (0, 1)
    person.refresh_from_db()
    assert (person.last_name, person.version, person.primary_email) == (
        "Okafor",
        2,
        "ada@example.com",
    )
    assert person.search_name == "ada okafor"
    latest = person.history.first()
    assert (latest.history_type, latest.last_name) == ("~", "Okafor")


def test_email_matching_updates_the_person_with_that_email(write_file):
    from centric.customers.tests.factories import make_person

    person = make_person(first_name="Ada", last_name="Okafor", email="ada@example.com")
    path = write_file(
        "p.csv", "First name,Last name,Email,Source\nAda,Okafor,ADA@example.com ,walk-in\n"
    )

    by_id = import_file(path=path, record_type="people", dry_run=True)
    by_email = import_file(path=path, record_type="people", match_by="email")

    assert by_id.created == 1  # without email matching it would be a new person
    assert (by_email.created, by_email.updated) == (0, 1)
    assert Person.objects.count() == 1
    person.refresh_from_db()
    assert person.source == "walk-in"


def test_duplicate_email_in_the_file_is_rejected_when_matching_by_email(write_file):
    path = write_file(
        "p.csv", "First name,Last name,Email\nAda,Okafor,ada@example.com\nAda,O,ADA@example.com\n"
    )

    job = import_file(path=path, record_type="people", match_by="email")

    assert (job.created, job.rejected) == (1, 1)
    assert "appears more than once" in job.rejections.get().reason


def test_phone_is_never_used_for_matching(write_file):
    from centric.customers.tests.factories import make_person

    make_person(first_name="Mama", last_name="Okafor", phone="0803 123 4567")
    path = write_file("p.csv", "First name,Last name,Phone\nChidi,Okafor,+2348031234567\n")

    for match_by in ("external_id", "email"):
        path = write_file(
            f"p-{match_by}.csv",
            f"First name,Last name,Phone,Email\nChidi{match_by},Okafor,+2348031234567,\n",
        )
        job = import_file(path=path, record_type="people", match_by="external_id")
        assert (job.created, job.updated) == (1, 0)
    assert Person.objects.filter(primary_phone="+2348031234567").count() == 3


def test_dry_run_writes_nothing_but_reports_counts(write_file):
    from centric.customers.models import Consent
    from centric.extras.models import Tag

    path = write_file(
        "p.csv",
        "id,First name,Last name,Email,Company,Tags,Email consent\n"
        "A1,Ada,Okafor,ada@example.com,Balogun Stores,VIP,yes\n"
        "A2,,,not-an-email,,,\n",
    )

    job = import_file(path=path, record_type="people", dry_run=True)

    assert (job.status, job.created, job.rejected, job.dry_run) == (JobStatus.DONE, 1, 1, True)
    assert job.rejections.get().line == 3
    assert Person.objects.count() == 0
    assert ContactPoint.objects.count() == 0
    assert Organisation.objects.count() == 0
    assert Tag.objects.count() == 0
    assert Consent.objects.count() == 0
    assert Person.history.count() == 0


def test_consent_lifecycle_owner_and_dates(write_file, make_user, stages):
    from centric.customers.models import Consent

    owner = make_user("bisi")
    path = write_file(
        "p.csv",
        "First name,Last name,Stage,Owner,Date of birth,Gender,Email consent\n"
        "Ada,Okafor,Customer,BISI,15/04/1990,F,yes\n"
        "Bayo,Adeyemi,unknown-stage,bisi,31/02/1990,x,maybe\n"
        "Chi,Eze,lead,nobody,,,\n",
    )

    job = import_file(path=path, record_type="people")

    ada = Person.objects.get()
    assert (ada.lifecycle_stage_id, ada.owner, ada.gender) == ("customer", owner, "female")
    assert ada.date_of_birth.isoformat() == "1990-04-15"
    consent = Consent.objects.get(person=ada)
    assert (consent.purpose, consent.status, consent.method) == (
        "marketing_email",
        "granted",
        "import",
    )
    bayo, chi = job.rejections.all()
    for part in ("Lifecycle stage", "Gender", "Consent"):
        assert part in bayo.reason
    assert (chi.line, chi.reason) == (4, "Owner: there is no active staff user “nobody”.")


def test_organisations_import_and_rerun(write_file):
    path = write_file(
        "orgs.csv",
        "Company ID,Company,Industry,Phone,Website\n"
        "O1,Balogun Stores,Retail,0803 765 4321,balogun.ng\n"
        "O2,,Retail,,\n",
    )

    first = import_file(path=path, record_type="organisations")
    again = import_file(path=path, record_type="organisations")

    assert (first.created, first.rejected) == (1, 1)
    assert "Name" in first.rejections.get().reason
    assert (again.created, again.unchanged) == (0, 1)
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.industry, organisation.search_name) == (
        "Balogun Stores",
        "Retail",
        "balogun stores",
    )
    assert set(organisation.contact_points.values_list("kind", "value_normalized")) == {
        ("phone", "+2348037654321"),
        ("website", "https://balogun.ng"),
    }


def test_concurrently_taken_external_id_rejects_only_that_row(write_file, monkeypatch):
    """If the database refuses a batch, rows are retried one by one and only the bad one is lost."""
    from centric.imports.services import writer as writer_module

    path = write_file("p.csv", "id,First name,Last name\nA1,Ada,Okafor\nA2,Bayo,Adeyemi\n")
    Person.objects.create(first_name="Other", last_name="Writer", external_id="A2")
    original = writer_module.BatchWriter._matches

    def blind_matches(self, rows):
        # Another writer took A2 after our look-up: the look-up does not see it.
        by_external, by_email, objects, seen, allowed = original(self, rows)
        return {}, by_email, {}, seen, allowed

    monkeypatch.setattr(writer_module.BatchWriter, "_matches", blind_matches)

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected) == (1, 1)
    assert job.rejections.get().line == 3
    assert "database refused" in job.rejections.get().reason
    assert Person.objects.filter(external_id="A1", last_name="Okafor").exists()
    assert Person.objects.get(external_id="A2").first_name == "Other"


def test_parallel_preparation_gives_the_same_result(write_file, settings, make_user):
    """Large files are normalised in worker processes; the outcome is the same, in file order."""
    make_user("bisi")
    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    lines = ["id,First name,Last name,Phone,Email,Owner"]
    for number in range(1, 2501):
        # Every 500th row identifies no one (no name, no email, a phone that is no number).
        name, phone, email = (
            (f"Name{number},Okafor", f"0803 {number:07d}", f"p{number}@example.com")
            if number % 500
            else (",", "12", "")
        )
        lines.append(f"P{number},{name},{phone},{email},bisi")
    lines.append("P7,Dup,Licate,,,")
    path = write_file("many.csv", "\n".join(lines) + "\n")

    job = import_file(path=path, record_type="people", batch_size=700)

    assert (job.total, job.created, job.rejected) == (2501, 2495, 6)
    assert [r.line for r in job.rejections.all()] == [501, 1001, 1501, 2001, 2501, 2502]
    assert "first on line 8" in job.rejections.last().reason
    assert Person.objects.filter(owner__username="bisi").count() == 2495
    assert ContactPoint.objects.count() == 2495 * 2
    assert Person.objects.get(external_id="P1234").primary_phone == "+2348030001234"


def test_imported_person_equals_one_made_by_the_services(write_file, make_user):
    """The bulk path keeps what person_create keeps: search key, primaries, contact points, history."""
    from centric.customers.services import person_create

    user = make_user("same")
    made = person_create(
        actor=user,
        first_name="Adébáyọ̀",
        middle_name="T.",
        last_name="O'Neil-Okafor",
        contact_points=[
            {"kind": "phone", "value": "0803 123 4567"},
            {"kind": "email", "value": "Ade@Example.com"},
            {"kind": "phone", "value": "+234 805 555 0101"},
        ],
    )
    path = write_file(
        "p.csv",
        "First name,Middle name,Last name,Phone,Email,Mobile\n"
        "Adébáyọ̀,T.,O'Neil-Okafor,0803 123 4567,Ade@Example.com,+234 805 555 0101\n",
    )

    import_file(path=path, record_type="people", owner=user)

    imported = Person.objects.exclude(pk=made.pk).get()
    made.refresh_from_db()
    fields = ["search_name", "primary_email", "primary_phone", "owner_id", "team_id", "version"]
    assert [getattr(imported, f) for f in fields] == [getattr(made, f) for f in fields]

    def points(person):
        return sorted(
            person.contact_points.values_list("kind", "value", "value_normalized", "is_primary")
        )

    assert points(imported) == points(made)
    assert imported.history.count() == made.history.count() == 1
    assert imported.history.get().history_type == "+"
    assert ContactPoint.history.filter(person_id=imported.pk).count() == 3


def test_rows_matching_a_merged_record_update_its_survivor(write_file):
    from centric.customers.tests.factories import make_person

    survivor = make_person(first_name="Ada", last_name="Okafor", external_id="S1")
    loser = make_person(
        first_name="Ada", last_name="Okafo", external_id="L1", email="ada@example.com"
    )
    Person.objects.filter(pk=loser.pk).update(merged_into=survivor)
    by_id = write_file("a.csv", "id,First name,Last name,Source\nL1,Ada,Okafor,walk-in\n")
    by_email = write_file(
        "b.csv", "First name,Last name,Email,Campaign\nAda,Okafor,ada@example.com,xmas\n"
    )

    first = import_file(path=by_id, record_type="people")
    second = import_file(path=by_email, record_type="people", match_by="email")

    assert (first.created, first.updated, second.created, second.updated) == (0, 1, 0, 1)
    survivor.refresh_from_db()
    loser.refresh_from_db()
    assert (survivor.source, survivor.campaign, survivor.external_id) == ("walk-in", "xmas", "S1")
    assert (loser.source, loser.campaign) == ("", "")
    assert Person.objects.count() == 2


def _many_people(rows: int) -> str:
    lines = ["id,First name,Last name,Phone,Email,City"]
    for number in range(1, rows + 1):
        # Every 400th row identifies no one (no name, no email, a phone that is no number).
        name, phone, email = (
            (f"Name{number},Okafor", f"0803 {number:07d}", f"p{number}@example.com")
            if number % 400
            else (",", "0803 12", "")
        )
        lines.append(f"P{number},{name},{phone},{email},Lagos")
    lines.append("P7,Dup,Licate,,,")
    return "\n".join(lines) + "\n"


@pytest.mark.django_db(transaction=True)
def test_large_import_written_from_a_background_thread_matches_and_reruns(
    write_file, settings, monkeypatch
):
    """On PostgreSQL a large import writes its batches from a second thread (its own connection)
    while the first reads the next; the outcome, line numbers and re-run are the same."""
    from django.db import connection

    from centric.imports.services import jobs

    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    used = []
    original = jobs.BackgroundWriter.submit

    def counting(self, stage, write):
        used.append(1)
        original(self, stage, write)

    monkeypatch.setattr(jobs.BackgroundWriter, "submit", counting)
    path = write_file("many.csv", _many_people(1200))

    job = import_file(path=path, record_type="people", batch_size=250)
    again = import_file(path=path, record_type="people", batch_size=250)

    assert (job.total, job.created, job.rejected, job.processed) == (1201, 1197, 4, 1201)
    assert [r.line for r in job.rejections.all()] == [401, 801, 1201, 1202]
    assert "first on line 8" in job.rejections.last().reason
    assert (again.created, again.unchanged, again.rejected) == (0, 1197, 4)
    assert Person.objects.count() == 1197
    assert ContactPoint.objects.count() == 1197 * 3
    assert Person.objects.get(external_id="P123").primary_phone == "+2348030000123"
    assert len(used) == (10 if connection.vendor == "postgresql" else 0)


@pytest.mark.django_db(transaction=True)
def test_failing_background_batch_stops_the_import_after_the_committed_ones(
    write_file, settings, monkeypatch
):
    from centric.imports.services import writer as writer_module

    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    original = writer_module.BatchWriter.write

    def failing(self, rows, outcome, *, required_custom, staged=None):
        if rows[0].line > 500:
            raise RuntimeError("disk full")
        original(self, rows, outcome, required_custom=required_custom, staged=staged)

    monkeypatch.setattr(writer_module.BatchWriter, "write", failing)
    path = write_file("many.csv", _many_people(1200))

    with pytest.raises(RuntimeError):
        import_file(path=path, record_type="people", batch_size=250)

    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and "disk full" in job.error
    assert job.processed == 500
    assert Person.objects.count() == 499


@pytest.mark.django_db(transaction=True)
def test_batch_staged_ahead_is_staged_again_when_an_earlier_batch_changed_its_match(
    write_file, settings, monkeypatch
):
    """Two rows far apart name one person by two of her emails. The second row's batch is
    staged while the first's is written; it must see the source the first row filled, as a
    batch written after the first would, and not fill the blank it staged against."""
    from django.db import connection

    from centric.customers.services.contact_points import contact_point_add
    from centric.customers.tests.factories import make_person
    from centric.imports.services import writer as writer_module

    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    ada = make_person(first_name="Ada", last_name="Okafor", email="ada@example.com")
    contact_point_add(owner=ada, actor=None, kind="email", value="ada@work.example.com")
    staged = []
    original = writer_module.BatchWriter.stage

    def counting(self, rows, **kwargs):
        staged.append(rows[0].line)
        return original(self, rows, **kwargs)

    monkeypatch.setattr(writer_module.BatchWriter, "stage", counting)
    if connection.vendor == "postgresql":
        # The first batch is written only once the second is staged ahead, whatever the load
        # on the machine (the race this test is about, made certain).
        import threading
        import time

        original_write = writer_module.BatchWriter.write
        second_staged = threading.Event()

        def staging(self, rows, **kwargs):
            result = counting(self, rows, **kwargs)
            if rows[0].line == 252:
                second_staged.set()
            return result

        def writing(self, rows, *args, **kwargs):
            if rows[0].line == 2:
                started = time.monotonic()
                while not second_staged.wait(0.05) and time.monotonic() - started < 10:
                    pass
            return original_write(self, rows, *args, **kwargs)

        monkeypatch.setattr(writer_module.BatchWriter, "stage", staging)
        monkeypatch.setattr(writer_module.BatchWriter, "write", writing)
    lines = ["First name,Last name,Email,Source", "Ada,Okafor,ada@example.com,walk-in"]
    lines += [f"Name{n},Eze,n{n}@example.com,referral" for n in range(3, 260)]
    lines.append("Ada,Okafor,ada@work.example.com,instagram")
    path = write_file("ada.csv", "\n".join(lines) + "\n")

    job = import_file(path=path, record_type="people", match_by="email", batch_size=250)

    ada.refresh_from_db()
    assert ada.source == "walk-in"
    assert (job.created, job.updated, job.unchanged, job.rejected) == (257, 1, 1, 0)
    # On PostgreSQL the second batch was staged ahead, then again on the writing connection.
    assert staged == ([2, 252, 252] if connection.vendor == "postgresql" else [2, 252])


def test_import_restores_the_garbage_collector_settings(write_file, monkeypatch):
    import gc

    from centric.imports.services import jobs

    seen = []
    original = jobs.prepared_rows

    def watching(*args, **kwargs):
        seen.append(gc.get_threshold()[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(jobs, "prepared_rows", watching)
    before = (gc.get_threshold(), gc.get_freeze_count())

    import_file(path=write_file("p.csv", GOOD), record_type="people")

    assert seen == [50_000]
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


@pytest.mark.django_db(transaction=True)
def test_batches_commit_without_waiting_for_the_disk_and_only_themselves(write_file, monkeypatch):
    """Each batch's transaction turns PostgreSQL's synchronous commit off for itself (SET LOCAL):
    the setting is back once the batch has committed."""
    from django.db import connection

    from centric.imports.services import writer as writer_module

    def setting() -> str:
        if connection.vendor != "postgresql":
            return "n/a"
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    seen = []
    original = writer_module.BatchWriter.write

    def observing(self, rows, outcome, *, required_custom, staged=None):
        seen.append((connection.in_atomic_block, setting()))
        original(self, rows, outcome, required_custom=required_custom, staged=staged)

    monkeypatch.setattr(writer_module.BatchWriter, "write", observing)
    path = write_file("few.csv", _many_people(30))

    job = import_file(path=path, record_type="people", batch_size=10)

    during = "off" if connection.vendor == "postgresql" else "n/a"
    after = "on" if connection.vendor == "postgresql" else "n/a"
    assert job.created == 30
    assert len(seen) >= 3
    assert set(seen) == {(True, during)}
    assert setting() == after


def _report_signals(chunk):
    """Stands in for the preparing function in the pool: reports the handlers it runs under and
    its process group."""
    import os
    import signal

    state = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT), os.getpgrp())
    return [(line, values, None, state) for line, values, _error, _notices in chunk]


def test_preparing_processes_answer_to_their_pool_not_to_inherited_signals(monkeypatch):
    """`centric worker` (django-tasks' db_worker) handles SIGTERM by finishing its task first,
    and is stopped by a SIGTERM to its process group. The import's preparing processes are forked
    from it. They take the default SIGTERM (with the worker's handler, the pool's terminate()
    would not stop them and the import would wait for ever), ignore Ctrl-C (the importing
    process's to handle) and leave the group (a SIGTERM meant for the worker would otherwise
    kill them under its running task, which would then wait for ever)."""
    import os
    import signal

    from centric.imports.parsing import Row
    from centric.imports.services import preparing

    monkeypatch.setattr(preparing, "_prepare_chunk", _report_signals)
    table = [Row(line=n, values=["x"]) for n in range(2, 12)]
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        results = list(preparing.prepared_rows(None, table, workers=2, chunk_size=3))
    finally:
        signal.signal(signal.SIGTERM, previous)

    assert [line for line, *_rest in results] == list(range(2, 12))
    states = {state for *_rest, state in results}
    assert {(term, interrupt) for term, interrupt, _group in states} == {
        (signal.SIG_DFL, signal.SIG_IGN)
    }
    assert os.getpgrp() not in {group for *_handlers, group in states}


def test_an_import_inside_a_callers_transaction_leaves_its_commit_alone(write_file):
    """SET LOCAL lasts until the outermost transaction ends: an import run inside a caller's
    transaction (this test's) must not make the caller's commit asynchronous."""
    from django.db import connection, transaction

    path = write_file("few.csv", _many_people(5))
    with transaction.atomic():
        job = import_file(path=path, record_type="people")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone()[0] == "on"
    assert job.created == 6  # five people and the line the helper adds


def test_rows_prepared_in_worker_processes_update_records_as_inline_ones(
    write_file, settings, make_user
):
    """A row comes back from a preparing process without its raw values and with the values
    only an update reads packed (PreparedRow.__reduce__); updating through it changes a record
    exactly as a row prepared in the importing process does."""
    make_user("tunde")
    base = "id,First name,Last name,Phone\n{p}1,Ngozi,Eze,0803 111 2222\n{p}2,Emeka,Obi,\n"
    update = (
        "id,First name,Last name,Phone,Email,Date of birth,Owner\n"
        "{p}1,Ngozi,Eze-Okoro,0805 333 4444,ngozi@example.com,1988-02-30,tunde\n"
        "{p}2,,,0803 12,emeka@example.com,,\n"
        "{p}3,Halima,Bello,,halima@example.com,,\n"
    )
    for prefix in ("W", "I"):
        import_file(path=write_file(f"{prefix}.csv", base.format(p=prefix)), record_type="people")
    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 0
    settings.CENTRIC_IMPORT_WORKERS = 2
    overwrite = ["Last name"]  # an update fills blanks only unless a column overwrites
    in_workers = import_file(
        path=write_file("w2.csv", update.format(p="W")), record_type="people", overwrite=overwrite
    )
    settings.CENTRIC_IMPORT_PARALLEL_MIN_ROWS = 10**9
    inline = import_file(
        path=write_file("i2.csv", update.format(p="I")), record_type="people", overwrite=overwrite
    )

    def state(prefix):
        return [
            (
                p.external_id[1:],
                p.first_name,
                p.last_name,
                p.date_of_birth,
                p.owner.username if p.owner else None,
                p.primary_email,
                p.primary_phone,
                p.needs_attention,
                sorted(p.contact_points.values_list("kind", "value_normalized", "is_primary")),
            )
            for p in Person.objects.filter(external_id__startswith=prefix).order_by("external_id")
        ]

    counts = [(j.created, j.updated, j.unchanged, j.rejected) for j in (in_workers, inline)]
    assert counts == [(1, 2, 0, 0)] * 2
    assert state("W") == state("I")
    assert state("W")[0][2:5] == ("Eze-Okoro", None, "tunde")
    assert state("W")[1][7][0]["field"] == "phone"


def test_the_cached_name_key_is_the_services_search_name():
    """RowPreparer folds each distinct name once and joins the keys; that is the search name
    person_search_name gives for the whole name, whatever the names hold."""
    from types import SimpleNamespace

    from centric.customers.services.people import person_search_name
    from centric.imports.services.rows import RowPreparer

    preparer = RowPreparer(record_type="people", headers=["First"], mapping={"First": "first_name"})
    names = [
        ("Adébáyọ̀", "", "O'Neil-Okafor"),
        ("  ngozi ", "T.", "EZE"),
        ("\u0301Chi", "\u0323", "Ọ̀kàfọ̀"),
        ("Straße", "İlker", "ΣΟΦΙΑ"),
        ("Ada  Obi", "", ""),
        ("", "", "Bello"),
        ("--", "", "…"),
        ("Émeka😀", "Ọlá", "d'Almeida"),
        ("A" * 300, "B" * 200, "C" * 150),
    ]

    for first, middle, last in names * 2:  # the second time from the cache
        person = SimpleNamespace(first_name=first, middle_name=middle, last_name=last)
        assert preparer._name_key(first, middle, last) == person_search_name(person)

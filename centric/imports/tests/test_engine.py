"""The import pipeline (parse -> map -> validate -> bulk write), through `import_file`."""

import pytest

from centric.customers.models import ContactPoint, Membership, Organisation, Person
from centric.imports.models import ImportRejection, JobStatus
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


def test_bad_rows_are_rejected_with_line_and_reason_and_good_rows_kept(write_file):
    path = write_file(
        "people.csv",
        "id,first name,last name,phone,email\n"
        "1,Ada,Okafor,0803 123 4567,ada@example.com\n"
        "2,Bad,Email,,not-an-email\n"
        "3,Bad,Phone,12345,\n"
        "4,Chi,Eze,,chi@example.com\n",
    )

    job = import_file(path=path, record_type="people", batch_size=2)

    assert (job.created, job.rejected, job.processed) == (2, 2, 4)
    rejections = list(ImportRejection.objects.filter(job=job))
    assert [r.line for r in rejections] == [3, 4]
    assert "not-an-email" in rejections[0].reason and rejections[0].reason.startswith("Email")
    assert "12345" in rejections[1].reason and rejections[1].reason.startswith("Phone")
    assert rejections[0].raw == ["2", "Bad", "Email", "", "not-an-email"]
    assert set(Person.objects.values_list("external_id", flat=True)) == {"1", "4"}

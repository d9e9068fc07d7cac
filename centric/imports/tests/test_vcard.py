"""vCard: import (3.0 and 4.0) through the import pipeline, export of one person and the list."""

import pytest

from centric.customers.models import Membership, Person
from centric.customers.tests.factories import make_person
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db

CARDS = """BEGIN:VCARD
VERSION:3.0
N:Okafor;Ada;Ngozi;;
FN:Ada Ngozi Okafor
TEL;TYPE=CELL:0803 123 4567
TEL;TYPE=HOME:+234 805 555 0101
EMAIL;TYPE=INTERNET:Ada@Example.com
ORG:Balogun Stores
TITLE:Buyer
ADR;TYPE=HOME:;;12 Allen Avenue;Ikeja;Lagos;100271;Nigeria
BDAY:1990-04-15
NOTE:Met at the Lekki branch
END:VCARD
BEGIN:VCARD
VERSION:4.0
FN:Bayo Adeyemi
TEL;VALUE=uri;TYPE=cell:tel:+2348051112222
EMAIL:not-an-email
END:VCARD
BEGIN:VCARD
VERSION:4.0
N:Eze;Chi;;;
FN:Chi Eze
TEL;VALUE=uri:tel:+44 20 7946 0958
BDAY:--0415
END:VCARD
"""


def test_vcard_import_goes_through_the_pipeline(write_file):
    path = write_file("contacts.vcf", CARDS)

    job = import_file(path=path, record_type="people")

    assert (job.created, job.rejected, job.flagged) == (3, 0, 1)
    # A card's bad email is kept as typed on the person, needing attention (decision 0055).
    notice = job.notices.get()
    assert notice.line == 14 and notice.value == "not-an-email"
    bayo = Person.objects.get(first_name="Bayo")
    assert [i["value"] for i in bayo.needs_attention] == ["not-an-email"]
    ada = Person.objects.get(first_name="Ada")
    assert (ada.middle_name, ada.last_name, ada.date_of_birth.isoformat()) == (
        "Ngozi",
        "Okafor",
        "1990-04-15",
    )
    assert set(ada.contact_points.values_list("kind", "value_normalized")) == {
        ("phone", "+2348031234567"),
        ("phone", "+2348055550101"),
        ("email", "ada@example.com"),
        ("address", "12 allen avenue, ikeja, lagos, 100271, ng"),
    }
    membership = Membership.objects.get(person=ada)
    assert (membership.organisation.name, membership.role) == ("Balogun Stores", "Buyer")
    chi = Person.objects.get(first_name="Chi")
    assert chi.primary_phone == "+442079460958" and chi.date_of_birth is None


def test_vcard_round_trip(logged_in_client, make_user, write_file):
    manager = make_user("manager", role="Manager")
    person = make_person(
        actor=manager,
        first_name="Adébáyọ̀",
        last_name="Okafor",
        phone="0803 123 4567",
        email="ade@example.com",
        external_id="C-9",
    )
    client = logged_in_client(manager)

    single = client.get(f"/imports/export/person/{person.pk}.vcf")
    listing = client.get("/imports/export/people.vcf")

    assert single.status_code == 200 and single["Content-Type"].startswith("text/vcard")
    card = single.content.decode()
    assert "TEL;TYPE=CELL:+2348031234567" in card and "UID:C-9" in card
    assert b"".join(listing.streaming_content).decode() == card
    Person.objects.all().delete()
    job = import_file(path=write_file("back.vcf", card), record_type="people")
    back = Person.objects.get()
    assert (job.created, back.first_name, back.last_name, back.external_id) == (
        1,
        "Adébáyọ̀",
        "Okafor",
        "C-9",
    )
    assert (back.primary_phone, back.primary_email) == ("+2348031234567", "ade@example.com")


def test_person_vcard_of_an_invisible_person_is_404(logged_in_client, make_user, make_team):
    owner = make_user("owner", role="Front office", team=make_team("Sales"))
    outsider = make_user("outsider", role="Manager", team=make_team("Service"))
    person = make_person(actor=owner, first_name="Private")

    assert (
        logged_in_client(outsider).get(f"/imports/export/person/{person.pk}.vcf").status_code == 404
    )
    assert logged_in_client(outsider).get("/imports/export/person/999999.vcf").status_code == 404

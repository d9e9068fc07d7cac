"""vCard: import (3.0 and 4.0) through the import pipeline, export of one person and the list."""

import re

import pytest

from centric.customers.models import Membership, Organisation, Person
from centric.customers.tests.factories import make_person
from centric.imports.models import ImportJob
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
    # A card's bad email is kept as typed on the person, needing attention (decision 0055);
    # a birthday without a year is a notice of its card, by line and property.
    assert list(job.notices.values_list("line", "column", "value", "kind")) == [
        (14, "email", "not-an-email", "needs_attention"),
        (20, "BDAY", "--0415", "not_saved"),
    ]
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


# --- Files as phones and mail programs write them ----------------------------------------------


def crlf(*lines: str) -> str:
    """A vCard file as exporters write it: CRLF line endings, a CRLF after the last line."""
    return "\r\n".join(lines) + "\r\n"


def fold(line: str, width: int = 75) -> list[str]:
    """Fold a long line as iPhones and Gmail do (RFC 6350: continuation lines start with a
    space)."""
    step = width - 1
    return [line[:width]] + [" " + line[i : i + step] for i in range(width, len(line), step)]


def android_quoted_printable(text: str) -> str:
    """Quoted-printable as Android's VCardBuilder writes it: every byte as =XX, and a soft line
    break (= CRLF) every 22 bytes, wherever that falls — inside a UTF-8 character too."""
    out, count = [], 0
    for byte in text.encode("utf-8"):
        out.append(f"={byte:02X}")
        count += 3
        if count >= 66:
            out.append("=\r\n")
            count = 0
    return "".join(out).removesuffix("=\r\n")


PHOTO = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ" * 40

IPHONE = crlf(
    "BEGIN:VCARD",
    "VERSION:3.0",
    "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN",
    "N:Okafor;Chinedu;Emeka;;",
    "FN:Chinedu Emeka Okafor",
    "ORG:Balogun Stores;",
    "TITLE:Buyer",
    "EMAIL;type=INTERNET;type=HOME;type=pref:chinedu.okafor@example.com",
    "EMAIL;type=INTERNET;type=WORK:chinedu@balogunstores.com.ng",
    "item1.EMAIL;type=INTERNET:c.okafor@example.org",
    "item1.X-ABLabel:_$!<Other>!$_",
    "item2.EMAIL;type=INTERNET:chinedu.shop@example.net",
    "item2.X-ABLabel:Shop",
    "TEL;type=CELL;type=VOICE;type=pref:+234 803 123 4567",
    "TEL;type=WORK;type=VOICE:+234 805 555 0101",
    "item3.TEL:0809 876 5432",
    "item3.X-ABLabel:_$!<Other>!$_",
    "item4.TEL:+234 701 234 5678",
    "item4.X-ABLabel:Shop",
    "item5.ADR;type=HOME;type=pref:;;12 Allen Avenue;Ikeja;Lagos;100271;",
    "item5.X-ABADR:ng",
    "item6.ADR;type=WORK:;;3 Broad Street;Lagos Island;Lagos;;Nigeria",
    "item6.X-ABADR:ng",
    "item7.URL;type=pref:https://balogunstores.com.ng",
    "item7.X-ABLabel:_$!<HomePage>!$_",
    "URL;type=WORK:www.chinedu.example.com",
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-17",
    "NOTE:Prefers WhatsApp\\, after 6pm",
    *fold("PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO),
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN",
    "N:Adeyemi;Bisi;;Mrs.;",
    "FN:Mrs. Bisi Adeyemi",
    "TEL;type=CELL;type=VOICE;type=pref:0803 555 1212",
    "item1.TEL:+234 812 345 6789",
    "item1.X-ABLabel:WhatsApp",
    "BDAY;value=date:1985-11-02",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN",
    "N:Eze;Ngozi;;;",
    "FN:Ngozi Eze",
    "ORG:Eze Ventures;",
    "TEL;type=WORK;type=VOICE;type=pref:+234 806 777 8888",
    "X-ABShowAs:COMPANY",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "PRODID:-//Apple Inc.//iPhone OS 17.5.1//EN",
    "N:;;;;",
    "FN:Balogun Stores",
    "ORG:Balogun Stores;",
    "TEL;type=WORK;type=VOICE;type=pref:+234 802 000 1111",
    "item1.EMAIL;type=INTERNET;type=pref:orders@balogunstores.com.ng",
    "item1.X-ABLabel:Orders",
    "X-ABShowAs:COMPANY",
    "END:VCARD",
)


def test_iphone_cards_keep_every_email_and_phone_and_no_year_1604(write_file):
    job = import_file(path=write_file("iCloud vCards.vcf", IPHONE), record_type="people")

    assert (job.created, job.rejected) == (4, 0)
    chinedu = Person.objects.get(first_name="Chinedu")
    assert (chinedu.middle_name, chinedu.last_name) == ("Emeka", "Okafor")
    assert chinedu.date_of_birth is None
    assert set(chinedu.contact_points.values_list("kind", "value_normalized")) == {
        ("email", "chinedu.okafor@example.com"),
        ("email", "chinedu@balogunstores.com.ng"),
        ("email", "c.okafor@example.org"),
        ("email", "chinedu.shop@example.net"),
        ("phone", "+2348031234567"),
        ("phone", "+2348055550101"),
        ("phone", "+2348098765432"),
        ("phone", "+2347012345678"),
        ("address", "12 allen avenue, ikeja, lagos, 100271, ng"),
        ("website", "https://balogunstores.com.ng"),
        ("website", "https://www.chinedu.example.com"),
    }
    # An import row has one address: the other is a notice of the card, not dropped silently.
    assert list(job.notices.values_list("line", "column", "value", "message", "kind")) == [
        (
            1,
            "ADR",
            "3 Broad Street, Lagos Island, Lagos, Nigeria",
            "Address (Chinedu Emeka Okafor): the card has 2 addresses; one is imported per "
            "person (the preferred or first), so this one was not saved.",
            "not_saved",
        ),
        (
            1,
            "BDAY",
            "1604-04-17",
            "Date of birth (Chinedu Emeka Okafor): the birthday 17 April has no year; a date "
            "of birth is kept with its year, so it was not saved.",
            "not_saved",
        ),
    ]
    # The file's notes only count them.
    assert job.notes.startswith("1 card holds values that are not imported as they stand (2:")
    assert (chinedu.primary_email, chinedu.primary_phone) == (
        "chinedu.okafor@example.com",
        "+2348031234567",
    )
    bisi = Person.objects.get(last_name="Adeyemi")
    assert (bisi.first_name, bisi.date_of_birth.isoformat()) == ("Bisi", "1985-11-02")
    assert set(bisi.contact_points.values_list("kind", "value_normalized")) == {
        ("phone", "+2348035551212"),
        ("whatsapp", "+2348123456789"),
    }
    # The company card is the organisation Chinedu works at, not a person named after it.
    assert not Person.objects.filter(first_name__icontains="Balogun").exists()
    shop = Organisation.objects.get(name="Balogun Stores")
    assert set(shop.contact_points.values_list("kind", "value_normalized")) == {
        ("phone", "+2348020001111"),
        ("email", "orders@balogunstores.com.ng"),
    }
    assert Membership.objects.get(person=chinedu).organisation == shop
    # A company card that names a person keeps the person, a member of the company.
    ngozi = Person.objects.get(first_name="Ngozi")
    assert (ngozi.last_name, ngozi.primary_phone) == ("Eze", "+2348067778888")
    assert Membership.objects.get(person=ngozi).organisation.name == "Eze Ventures"


def test_a_card_with_more_than_fifty_emails_keeps_fifty_and_says_so(write_file):
    emails = [f"EMAIL;type=INTERNET:ngozi{n}@example.com" for n in range(1, 61)]
    card = crlf("BEGIN:VCARD", "VERSION:3.0", "N:Eze;Ngozi;;;", *emails, "END:VCARD")

    job = import_file(path=write_file("many.vcf", card), record_type="people")

    ngozi = Person.objects.get()
    assert ngozi.contact_points.filter(kind="email").count() == 50
    notice = job.notices.get()
    assert (notice.line, notice.column, notice.kind) == (1, "EMAIL", "not_saved")
    assert notice.message == (
        "Emails (Ngozi Eze): the card has 60 emails; the first 50 were imported and 10 were not."
    )
    assert notice.value == (
        "ngozi51@example.com; ngozi52@example.com; ngozi53@example.com; ngozi54@example.com; "
        "ngozi55@example.com …"
    )
    assert job.created == 1


OLAJUMOKE_FAMILY, OLAJUMOKE_GIVEN = "Adébáyọ̀", "Ọlájùmọ̀kẹ́"
CHUKWUEMEKA = "Chukwuẹmẹka Ọkọye"

ANDROID = crlf(
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
    + android_quoted_printable(f"{OLAJUMOKE_FAMILY};{OLAJUMOKE_GIVEN};;;"),
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
    + android_quoted_printable(f"{OLAJUMOKE_GIVEN} {OLAJUMOKE_FAMILY}"),
    "TEL;CELL;PREF:+2348031234567",
    "TEL;HOME:0805 555 0101",
    "EMAIL;HOME:olajumoke.adebayo@example.com",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:2.1",
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" + android_quoted_printable(CHUKWUEMEKA),
    "TEL;CELL:08061234567",
    "TEL;WORK:08061234568",
    "TEL;CELL:0706 111 2222",
    "TEL;X-Shop:0706 111 2223",
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
    + android_quoted_printable("Ọjà Ọ̀yìngbò, stall 14 — pays on the 25th of every month"),
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N:Okafor;Chinedu;;;",
    "FN:Chinedu Okafor",
    "TEL;CELL:+2348031230000",
    "ADR;HOME:;;7 Ogui Road;Enugu;Enugu;;Naija",
    "END:VCARD",
)


def test_android_quoted_printable_names_broken_inside_a_character(write_file):
    # The file really breaks lines inside a character (else the test proves nothing).
    assert re.search(r"=\r\n=[89AB][0-9A-F]", ANDROID)

    job = import_file(path=write_file("00001.vcf", ANDROID), record_type="people")

    assert (job.created, job.rejected) == (3, 0)
    olajumoke = Person.objects.get(last_name=OLAJUMOKE_FAMILY)
    assert olajumoke.first_name == OLAJUMOKE_GIVEN
    assert olajumoke.primary_phone == "+2348031234567"
    assert olajumoke.primary_email == "olajumoke.adebayo@example.com"
    chukwuemeka = Person.objects.get(first_name="Chukwuẹmẹka")
    assert chukwuemeka.last_name == "Ọkọye"
    assert chukwuemeka.contact_points.filter(kind="phone").count() == 4
    chinedu = Person.objects.get(first_name="Chinedu", last_name="Okafor")
    address = chinedu.contact_points.get(kind="address")
    assert (address.street, address.city, address.country) == ("7 Ogui Road", "Enugu", "")
    notice = job.notices.get()
    assert (notice.column, notice.value, notice.kind) == ("ADR", "Naija", "not_saved")
    assert notice.message.startswith("Country (Chinedu Okafor): “Naija” is not one the import")
    assert notice.line == ANDROID.split("\r\n").index("BEGIN:VCARD", 20) + 1


THUNDERBIRD = crlf(
    "BEGIN:VCARD",
    "VERSION:4.0",
    "PRODID:-//Thunderbird.net/NONSGML Thunderbird 115.16.0//EN",
    "UID:5a4b8c1e-2f3d-4e5a-9b6c-7d8e9f0a1b2c",
    "FN:Ngozi Eze",
    "N:Eze;Ngozi;;;",
    "GENDER:F",
    "EMAIL:ngozi@ezeventures.com.ng",
    "EMAIL;PREF=1:ngozi.eze@example.com",
    "TEL;VALUE=uri;TYPE=cell:tel:+234-803-123-4567",
    "TEL;TYPE=work;VALUE=TEXT:0802 111 2222",
    "BDAY:--0417",
    "NOTE:Orders fabric every December.\\nCall before noon.",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:4.0",
    "PRODID:-//Thunderbird.net/NONSGML Thunderbird 115.16.0//EN",
    "UID:8f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "FN:Emeka Nwosu",
    "N:Nwosu;Emeka;;;",
    "GENDER:U",
    'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+234-816-123-4567;ext=12',
    "BDAY;VALUE=DATE:19900415",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:4.0",
    "KIND:org",
    "FN:Zenith Paints Ltd",
    "ORG:Zenith Paints Ltd",
    "EMAIL;TYPE=work:sales@zenithpaints.com.ng",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:4.0",
    "KIND:org",
    "FN:Ikeja Motors",
    "TEL;VALUE=uri;TYPE=work:tel:+234-802-444-5555",
    "END:VCARD",
)


def test_vcard_4_from_thunderbird(write_file):
    job = import_file(
        path=write_file("Personal Address Book.vcf", THUNDERBIRD), record_type="people"
    )

    assert (job.created, job.rejected) == (4, 0)
    ngozi = Person.objects.get(external_id="5a4b8c1e-2f3d-4e5a-9b6c-7d8e9f0a1b2c")
    assert (ngozi.first_name, ngozi.last_name, ngozi.date_of_birth) == ("Ngozi", "Eze", None)
    assert ngozi.gender == "female"
    assert ngozi.primary_email == "ngozi.eze@example.com"  # PREF=1 is the primary
    assert set(ngozi.contact_points.values_list("kind", "value_normalized")) == {
        ("email", "ngozi.eze@example.com"),
        ("email", "ngozi@ezeventures.com.ng"),
        ("phone", "+2348031234567"),
        ("phone", "+2348021112222"),
    }
    assert job.notices.get().message.startswith(
        "Date of birth (Ngozi Eze): the birthday 17 April has no year"
    )
    emeka = Person.objects.get(first_name="Emeka")
    assert emeka.gender == ""  # GENDER:U (unknown) says nothing to store
    assert (emeka.primary_phone, emeka.date_of_birth.isoformat()) == (
        "+2348161234567",
        "1990-04-15",
    )
    zenith = Organisation.objects.get(name="Zenith Paints Ltd")
    assert zenith.contact_points.get().value_normalized == "sales@zenithpaints.com.ng"
    assert not Person.objects.filter(first_name__startswith="Zenith").exists()
    motors = Organisation.objects.get(name="Ikeja Motors")  # KIND:org with only a name
    assert motors.contact_points.get().value_normalized == "+2348024445555"
    assert Person.objects.count() == 2


GMAIL = crlf(
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Bisi Adeyemi",
    "N:Adeyemi;Bisi;;;",
    "EMAIL;TYPE=INTERNET;TYPE=HOME:bisi.adeyemi@example.com",
    "TEL;TYPE=CELL:0803 555 1212",
    "item1.TEL:+234 809 000 1111",
    "item1.X-ABLabel:Shop",
    "ADR;TYPE=HOME:;;5 Awolowo Road\\nIkoyi;Lagos;Lagos;;Nigeria",
    "BDAY:--04-17",
    "CATEGORIES:myContacts,starred,Customers",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Tunde Bakare",
    "N:Bakare;Tunde;;;",
    "EMAIL;TYPE=INTERNET:tunde.bakare@example.com",
    "item1.EMAIL;TYPE=INTERNET:tunde@bakarelogistics.ng",
    "item1.X-ABLabel:Office",
    "ORG:Bakare Logistics",
    "BDAY:1979-06-30",
    "CATEGORIES:myContacts",
    "END:VCARD",
)


def test_gmail_export_system_groups_never_become_tags(write_file):
    job = import_file(
        path=write_file("contacts.vcf", GMAIL),
        record_type="people",
        mapping={"categories": "tags"},
    )

    assert (job.created, job.rejected) == (2, 0)
    bisi = Person.objects.get(first_name="Bisi")
    assert list(bisi.tags.values_list("name", flat=True)) == ["Customers"]
    assert set(bisi.contact_points.values_list("kind", "value_normalized")) == {
        ("email", "bisi.adeyemi@example.com"),
        ("phone", "+2348035551212"),
        ("phone", "+2348090001111"),
        ("address", "5 awolowo road, ikoyi, lagos, lagos, ng"),
    }
    assert bisi.date_of_birth is None
    assert job.notices.get().message.startswith("Date of birth (Bisi Adeyemi): the birthday 17")
    tunde = Person.objects.get(first_name="Tunde")
    assert not tunde.tags.exists()
    assert tunde.contact_points.filter(kind="email").count() == 2
    assert tunde.date_of_birth.isoformat() == "1979-06-30"
    assert Membership.objects.get(person=tunde).organisation.name == "Bakare Logistics"


def test_categories_are_not_tags_unless_asked(write_file):
    job = import_file(path=write_file("contacts.vcf", GMAIL), record_type="people")

    assert job.created == 2 and job.mapping["categories"] == ""
    assert not Person.objects.filter(tags__isnull=False).exists()


OUTLOOK = crlf(
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N;LANGUAGE=en-us:Nwosu;Emeka",
    "FN:Emeka Nwosu",
    "ORG:Nwosu & Sons Ltd",
    "TITLE:Managing Director",
    "TEL;WORK;VOICE:+234 802 345 6789",
    "TEL;CELL;VOICE:0816 123 4567",
    "ADR;WORK;PREF:;;14 Broad Street, Marina;Lagos Island;Lagos;102273;Nigeria",
    "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:14 Broad Street, Marina=0D=0ALagos Island, Lagos 1022=",
    "73=0D=0ANigeria",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
    "EMAIL;PREF;INTERNET:emeka@nwosuandsons.com.ng",
    "EMAIL;INTERNET:emeka.nwosu@example.com",
    'X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://schemas.microsoft.com/office/outlook/12/'
    'electronicbusinesscards" ver="1.0" layout="left" bgcolor="ffffff"><img xmlns="" '
    'align="fit" area="16" use="cardpicture"/><fld xmlns="" prop="name" align="left" '
    'dir="ltr" style="b" color="000000" size="10"/></card>',
    "REV:20261130T091500Z",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N:;;;;",
    "FN:Adaeze Obi",
    "EMAIL;PREF;INTERNET:adaeze.obi@example.com",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:0",
    "REV:20261130T091500Z",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:2.1",
    "N:;;;;",
    "FN:Lekki Pharmacy",
    "ORG:Lekki Pharmacy",
    "TEL;WORK;VOICE:0809 222 3333",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:0",
    "END:VCARD",
)


def test_outlook_cards(write_file):
    job = import_file(path=write_file("Emeka Nwosu.vcf", OUTLOOK), record_type="people")

    assert (job.created, job.rejected) == (3, 0)
    emeka = Person.objects.get(first_name="Emeka")
    assert (emeka.last_name, emeka.primary_email) == ("Nwosu", "emeka@nwosuandsons.com.ng")
    assert set(emeka.contact_points.values_list("kind", "value_normalized")) == {
        ("email", "emeka@nwosuandsons.com.ng"),
        ("email", "emeka.nwosu@example.com"),
        ("phone", "+2348023456789"),
        ("phone", "+2348161234567"),
        ("address", "14 broad street, marina, lagos island, lagos, 102273, ng"),
    }
    membership = Membership.objects.get(person=emeka)
    assert (membership.organisation.name, membership.role) == (
        "Nwosu & Sons Ltd",
        "Managing Director",
    )
    adaeze = Person.objects.get(first_name="Adaeze")  # N:;;;; but a formatted name
    assert (adaeze.last_name, adaeze.primary_email) == ("Obi", "adaeze.obi@example.com")
    pharmacy = Organisation.objects.get(name="Lekki Pharmacy")
    assert pharmacy.contact_points.get().value_normalized == "+2348092223333"
    assert Person.objects.count() == 2


def test_company_cards_import_once(write_file):
    company = IPHONE[IPHONE.rindex("BEGIN:VCARD") :]
    path = write_file("Balogun Stores.vcf", company)
    first = import_file(path=path, record_type="people")

    again = import_file(path=path, record_type="people")

    assert (first.created, again.created, again.unchanged, again.rejected) == (1, 0, 1, 0)
    assert Organisation.objects.count() == 1 and not Person.objects.exists()
    assert Organisation.objects.get().contact_points.count() == 2


def _upload(client, content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/imports/new/",
        {"record_type": "people", "file": SimpleUploadedFile(name, content, "text/vcard")},
    )


def test_the_mapping_page_and_the_report_say_which_birthdays_have_no_year(
    logged_in_client, make_user, django_capture_on_commit_callbacks
):
    from centric.imports.services.jobs import job_run

    client = logged_in_client(make_user("manager", role="Manager"))
    _upload(client, IPHONE.encode(), "iCloud vCards.vcf")
    job = ImportJob.objects.get()
    note = "Date of birth (Chinedu Emeka Okafor): the birthday 17 April has no year"

    mapping = client.get(f"/imports/{job.pk}/mapping/").content.decode()
    # The file's note counts the cards; the preview names the card's value on its row.
    assert "1 card holds values that are not imported as they stand (2:" in mapping
    assert note in mapping
    with django_capture_on_commit_callbacks(execute=False):
        data = {f"column_{i}": job.mapping[header] for i, header in enumerate(job.headers)}
        client.post(
            f"/imports/{job.pk}/mapping/", data | {"match_by": "external_id", "action": "import"}
        )
    job_run(job_id=job.pk)

    report = client.get(f"/imports/{job.pk}/").content.decode()
    assert "<td>1</td><td>BDAY</td><td>1604-04-17</td><td>" + note in report
    notices = b"".join(client.get(f"/imports/{job.pk}/notices.csv").streaming_content).decode()
    assert '\r\n1,BDAY,1604-04-17,"Date of birth (Chinedu Emeka Okafor): the birthday 17' in notices
    assert '\r\n1,ADR,"3 Broad Street, Lagos Island, Lagos, Nigeria","Address (' in notices
    assert Person.objects.get(first_name="Chinedu").date_of_birth is None


def test_a_spreadsheet_row_naming_only_a_company_becomes_an_organisation(write_file):
    # The same rule as company cards, for an Outlook or Excel list of contacts.
    path = write_file(
        "contacts.csv",
        "First Name,Last Name,Company,Mobile Phone,E-mail Address\r\n"
        "Ada,Okafor,Lekki Pharmacy,0803 123 4567,ada@example.com\r\n"
        ",,Lekki Pharmacy,0809 222 3333,info@lekkipharmacy.ng\r\n"
        ",,,0805 555 0101,\r\n",
    )

    job = import_file(path=path, record_type="people")

    # The third row names no one but a number identifies them: a person needing a name.
    assert (job.created, job.rejected) == (3, 0)
    nameless = Person.objects.get(first_name="", last_name="")
    assert [item["field"] for item in nameless.needs_attention] == ["name"]
    pharmacy = Organisation.objects.get()
    assert set(pharmacy.contact_points.values_list("value_normalized", flat=True)) == {
        "+2348092223333",
        "info@lekkipharmacy.ng",
    }
    assert Membership.objects.get(person__first_name="Ada").organisation == pharmacy


def test_centric_import_of_a_vcard_prints_its_notes(write_file):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("import", "people", str(write_file("iCloud vCards.vcf", IPHONE)), stdout=out)
    hostile = write_file("hostile.vcf", crlf("BEGIN:VCARD", "FN:" + "C" * 1_000_001, "END:VCARD"))

    assert "1 card holds values that are not imported as they stand" in out.getvalue()
    assert (
        "line 1, BDAY: Date of birth (Chinedu Emeka Okafor): the birthday 17 April has no year"
        in out.getvalue()
    )
    assert "4 rows: 4 created, 0 updated, 0 unchanged, 0 rejected." in out.getvalue()
    with pytest.raises(CommandError, match="Line 2 of the file is longer than 1,000,000"):
        call_command("import", "people", str(hostile), stdout=io.StringIO())


def test_a_company_card_meets_organisations_as_the_importer_may_see_and_change_them(
    write_file, make_user, make_team
):
    from centric.customers.services import organisation_create
    from centric.staff.services.visibility import visibility_policy_set

    importer = make_user("importer", role="Manager", team=make_team("Sales"))
    bola = make_user("bola", team=make_team("Service"))
    theirs = organisation_create(actor=bola, name="Balogun Stores")
    company = IPHONE[IPHONE.rindex("BEGIN:VCARD") :]
    path = write_file("Balogun Stores.vcf", company)

    # Hidden from the importer: their own organisation is made, the other is not touched.
    hidden = import_file(path=path, record_type="people", owner=importer, actor=importer)
    assert (hidden.created, hidden.rejected) == (1, 0)
    assert not theirs.contact_points.exists()
    Organisation.objects.exclude(pk=theirs.pk).delete()

    # Seen but not theirs to change: refused, as a person's row would be.
    visibility_policy_set(record_type="customers.organisation", level="public_read", actor=None)
    seen = import_file(path=path, record_type="people", owner=importer, actor=importer)
    assert (seen.created, seen.rejected) == (0, 1)
    assert seen.rejections.get().reason == "It matches an existing record that you may not change."
    assert not theirs.contact_points.exists() and Organisation.objects.count() == 1


def test_card_notices_are_rows_of_the_report_for_people_and_company_cards(write_file):
    # A birthday that is no date is kept as typed on the person, needing attention (as in a
    # spreadsheet); a company card's second address is a notice of its card too.
    cards = crlf(
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Nwosu;Emeka;;;",
        "FN:Emeka Nwosu",
        "TEL;TYPE=CELL:0816 123 4567",
        "BDAY:sometime in April",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Zenith Paints Ltd",
        "ORG:Zenith Paints Ltd",
        "ADR;TYPE=WORK;TYPE=pref:;;14 Creek Road;Apapa;Lagos;;Nigeria",
        "ADR;TYPE=WORK:;;2 Trans-Amadi Road;Port Harcourt;Rivers;;Nigeria",
        "END:VCARD",
    )

    job = import_file(path=write_file("contacts.vcf", cards), record_type="people")

    assert (job.created, job.rejected, job.flagged) == (2, 0, 1)
    assert list(job.notices.values_list("line", "column", "value", "kind")) == [
        (1, "BDAY", "sometime in April", "needs_attention"),
        (8, "ADR", "2 Trans-Amadi Road, Port Harcourt, Rivers, Nigeria", "not_saved"),
    ]
    emeka = Person.objects.get()
    assert emeka.date_of_birth is None
    assert emeka.needs_attention == [
        {
            "field": "date_of_birth",
            "value": "sometime in April",
            "reason": "Date of birth (Emeka Nwosu): “sometime in April” is not a date.",
        }
    ]
    zenith = Organisation.objects.get()
    assert zenith.contact_points.get(kind="address").city == "Apapa"
    assert job.notes.startswith("2 cards hold values that are not imported as they stand (2:")


def _labels(**person) -> dict[str, str]:
    """Each of a person's contact values (normalised) and its label."""
    points = Person.objects.get(**person).contact_points
    return dict(points.values_list("value_normalized", "label"))


def test_vcard_labels_are_stored_from_types_and_an_iphones_own_labels(write_file):
    import_file(path=write_file("iCloud vCards.vcf", IPHONE), record_type="people")
    import_file(path=write_file("00001.vcf", ANDROID), record_type="people")
    import_file(path=write_file("contacts.vcf", GMAIL), record_type="people")

    # iPhone: TYPE=HOME/WORK/CELL, and item1.X-ABLabel (its own _$!<Other>!$_ or the user's).
    assert _labels(first_name="Chinedu", last_name="Okafor", middle_name="Emeka") == {
        "chinedu.okafor@example.com": "home",
        "chinedu@balogunstores.com.ng": "work",
        "c.okafor@example.org": "other",
        "chinedu.shop@example.net": "Shop",
        "+2348031234567": "mobile",
        "+2348055550101": "work",
        "+2348098765432": "other",
        "+2347012345678": "Shop",
        "12 allen avenue, ikeja, lagos, 100271, ng": "",
        "https://balogunstores.com.ng": "homepage",
        "https://www.chinedu.example.com": "work",
    }
    # A number labelled WhatsApp is a WhatsApp number; the label says nothing more.
    bisi = Person.objects.get(first_name="Bisi", contact_points__kind="whatsapp")
    assert dict(bisi.contact_points.values_list("kind", "label")) == {
        "phone": "mobile",
        "whatsapp": "",
    }
    # Android's vCard 2.1: bare types (TEL;CELL;PREF) and a custom label (TEL;X-Shop).
    assert _labels(first_name="Chukwuẹmẹka") == {
        "+2348061234567": "mobile",
        "+2348061234568": "work",
        "+2347061112222": "mobile",
        "+2347061112223": "Shop",
    }
    # Gmail: TYPE=INTERNET;TYPE=HOME is home (INTERNET is no label), item1.X-ABLabel:Shop.
    gmail = _labels(first_name="Bisi", contact_points__value_normalized="+2348090001111")
    assert {k: v for k, v in gmail.items() if "@" in k or k.startswith("+")} == {
        "bisi.adeyemi@example.com": "home",
        "+2348035551212": "mobile",
        "+2348090001111": "Shop",
    }


def test_vcard_label_columns_are_named_as_labels_on_the_mapping_page(write_file):
    from centric.imports.fields import suggest_columns
    from centric.imports.parsing import open_table

    table = open_table(write_file("contacts.vcf", GMAIL), "vcf")
    suggestions = {s.header: s for s in suggest_columns(table.headers, "people")}

    assert table.headers[4:8] == ["email", "email label", "email 2", "email 2 label"]
    assert (suggestions["email 2"].target, suggestions["email 2 label"].target) == ("email", "")
    assert "stored with that value" in suggestions["phone 2 label"].reason

"""Files as real exporters write them (Google Contacts old and new, Outlook, Salesforce, HubSpot),
imported without a mapping: what the mapping suggests and what ends up on the records.

The samples in samples/ were written the way each exporter writes its file: its exact header row,
its encoding and line endings (Outlook: Windows-1252, CRLF, every cell quoted), its quirks
(Google's " ::: " multi-values and "* myContacts" groups, Outlook's 0/0/00 and "Unspecified").
"""

from pathlib import Path

import pytest

from centric.customers.models import Consent, ContactPoint, Person
from centric.imports.fields import suggest_columns, suggest_mapping
from centric.imports.models import ImportNotice, JobStatus, NoticeKind
from centric.imports.parsing import open_table
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


def _headers(name: str) -> list[str]:
    return open_table(SAMPLES / name, "csv").headers


def _selected(name: str) -> dict[str, str]:
    return {h: t for h, t in suggest_mapping(_headers(name), "people").items() if t}


def _person(first_name: str) -> dict:
    person = Person.objects.get(first_name=first_name)
    points = ContactPoint.objects.filter(person=person)
    return {
        "name": (person.first_name, person.middle_name, person.last_name),
        "emails": sorted(p.value_normalized for p in points if p.kind == "email"),
        "phones": sorted(p.value_normalized for p in points if p.kind == "phone"),
        "tags": sorted(person.tags.values_list("name", flat=True)),
        "date_of_birth": person.date_of_birth and person.date_of_birth.isoformat(),
        "external_id": person.external_id,
    }


# --- Google Contacts ------------------------------------------------------------------------


def test_google_old_layout_suggests_its_value_columns_and_leaves_groups_unselected():
    assert _selected("google_contacts_old.csv") == {
        "Name": "full_name",
        "Given Name": "first_name",
        "Additional Name": "middle_name",
        "Family Name": "last_name",
        "Birthday": "date_of_birth",
        "Gender": "gender",
        "Language": "preferred_language",
        "E-mail 1 - Value": "email",
        "E-mail 2 - Value": "email",
        "Phone 1 - Value": "phone",
        "Phone 2 - Value": "phone",
        "Address 1 - Street": "street",
        "Address 1 - City": "city",
        "Address 1 - Region": "state",
        "Address 1 - Postal Code": "postal_code",
        "Address 1 - Country": "country",
        "Organization 1 - Name": "organisation",
        "Organization 1 - Title": "role",
        "Website 1 - Value": "website",
    }
    by_header = {
        s.header: s for s in suggest_columns(_headers("google_contacts_old.csv"), "people")
    }
    assert by_header["E-mail 1 - Value"].reason == "Google Contacts: E-mail 1 - Value"
    groups = by_header["Group Membership"]
    assert (groups.target, groups.is_selected) == ("tags", False)
    assert "only if you choose Tags" in groups.reason


def test_google_old_layout_imports_every_email_and_phone_and_keeps_a_birthday_without_a_year():
    job = import_file(path=SAMPLES / "google_contacts_old.csv", record_type="people")

    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 2, 0)
    chinedu = _person("Chinedu")
    assert chinedu["emails"] == ["chinedu.okafor@gmail.com", "chinedu@okaforstores.ng"]
    # "+234 803 123 4567 ::: +234 805 555 0101" in one cell, and a second phone column
    assert chinedu["phones"] == ["+2348031234567", "+2348055550101", "+2348098765432"]
    assert chinedu["tags"] == [] and chinedu["date_of_birth"] == "1985-04-17"
    address = ContactPoint.objects.get(kind="address")
    assert (address.street, address.city, address.state, address.country) == (
        "12 Allen Avenue",
        "Ikeja",
        "Lagos",
        "NG",
    )
    bisi = _person("Bisi")
    assert bisi["emails"] == ["bisi.adeyemi@yahoo.com", "bisi@adeyemi.com.ng"]
    assert bisi["phones"] == ["+2348162223344"]
    assert bisi["date_of_birth"] is None
    note = ImportNotice.objects.get(job=job, kind=NoticeKind.NOT_SAVED)
    assert note.line == 6  # Chinedu's row spans lines 2-5 (a multi-line address cell)
    assert "“--04-17” has no year" in note.message


def test_google_groups_become_tags_when_asked_but_never_its_system_groups():
    job = import_file(
        path=SAMPLES / "google_contacts_old.csv",
        record_type="people",
        mapping={"Group Membership": "tags"},
    )

    assert (job.created, job.rejected) == (2, 0)
    assert _person("Chinedu")["tags"] == ["Customers"]
    assert _person("Bisi")["tags"] == []  # "* myContacts ::: * starred"


def test_google_new_layout_suggests_its_label_and_value_columns():
    assert _selected("google_contacts_new.csv") == {
        "First Name": "first_name",
        "Middle Name": "middle_name",
        "Last Name": "last_name",
        "Organization Name": "organisation",
        "Organization Title": "role",
        "Birthday": "date_of_birth",
        "E-mail 1 - Value": "email",
        "E-mail 2 - Value": "email",
        "Phone 1 - Value": "phone",
        "Phone 2 - Value": "phone",
        "Address 1 - Street": "street",
        "Address 1 - City": "city",
        "Address 1 - Region": "state",
        "Address 1 - Postal Code": "postal_code",
        "Address 1 - Country": "country",
        "Website 1 - Value": "website",
    }
    suggestions = suggest_columns(_headers("google_contacts_new.csv"), "people")
    labels = next(s for s in suggestions if s.header == "Labels")
    assert (labels.target, labels.is_selected) == ("tags", False)


def test_google_new_layout_imports_multi_values_and_no_labels_as_tags():
    job = import_file(path=SAMPLES / "google_contacts_new.csv", record_type="people")

    assert (job.created, job.rejected) == (2, 0)
    ngozi = _person("Ngozi")
    assert ngozi["name"] == ("Ngozi", "Adaeze", "Eze")
    assert ngozi["emails"] == ["ngozi.eze@gmail.com", "ngozi@ezepharmacy.ng"]
    assert ngozi["phones"] == ["+2347034445566", "+2348021112233", "+2349097778899"]
    assert ngozi["tags"] == [] and ngozi["date_of_birth"] is None
    assert _person("Musa")["date_of_birth"] == "1979-08-03"
    assert [n.line for n in job.notices.filter(kind=NoticeKind.NOT_SAVED)] == [2]


def test_google_new_layout_labels_as_tags_when_asked():
    import_file(
        path=SAMPLES / "google_contacts_new.csv", record_type="people", mapping={"Labels": "tags"}
    )

    assert _person("Ngozi")["tags"] == ["Customers", "Lekki"]
    assert _person("Musa")["tags"] == []


# --- Outlook --------------------------------------------------------------------------------


def test_outlook_suggests_numbered_columns_and_not_title_as_job_title():
    selected = _selected("outlook.csv")

    assert "Title" not in selected
    assert selected["Job Title"] == "role"
    assert [h for h, t in selected.items() if t == "email"] == [
        "E-mail Address",
        "E-mail 2 Address",
        "E-mail 3 Address",
    ]
    assert [h for h, t in selected.items() if t == "phone"] == [
        "Business Phone",
        "Business Phone 2",
        "Car Phone",
        "Home Phone",
        "Home Phone 2",
        "Mobile Phone",
        "Other Phone",
        "Primary Phone",
    ]
    assert "Organizational ID Number" not in selected and "Company Main Phone" not in selected
    title = next(
        s for s in suggest_columns(_headers("outlook.csv"), "people") if s.header == "Title"
    )
    assert title.target == "" and "salutation" in title.reason


def test_outlook_windows_1252_file_imports_with_placeholders_as_empty_values():
    job = import_file(path=SAMPLES / "outlook.csv", record_type="people")

    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 2, 0)
    assert job.encoding == "cp1252"
    adeola = _person("Adéolá")
    assert adeola["name"] == ("Adéolá", "", "Oyèdèjì")
    assert adeola["emails"] == [
        "a.oyedeji@yahoo.co.uk",
        "adeola.oyedeji@gmail.com",
        "adeola@oyedejifabrics.ng",
    ]
    assert adeola["phones"] == [
        "+2347064003000",
        "+2348032001000",
        "+2348032001001",
        "+2348053002000",
        "+2348053002001",
    ]
    assert adeola["date_of_birth"] == "1985-04-17"
    person = Person.objects.get(first_name="Adéolá")
    assert person.gender == "female"
    assert person.memberships.get().role == "Chief Executive"  # not "Mrs."
    emeka = Person.objects.get(first_name="Emeka")  # 0/0/00 and "Unspecified"
    assert (emeka.date_of_birth, emeka.gender) == (None, "")
    assert job.notices.filter(kind=NoticeKind.NOT_SAVED).count() == 0


# --- Salesforce -----------------------------------------------------------------------------


def test_salesforce_report_suggestion_ignores_the_opt_out_flag_and_uses_the_contact_id():
    selected = _selected("salesforce_contacts.csv")

    assert selected == {
        "Contact ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Title": "role",
        "Email": "email",
        "Phone": "phone",
        "Mobile Phone": "phone",
        "Account Name": "organisation",
        "Mailing Street": "street",
        "Mailing City": "city",
        "Mailing State/Province": "state",
        "Mailing Country": "country",
        "Lead Source": "source",
        "Birthdate": "date_of_birth",
        "HasOptedOutOfEmail": "optout.marketing_email",
    }
    flag = next(
        s
        for s in suggest_columns(_headers("salesforce_contacts.csv"), "people")
        if s.header == "HasOptedOutOfEmail"
    )
    assert "opt-out flag, not an email address" in flag.reason


def test_salesforce_data_loader_headers_are_recognised():
    headers = ["Id", "AccountId", "FirstName", "LastName", "Email", "HasOptedOutOfEmail"]
    headers += ["MobilePhone", "LeadSource", "Title", "OwnerId"]

    assert {h: t for h, t in suggest_mapping(headers, "people").items() if t} == {
        "Id": "external_id",
        "FirstName": "first_name",
        "LastName": "last_name",
        "Email": "email",
        "MobilePhone": "phone",
        "LeadSource": "source",
        "Title": "role",
        "HasOptedOutOfEmail": "optout.marketing_email",
    }


def test_salesforce_export_imports_with_its_ids_as_external_ids():
    job = import_file(path=SAMPLES / "salesforce_contacts.csv", record_type="people")

    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 2, 0)
    tunde = _person("Tunde")
    assert tunde["external_id"] == "0035g00000AbCdEAAZ"
    assert tunde["emails"] == ["tunde@bakarefoods.ng"]
    assert tunde["phones"] == ["+2348037008000", "+2348097001234"]
    assert tunde["date_of_birth"] == "1985-04-17"
    assert Person.objects.get(first_name="Tunde").source == "Trade Show"
    assert _person("Amaka")["external_id"] == "0035g00000AbCdFAAZ"
    # HasOptedOutOfEmail 1: the opt-out is kept as a withdrawn consent; 0 records nothing.
    assert list(Consent.objects.values_list("person__first_name", "purpose", "status")) == [
        ("Tunde", "marketing_email", "withdrawn")
    ]

    again = import_file(path=SAMPLES / "salesforce_contacts.csv", record_type="people")
    assert (again.created, again.unchanged) == (0, 2)


# --- HubSpot --------------------------------------------------------------------------------


def test_hubspot_suggestion_uses_the_record_id_and_its_stages():
    suggestions = {s.header: s for s in suggest_columns(_headers("hubspot_contacts.csv"), "people")}

    assert suggestions["Record ID"].target == "external_id"
    assert suggestions["Lifecycle Stage"].target == "lifecycle_stage"
    assert "Evangelist to Customer" in suggestions["Lifecycle Stage"].reason
    assert (suggestions["Contact owner"].target, suggestions["Contact owner"].is_selected) == (
        "owner",
        False,
    )
    assert _selected("hubspot_contacts.csv") == {
        "Record ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "phone",
        "Lifecycle Stage": "lifecycle_stage",
        "Company Name": "organisation",
        "Job Title": "role",
        "City": "city",
        "State/Region": "state",
        "Country/Region": "country",
    }


def test_hubspot_stages_map_to_the_business_stages_and_an_unknown_one_keeps_the_row(stages):
    job = import_file(path=SAMPLES / "hubspot_contacts.csv", record_type="people")

    assert (job.created, job.rejected) == (5, 0)
    stage_of = dict(Person.objects.values_list("external_id", "lifecycle_stage_id"))
    assert stage_of == {
        "51201": "qualified",
        "51202": "qualified",
        "51203": "customer",
        "51204": None,
        "51205": "customer",
    }
    note = job.notices.get(kind=NoticeKind.NOT_SAVED)
    assert note.line == 5 and "“Other”" in note.message
    assert _person("Funke")["phones"] == ["+2348025551111", "+2349025552222"]


# --- Contact point labels -------------------------------------------------------------------


def _labels(first_name: str) -> dict[str, str]:
    """Each of a person's contact values (normalised) and its label."""
    points = ContactPoint.objects.filter(person__first_name=first_name)
    return dict(points.values_list("value_normalized", "label"))


def test_google_labels_are_stored_with_their_values_in_both_layouts():
    import_file(path=SAMPLES / "google_contacts_new.csv", record_type="people")
    import_file(path=SAMPLES / "google_contacts_old.csv", record_type="people")

    # "* Work": the star marks the preferred value; values joined by " ::: " share a label.
    assert _labels("Ngozi") == {
        "ngozi@ezepharmacy.ng": "work",
        "ngozi.eze@gmail.com": "work",
        "+2348021112233": "mobile",
        "+2347034445566": "work",
        "+2349097778899": "work",
        "https://ezepharmacy.ng": "",
    }
    assert _labels("Musa") == {"musa.bello@outlook.com": "home", "+2348061230000": "mobile"}
    chinedu = _labels("Chinedu")
    assert {k: v for k, v in chinedu.items() if not k.startswith("12 ")} == {
        "chinedu.okafor@gmail.com": "home",
        "chinedu@okaforstores.ng": "work",
        "+2348031234567": "mobile",
        "+2348055550101": "mobile",
        "+2348098765432": "work",
    }
    assert _labels("Bisi")["bisi.adeyemi@yahoo.com"] == "other"


def test_google_label_columns_are_named_as_labels_on_the_mapping_page():
    suggestions = {
        s.header: s for s in suggest_columns(_headers("google_contacts_new.csv"), "people")
    }

    label = suggestions["Phone 1 - Label"]
    assert (label.target, label.is_selected) == ("", True)
    assert "the label of the value beside it (Home, Work, Mobile), stored with" in label.reason


def test_outlook_phone_columns_label_their_numbers():
    import_file(path=SAMPLES / "outlook.csv", record_type="people")

    assert _labels("Adéolá") == {
        "+2348032001000": "work",
        "+2348032001001": "work",
        "+2348053002000": "home",
        "+2348053002001": "home",
        "+2347064003000": "mobile",
        # "E-mail Type" is SMTP: how Outlook sends, no label.
        "adeola@oyedejifabrics.ng": "",
        "adeola.oyedeji@gmail.com": "",
        "a.oyedeji@yahoo.co.uk": "",
        "3 bode thomas street, surulere, lagos, ng": "",
    }


def test_hubspot_and_salesforce_mobile_columns_label_their_numbers(write_file):
    import_file(path=SAMPLES / "hubspot_contacts.csv", record_type="people")
    import_file(path=SAMPLES / "salesforce_contacts.csv", record_type="people")
    # Salesforce's Data Loader writes the fields' API names, every cell quoted.
    loader = write_file(
        "extract.csv",
        '"Id","FirstName","LastName","Email","Phone","MobilePhone","HomePhone"\n'
        '"0035g00000XyZaBAAV","Halima","Abubakar","halima@abubakar.ng","","08031112222",'
        '"09 461 2345"\n',
    )
    import_file(path=loader, record_type="people")

    assert _labels("Funke") == {
        "funke@akindelebakes.ng": "",
        "+2348025551111": "",
        "+2349025552222": "mobile",
        "ibadan, oyo, ng": "",
    }
    assert _labels("Tunde") == {
        "tunde@bakarefoods.ng": "",
        "+2348097001234": "",
        "+2348037008000": "mobile",
        "14 adeola odeku street, victoria island, lagos, ng": "",
    }
    assert _labels("Halima") == {
        "halima@abubakar.ng": "",
        "+2348031112222": "mobile",
        "+2342094612345": "home",
    }

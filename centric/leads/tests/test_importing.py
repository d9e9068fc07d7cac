"""Importing leads from files written the way Facebook's lead forms, Excel sign-up sheets and
HubSpot write them: columns suggested, duplicates skipped (a file imported twice adds nothing),
bad values kept as typed instead of losing the lead, and the same through the page and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from centric.imports.parsing import ImportFileError
from centric.imports.tests.files import xlsx_bytes
from centric.leads.choices import LeadSource
from centric.leads.importing import MAX_ROWS, import_leads, suggest
from centric.leads.models import Lead

pytestmark = pytest.mark.django_db

# Facebook's "Download leads" CSV: UTF-16 with a BOM, tab-separated, its own column names.
FACEBOOK = (
    "id\tcreated_time\tad_id\tad_name\tadset_id\tadset_name\tcampaign_id\tcampaign_name\t"
    "form_id\tform_name\tis_organic\tplatform\tfull_name\tphone_number\temail\tcity\n"
    "l:901234567890123\t2026-11-20T10:15:42+01:00\tag:120210000000001\tDetty December promo\t"
    "as:120210000000002\tLagos women 25-45\tc:120210000000003\tDecember sales\t"
    "f:800000000000001\tGet a quote\tfalse\tfb\tMrs. Bisi Adeyemi\tp:+2348031234567\t"
    "bisi.adeyemi@example.com\tIkeja\n"
    "l:901234567890124\t2026-11-21T18:02:10+01:00\tag:120210000000001\tDetty December promo\t"
    "as:120210000000002\tLagos women 25-45\tc:120210000000003\tDecember sales\t"
    "f:800000000000001\tGet a quote\tfalse\tig\tChukwuemeka Nnamdi Obi\tp:+2348059876543\t"
    "\tAbuja\n"
)

HUBSPOT = (
    "Record ID,First Name,Last Name,Company Name,Job Title,Email,Phone Number,Lead Source,"
    "Budget\r\n"
    "51234001,Ngozi,Eze,Eze & Sons Ltd,Procurement Lead,ngozi@ezesons.example.ng,"
    '0802 555 0101,Social Media,"₦1,500,000"\r\n'
    "51234002,Tunde,Bakare,,,tunde.bakare@example.com,0803 12,Offline Sources,lots\r\n"
    "51234003,Halima,Bello,Arewa Fabrics,,,0803 12,Referrals,\r\n"
    "51234004,Ngozi,Eze,Eze & Sons Ltd,,NGOZI@ezesons.example.ng,,Social Media,\r\n"
)


def _write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def test_a_facebook_lead_form_export_imports_without_a_mapping(tmp_path, admin_user):
    path = _write(tmp_path, "leads.csv", "\ufeff" + FACEBOOK, encoding="utf-16-le")

    result = import_leads(actor=admin_user, path=path, file_format="csv")

    assert (result.created, result.rejected, result.skipped) == (2, [], [])
    bisi = Lead.objects.get(email="bisi.adeyemi@example.com")
    assert (bisi.first_name, bisi.last_name) == ("Bisi", "Adeyemi")  # the title dropped
    assert bisi.phone_normalized == "+2348031234567" and bisi.territory == "Ikeja"
    assert bisi.source == LeadSource.SOCIAL and bisi.external_id == "l:901234567890123"
    emeka = Lead.objects.get(external_id="l:901234567890124")
    assert (emeka.first_name, emeka.last_name) == ("Chukwuemeka Nnamdi", "Obi")
    assert emeka.phone_normalized == "+2348059876543" and emeka.source == LeadSource.SOCIAL

    again = import_leads(actor=admin_user, path=path, file_format="csv")
    assert again.created == 0 and [line for line, _w in again.skipped] == [2, 3]
    assert Lead.objects.count() == 2


def test_a_hubspot_export_keeps_bad_values_as_typed_and_skips_repeats(tmp_path, admin_user):
    path = _write(tmp_path, "hubspot-leads.csv", HUBSPOT)

    result = import_leads(actor=admin_user, path=path, file_format="csv")

    assert result.created == 2
    ngozi = Lead.objects.get(external_id="51234001")
    assert ngozi.organisation_name == "Eze & Sons Ltd" and ngozi.budget == Decimal("1500000")
    assert ngozi.source == LeadSource.SOCIAL and ngozi.job_title == "Procurement Lead"
    # A phone that cannot be read: the lead is made without it, the number kept in its notes.
    tunde = Lead.objects.get(external_id="51234002")
    assert tunde.phone == "" and "0803 12" in tunde.notes
    assert "Source: Offline Sources" in tunde.notes and "Budget as typed: lots" in tunde.notes
    assert [line for line, _w in result.kept_aside] == [3]
    # Halima can be reached by nothing else: refused, saying why; the repeat of Ngozi skipped.
    (refused,) = result.rejected
    assert refused[0] == 4 and "phone number or an email" in refused[1]
    (repeat,) = result.skipped
    assert repeat[0] == 5 and "Ngozi Eze" in repeat[1]


def test_an_excel_sign_up_sheet_with_a_title_row(tmp_path, admin_user, make_user):
    rows = [
        ["Lagos Trade Fair 2026 — sign-ups", None, None, None],
        ["Name", "Phone", "Business", "Interested in"],
        ["Amaka Okoro", "0806 111 2233", "Amaka's Kitchen", "Industrial blender"],
        ["Yusuf Danladi", "+234 809 444 5566", None, "Solar inverter"],
        [None, None, None, None],
    ]
    path = _write(tmp_path, "fair.xlsx", xlsx_bytes(rows))
    seller = make_user("seller")

    result = import_leads(
        actor=admin_user,
        path=path,
        file_format="xlsx",
        mapping={"Name": "full_name", "Phone": "phone", "Interested in": "need"},
        owner=seller,
    )

    assert result.created == 2 and result.rejected == []
    amaka = Lead.objects.get(first_name="Amaka")
    assert amaka.need == "Industrial blender" and amaka.organisation_name == ""  # not mapped
    assert amaka.owner == seller and amaka.source == LeadSource.IMPORT
    # The title row above the header and the blank row below the data made no lead.
    assert Lead.objects.count() == 2 and not Lead.objects.filter(first_name__startswith="Lagos")


def test_suggestions_and_a_bad_mapping_or_file_are_refused_clearly(tmp_path, admin_user):
    headers = ["Full Name", "E-mail Address", "Mobile Number", "Lead Source", "Notes", "Email"]
    assert [s.field for s in suggest(headers)] == [
        "full_name",
        "email",
        "phone",
        "source",
        "notes",
        "",  # "email" is taken by the first column naming it
    ]
    path = _write(tmp_path, "leads.csv", "Mobile,Notes\n08031234567,Call after 4pm\n")
    with pytest.raises(ValidationError, match="name"):
        import_leads(actor=admin_user, path=path, file_format="csv")
    with pytest.raises(ValidationError, match="no column"):
        import_leads(actor=admin_user, path=path, file_format="csv", mapping={"Phone": "phone"})
    assert not Lead.objects.exists()
    big = _write(tmp_path, "big.csv", "Name,Phone\n" + "Ada Obi,0803\n" * (MAX_ROWS + 1))
    with pytest.raises(ImportFileError, match="at a time"):
        import_leads(actor=admin_user, path=big, file_format="csv")
    with pytest.raises(ImportFileError):
        import_leads(
            actor=admin_user,
            path=_write(tmp_path, "x.xlsx", b"PK\x03\x04\x14\x00broken"),
            file_format="xlsx",
        )


def test_the_page_uploads_suggests_and_imports(tmp_path, settings, client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    seller = make_user("seller")  # Front office: may add leads
    reader = make_user("reader", role="Read only")
    client.force_login(reader)
    assert client.get("/leads/import/").status_code == 403
    assert "/leads/import/" not in client.get("/leads/").text
    client.force_login(seller)
    assert "/leads/import/" in client.get("/leads/").text

    upload = SimpleUploadedFile("hubspot.csv", HUBSPOT.encode(), "text/csv")
    mapping = client.post("/leads/import/", {"file": upload})

    assert mapping.status_code == 200 and mapping.context["step"] == "map"
    fields = {s.header: s.field for _i, s in mapping.context["suggestions"]}
    assert fields["Company Name"] == "organisation_name" and fields["Record ID"] == "external_id"
    token = mapping.context["token"]
    stored = tmp_path / "media" / "lead-imports" / f"{token}.csv"
    assert stored.exists()
    columns = {
        f"column-{index}": suggestion.field for index, suggestion in mapping.context["suggestions"]
    }
    columns["column-8"] = ""  # leave the budget out
    done = client.post(
        "/leads/import/", {"token": token, "file_format": "csv", "owner": "seller", **columns}
    )

    assert done.status_code == 200 and done.context["step"] == "done"
    assert done.context["result"].created == 2 and "Not imported" in done.text
    assert not stored.exists()  # the upload is removed once imported
    assert Lead.objects.get(external_id="51234001").budget is None
    assert set(Lead.objects.values_list("owner__username", flat=True)) == {"seller"}
    gone = client.post("/leads/import/", {"token": token, "file_format": "csv", **columns})
    assert gone.status_code == 422 and "upload it again" in gone.text
    traversal = client.post("/leads/import/", {"token": "../../settings", "file_format": "csv"})
    assert traversal.status_code == 422
    vcard = SimpleUploadedFile("contacts.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n", "text/vcard")
    refused = client.post("/leads/import/", {"file": vcard})
    assert refused.status_code == 422 and "CSV" in refused.text


def test_the_api_imports_the_same_way(api_client, make_user):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from centric.core.api.testing import assert_problem

    seller = make_user("seller")
    api = api_client(seller)

    def post(name, content, **fields):
        upload = SimpleUploadedFile(name, content, "text/csv")
        return api.post("/api/v1/lead-imports", {"file": upload, **fields})

    made = post("leads.csv", HUBSPOT.encode(), mapping="", owner="seller")
    assert made.status_code == 200, made.content
    body = made.json()
    assert body["created"] == 2 and [row["line"] for row in body["skipped"]] == [5]
    assert body["rejected"][0]["line"] == 4 and body["kept_aside"][0]["line"] == 3
    again = post("leads.csv", HUBSPOT.encode()).json()
    assert again["created"] == 0 and len(again["skipped"]) == 3  # a retry adds nothing

    assert_problem(post("leads.csv", HUBSPOT.encode(), mapping="{oops"), 422, field="mapping")
    only_phone = json.dumps({"Phone Number": "phone"})
    assert_problem(post("leads.csv", HUBSPOT.encode(), mapping=only_phone), 422, field="mapping")
    assert_problem(post("leads.csv", HUBSPOT.encode(), owner="nobody"), 422, field="owner")
    assert_problem(post("contacts.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n"), 422)
    reader = api_client(make_user("reader", role="Read only"))
    upload = SimpleUploadedFile("leads.csv", HUBSPOT.encode(), "text/csv")
    assert reader.post("/api/v1/lead-imports", {"file": upload}).status_code == 403
    assert Lead.objects.count() == 2

"""Exports: the filtered, visible list as CSV/XLSX/vCard; formula neutralisation; audit."""

import io

import pytest
from openpyxl import load_workbook

from centric.core.models import AuditEvent
from centric.customers.services import organisation_create
from centric.customers.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Sales"))


def _csv(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_csv_export_neutralises_formulas_and_follows_filters(logged_in_client, manager):
    make_person(
        actor=manager, first_name='=HYPERLINK("http://x")', last_name="Okafor", source="@evil"
    )
    make_person(actor=manager, first_name="Bayo", last_name="-2+3", phone="0803 123 4567")
    make_person(actor=manager, first_name="Chi", last_name="Eze", source="walk-in")

    response = logged_in_client(manager).get("/imports/export/people.csv?source=@evil&sort=name")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = _csv(response)
    assert lines[0].startswith("External id,First name,Middle name,Last name,Email,Phone")
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1] and ",'@evil," in lines[1]
    everyone = _csv(logged_in_client(manager).get("/imports/export/people.csv"))
    bayo = next(line for line in everyone if "Bayo" in line)
    assert ",'-2+3," in bayo and ",'+2348031234567," in bayo
    event = AuditEvent.objects.filter(kind="export").first()
    assert event.actor == manager
    assert event.detail["rows"] == 3 and event.detail["format"] == "csv"


def test_xlsx_export_neutralises_formulas(logged_in_client, manager):
    make_person(actor=manager, first_name="=1+1", last_name="Okafor")

    response = logged_in_client(manager).get("/imports/export/people.xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=False))
    assert row["First name"].value == "'=1+1"
    assert row["First name"].data_type == "s"
    assert AuditEvent.objects.filter(kind="export", detail__format="xlsx").count() == 1


def test_export_holds_only_visible_records_and_needs_the_permission(
    logged_in_client, make_user, make_team, manager
):
    stranger = make_user("stranger", role="Front office", team=make_team("Service"))
    make_person(actor=manager, first_name="Mine", last_name="Okafor")
    make_person(actor=stranger, first_name="Hidden", last_name="Person")
    organisation_create(actor=stranger, name="Hidden Org")
    organisation_create(actor=manager, name="=Our Org")

    people = "\n".join(_csv(logged_in_client(manager).get("/imports/export/people.csv")))
    organisations = _csv(logged_in_client(manager).get("/imports/export/organisations.csv"))
    front = logged_in_client(stranger)

    assert "Mine" in people and "Hidden" not in people
    assert len(organisations) == 2 and "'=Our Org" in organisations[1]
    assert front.get("/imports/export/people.csv").status_code == 403
    assert front.get("/imports/export/organisations.xlsx").status_code == 403
    assert AuditEvent.objects.filter(kind="export", actor=stranger).count() == 0


def test_bad_filter_is_a_400_not_a_500(logged_in_client, manager):
    response = logged_in_client(manager).get("/imports/export/people.csv?created_after=yesterday")

    assert response.status_code == 400
    assert AuditEvent.objects.filter(kind="export").count() == 0


def test_organisations_xlsx_export(logged_in_client, manager):
    organisation_create(actor=manager, name="Balogun Stores", industry="Retail")

    response = logged_in_client(manager).get("/imports/export/organisations.xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [c.value for c in sheet[2]][1:3] == ["Balogun Stores", "Retail"]

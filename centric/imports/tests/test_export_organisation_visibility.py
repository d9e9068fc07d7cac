"""With a non-public organisation policy, exports (CSV, XLSX, vCard list and single card) name
only organisations the exporting user may see, and an import joins a person only to an
organisation the importer may see."""

import io

import pytest
from openpyxl import load_workbook

from centric.customers.models import Membership, Organisation
from centric.customers.services import membership_set, organisation_create
from centric.customers.tests.factories import make_person
from centric.imports.services import import_file
from centric.staff.services.visibility import visibility_policy_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user, make_team):
    """Organisations are private. The manager's Ada works for a colleague's Secret Holdings
    (hidden from the manager) and for the manager's own Open Shop; Bayo only for the secret one."""
    visibility_policy_set(record_type="customers.organisation", level="private", actor=None)
    sales = make_team("Sales")
    manager = make_user("manager", role="Manager", team=sales)
    colleague = make_user("colleague", team=sales)
    secret = organisation_create(actor=colleague, name="Secret Holdings")
    shop = organisation_create(actor=manager, name="Open Shop")
    ada = make_person(actor=manager, first_name="Ada", last_name="Okafor")
    bayo = make_person(actor=manager, first_name="Bayo", last_name="Adeyemi")
    membership_set(person=ada, organisation=secret, role="Director", is_primary=True)
    membership_set(person=ada, organisation=shop, role="Buyer")
    membership_set(person=bayo, organisation=secret, role="Chair", is_primary=True)
    assert not Organisation.objects.visible_to(manager).filter(pk=secret.pk).exists()
    return {"manager": manager, "secret": secret, "shop": shop, "ada": ada, "bayo": bayo}


def _text(response) -> str:
    assert response.status_code == 200
    content = getattr(response, "streaming_content", None)
    raw = b"".join(content) if content is not None else response.content
    return raw.decode("utf-8-sig")


def test_csv_and_vcards_name_only_visible_organisations(world, logged_in_client):
    client = logged_in_client(world["manager"])
    exports = {
        "csv": _text(client.get("/imports/export/people.csv")),
        "vcf": _text(client.get("/imports/export/people.vcf")),
        "card": _text(client.get(f"/imports/export/person/{world['ada'].pk}.vcf")),
    }
    for what, text in exports.items():
        assert "Secret Holdings" not in text, what
        assert "Director" not in text and "Chair" not in text, what
        assert "Open Shop" in text, what
    ada = next(line for line in exports["csv"].splitlines() if "Ada" in line)
    bayo = next(line for line in exports["csv"].splitlines() if "Bayo" in line)
    assert ",Open Shop,Buyer," in ada
    assert ",,,," in bayo  # no organisation, no title


def test_xlsx_names_only_visible_organisations(world, logged_in_client):
    response = logged_in_client(world["manager"]).get("/imports/export/people.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Organisation")
    by_name = {row[1]: (row[column], row[column + 1]) for row in rows[1:]}
    assert by_name == {"Ada": ("Open Shop", "Buyer"), "Bayo": (None, None)}


def test_import_does_not_join_an_organisation_the_importer_cannot_see(world, write_file):
    path = write_file("people.csv", "First name,Last name,Company\nChidi,Eze,secret holdings\n")

    job = import_file(
        path=path, record_type="people", owner=world["manager"], actor=world["manager"]
    )

    assert (job.created, job.rejected) == (1, 0)
    membership = Membership.objects.get(person__first_name="Chidi")
    assert membership.organisation != world["secret"]
    assert membership.organisation.owner == world["manager"]
    assert set(world["secret"].memberships.values_list("person__first_name", flat=True)) == {
        "Ada",
        "Bayo",
    }

"""The imports API: upload, map (owner, team, policies, file time, stages), preview, start, and
templates — the same rules as the pages (decision 0064)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from centric.core.api.testing import assert_problem, call
from centric.customers.models import Person
from centric.customers.services.people import person_update
from centric.imports.models import ImportJob, ImportTemplate, JobStatus
from centric.imports.services.jobs import job_run

pytestmark = pytest.mark.django_db

# A Salesforce contacts report as Salesforce writes it.
SALESFORCE = (
    "Id,FirstName,LastName,Email,Phone,MobilePhone,Title,LeadSource,LastModifiedDate\n"
    "0035g00000AbCdE,Obiageli,Eze,obiageli.eze@example.ng,+234 1 285 2651,0803 555 0404,"
    "Chief Buyer,Trade fair,2026-11-28T09:12:44.000Z\n"
    "0035g00000AbCdF,Danladi,Musa,danladi.musa@example.ng,,0805 555 0505,Owner,Referral,"
    "2026-11-28T09:13:02.000Z\n"
)


@pytest.fixture
def sales(make_team):
    return make_team("Sales")


@pytest.fixture
def manager(make_user, make_team):
    return make_user("manager", role="Manager", team=make_team("Management"))


@pytest.fixture
def seller(make_user, sales):
    return make_user("chika", role="Front office", team=sales, first_name="Chika", last_name="Obi")


def _upload(client, content=SALESFORCE, **fields):
    return client.post(
        "/api/v1/imports",
        {
            "record_type": "people",
            "file": SimpleUploadedFile("contacts.csv", content.encode(), "text/csv"),
            **fields,
        },
    )


def test_upload_map_preview_and_start_with_owner_team_and_policies(
    api_client, manager, seller, sales, django_capture_on_commit_callbacks
):
    client = api_client(manager)
    created = _upload(client, file_made_at="2026-11-28T10:00:00+01:00")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["mapping"]["Id"] == "external_id"
    assert body["mapping"]["LastModifiedDate"] == "last_modified"
    assert dt.datetime.fromisoformat(body["rows_made_at"]) == dt.datetime(
        2026, 11, 28, 9, tzinfo=dt.UTC
    )
    assert body["default_owner"] == "manager"
    job_id = body["id"]

    mapped = call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {
            "mapping": {},
            "default_owner": "chika",
            "default_team": sales.pk,
            "column_policies": {"Title": "overwrite"},
        },
    )
    assert mapped.status_code == 200, mapped.content
    assert mapped.json()["default_team_id"] == sales.pk
    assert mapped.json()["column_policies"] == {"Title": "overwrite"}

    preview = client.get(f"/api/v1/imports/{job_id}/preview")
    assert preview.status_code == 200
    rows = preview.json()["rows"]
    assert [row["error"] for row in rows] == ["", ""]
    assert [row["match"] for row in rows] == [None, None]

    with django_capture_on_commit_callbacks(execute=False):
        started = call(client, "POST", f"/api/v1/imports/{job_id}/start", {"dry_run": False})
    assert started.status_code == 202
    assert started.json()["status"] == JobStatus.QUEUED
    job_run(job_id=job_id)
    done = client.get(f"/api/v1/imports/{job_id}").json()
    assert (done["status"], done["created"]) == ("done", 2)
    people = Person.objects.order_by("external_id")
    assert {(p.owner.username, p.team.name) for p in people} == {("chika", "Sales")}
    assert Person.objects.visible_to(seller).count() == 2


def test_the_preview_of_an_update_lists_its_changes_and_kept_edits(
    api_client, manager, seller, django_capture_on_commit_callbacks
):
    client = api_client(manager)
    first = _upload(client).json()["id"]
    unmapped = call(client, "POST", f"/api/v1/imports/{first}/start", {})
    assert_problem(unmapped, 422)  # the suggested mapping is confirmed first
    call(client, "PUT", f"/api/v1/imports/{first}/mapping", {"mapping": {}})
    with django_capture_on_commit_callbacks(execute=False):
        call(client, "POST", f"/api/v1/imports/{first}/start", {})
    ran = job_run(job_id=first)
    assert (ran.status, ran.created) == ("done", 2), (ran.error, list(ran.rejections.all()))
    Person.history.update(history_date=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    obiageli = Person.objects.get(external_id="0035g00000AbCdE")
    person_update(obiageli, actor=seller, source="Walk-in")
    again = SALESFORCE.replace("Trade fair", "Webinar").replace("Chief Buyer", "Buyer")
    job_id = _upload(client, content=again).json()["id"]
    call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "column_policies": {"LeadSource": "overwrite", "Title": "fill_blanks"}},
    )

    rows = client.get(f"/api/v1/imports/{job_id}/preview").json()["rows"]

    assert rows[0]["match"]["id"] == obiageli.pk
    source = next(c for c in rows[0]["changes"] if c["field"] == "source")
    assert (source["current"], source["incoming"], source["action"]) == (
        "Walk-in",
        "Webinar",
        "kept_edited",
    )
    assert source["edited_by"] == "Chika Obi"
    danladi = next(c for c in rows[1]["changes"] if c["field"] == "source")
    assert danladi["action"] == "same"
    assert "+2348035550404 (already there as phone)" in rows[0]["already_there"]


def test_configure_refuses_an_inactive_owner_an_unknown_team_and_an_additive_overwrite(
    api_client, manager, seller
):
    client = api_client(manager)
    job_id = _upload(client).json()["id"]
    seller.is_active = False
    seller.save(update_fields=["is_active"])

    inactive = call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "default_owner": "chika"},
    )
    unknown_team = call(
        client, "PUT", f"/api/v1/imports/{job_id}/mapping", {"mapping": {}, "default_team": 999}
    )
    additive = call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "column_policies": {"Id": "overwrite"}},
    )
    future = call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "rows_made_at": "2199-01-01T00:00:00Z"},
    )
    bad_stage = call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "stage_mapping": {"Evangelist": "fan"}},
    )

    assert_problem(inactive, 422, field="default_owner")
    assert_problem(unknown_team, 422, field="default_team")
    assert_problem(additive, 422)
    assert_problem(future, 422, field="rows_made_at")
    assert_problem(bad_stage, 422, field="stage_mapping")
    job = ImportJob.objects.get(pk=job_id)
    assert (job.default_owner, job.default_team, job.column_policies) == (manager, None, {})


def test_templates_saved_offered_applied_listed_and_deleted(api_client, manager, seller, sales):
    client = api_client(manager)
    first = _upload(client).json()["id"]
    call(
        client,
        "PUT",
        f"/api/v1/imports/{first}/mapping",
        {
            "mapping": {"Title": ""},
            "default_owner": "chika",
            "default_team": sales.pk,
            "column_policies": {"LeadSource": "overwrite"},
        },
    )
    saved = call(client, "POST", "/api/v1/imports/templates", {"job": first, "name": "Salesforce"})
    assert saved.status_code == 201, saved.content
    template = saved.json()
    assert template["mapping"]["Title"] == ""
    assert (template["default_owner"], template["default_team_id"]) == ("chika", sales.pk)
    clash = call(client, "POST", "/api/v1/imports/templates", {"job": first, "name": "salesforce"})
    assert_problem(clash, 422, field="name")

    second = _upload(client).json()
    assert second["suggested_template_id"] == template["id"]
    assert second["mapping"]["Title"] == "role"
    applied = call(
        client, "POST", f"/api/v1/imports/{second['id']}/template", {"template": template["id"]}
    )
    assert applied.status_code == 200
    assert applied.json()["mapping"]["Title"] == ""
    assert applied.json()["column_policies"] == {"LeadSource": "overwrite"}
    assert applied.json()["default_owner"] == "chika"
    assert [t["name"] for t in client.get("/api/v1/imports/templates").json()] == ["Salesforce"]

    other = api_client(seller)
    assert other.get("/api/v1/imports/templates").status_code == 403
    gone = client.delete(f"/api/v1/imports/templates/{template['id']}")
    assert gone.status_code == 204
    assert not ImportTemplate.objects.exists()


def test_a_user_who_may_not_import_gets_403_and_another_importers_job_is_404(
    api_client, manager, seller, make_user
):
    job_id = _upload(api_client(manager)).json()["id"]
    other_manager = make_user("other", role="Manager")

    assert_problem(_upload(api_client(seller)), 403)
    assert_problem(api_client(seller).get(f"/api/v1/imports/{job_id}"), 403)
    assert_problem(api_client(other_manager).get(f"/api/v1/imports/{job_id}/preview"), 404)
    assert ImportJob.objects.count() == 1


def test_the_stage_values_are_listed_and_settable(api_client, manager, stages):
    content = (
        "Record ID,First Name,Last Name,Email,Lifecycle Stage,Create Date\n"
        "71001,Uche,Obi,uche@example.ng,Evangelist,2026-11-01 10:00\n"
        "71002,Zainab,Lawal,zainab@example.ng,Other,2026-11-01 10:00\n"
    )
    client = api_client(manager)
    job_id = _upload(client, content=content).json()["id"]

    listed = client.get(f"/api/v1/imports/{job_id}/stages").json()
    assert [(s["value"], s["key"], s["is_confirmed"]) for s in listed] == [
        ("Evangelist", "customer", False),
        ("Other", "", False),
    ]
    call(
        client,
        "PUT",
        f"/api/v1/imports/{job_id}/mapping",
        {"mapping": {}, "stage_mapping": {"Evangelist": "lead", "Other": "subscriber"}},
    )
    confirmed = client.get(f"/api/v1/imports/{job_id}/stages").json()
    assert [(s["key"], s["is_confirmed"]) for s in confirmed] == [
        ("lead", True),
        ("subscriber", True),
    ]
    preview = client.get(f"/api/v1/imports/{job_id}/preview").json()
    stage_column = preview["labels"].index("Lifecycle stage")
    assert [row["values"][stage_column] for row in preview["rows"]] == ["lead", "subscriber"]


def test_the_openapi_schema_documents_the_imports_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/imports",
        "/api/v1/imports/{job_id}/mapping",
        "/api/v1/imports/{job_id}/preview",
        "/api/v1/imports/{job_id}/start",
        "/api/v1/imports/templates",
    } <= set(schema["paths"])
    mapping = schema["components"]["schemas"]["MappingIn"]["properties"]
    assert {"default_owner", "default_team", "column_policies", "rows_made_at"} <= set(mapping)

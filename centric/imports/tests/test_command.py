"""`centric import people|organisations FILE` (call_command)."""

import io

import pytest
from django.core.management import CommandError, call_command

from centric.customers.models import Person

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import", *args, stdout=out)
    return out.getvalue()


def test_import_prints_summary_and_rejected_rows(write_file, make_user):
    make_user("bisi")
    path = write_file(
        "p.csv",
        "Ref,Given name,Family name,GSM,Notes\n"
        "R1,Ada,Okafor,0803 123 4567,x\n"
        "R2,,,99,y\n"
        "R3,Bisi,Adeyemi,01 285 2651 / 0803 12,z\n",
    )

    dry = _run("people", str(path), "--dry-run", "--mapping", "Ref=external_id", "Notes=")
    real = _run("people", str(path), "--owner", "bisi", "--mapping", "Ref=external_id")
    again = _run("people", str(path), "--owner", "bisi", "--mapping", "Ref=external_id")

    assert dry.splitlines()[0] == (
        "Dry run (nothing saved): 3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected."
    )
    assert (
        "  line 3: Nothing identifies this person: give a name, an email or a phone number "
        "(the row's other values: Phone: “99” is not a valid phone number.)."
    ) in dry
    assert (
        "Values kept as typed, rewritten, not saved or kept from later edits "
        "(1 rows need attention):"
    ) in dry
    assert "  line 4, GSM: “01 285 2651” was written in the numbering plan Nigeria" in dry
    assert "  line 4, GSM: Phone: “0803 12” is not a valid phone number." in dry
    assert real.splitlines()[0] == "3 rows: 2 created, 0 updated, 0 unchanged, 1 rejected."
    assert again.splitlines()[0] == "3 rows: 0 created, 0 updated, 2 unchanged, 1 rejected."
    ada, bisi = Person.objects.order_by("external_id")
    assert (ada.external_id, ada.owner.username) == ("R1", "bisi")
    assert bisi.primary_phone == "+2342012852651"
    assert bisi.needs_attention[0]["value"] == "0803 12"


def test_match_by_email_and_organisations(write_file):
    people = write_file("p.csv", "First name,Last name,Email\nAda,Okafor,ada@example.com\n")
    _run("people", str(people), "--match-by", "email")
    updated = _run("people", str(people), "--match-by", "email")
    organisations = write_file("o.csv", "Organisation,Industry\nBalogun Stores,Retail\n")

    output = _run("organisations", str(organisations))

    assert "0 created, 0 updated, 1 unchanged" in updated
    assert output.startswith("1 rows: 1 created")


def test_fatal_file_errors_exit_non_zero(write_file):
    with pytest.raises(CommandError, match="not a text"):
        _run("people", str(write_file("x.csv", b"\x00\x01\x02" * 1000)))
    with pytest.raises(CommandError, match="no column for"):
        _run("people", str(write_file("y.csv", "Phone\n0803 123 4567\n")))
    with pytest.raises(CommandError, match="There is no file"):
        _run("people", "/nonexistent/file.csv")
    with pytest.raises(CommandError, match="no column “Nope”"):
        _run("people", str(write_file("z.csv", "First name\nAda\n")), "--mapping", "Nope=email")


def test_import_takes_owner_team_overwrite_file_time_stages_and_templates(
    write_file, make_user, make_team, stages
):
    from centric.customers.services.people import person_update
    from centric.imports.models import ImportTemplate

    sales = make_team("Sales")
    make_user("chika", team=sales, first_name="Chika", last_name="Obi")
    path = write_file(
        "hubspot.csv",
        "Record ID,First Name,Last Name,Email,Lifecycle Stage,Create Date\n"
        "81001,Kelechi,Nwankwo,kelechi@example.ng,Evangelist,2026-11-01 10:00\n",
    )
    first = _run(
        "people",
        str(path),
        "--owner",
        "chika",
        "--team",
        "sales",
        "--stage",
        "Evangelist=lead",
        "--save-template",
        "HubSpot contacts",
    )
    person = Person.objects.get(external_id="81001")
    assert (person.owner.username, person.team.name, person.lifecycle_stage_id) == (
        "chika",
        "Sales",
        "lead",
    )
    assert "Saved the mapping as the template 'HubSpot contacts'." in first
    template = ImportTemplate.objects.get()
    assert (template.default_team, template.stage_mapping) == (sales, {"Evangelist": "lead"})

    person_update(person, actor=person.owner, last_name="Nwankwo-Obi")
    path.write_text(path.read_text().replace("Nwankwo", "Nwankwo-Eze"))
    kept = _run(
        "people",
        str(path),
        "--template",
        "hubspot contacts",
        "--overwrite",
        "Last Name",
        "--file-made-at",
        "2026-11-30T09:00",
    )
    person.refresh_from_db()
    assert person.last_name == "Nwankwo-Obi"
    assert "Kept “Nwankwo-Obi”, edited by Chika Obi on " in kept
    assert "the file had “Nwankwo-Eze”." in kept

    _run("people", str(path), "--overwrite", "Last Name", "--overwrite-later-edits")
    person.refresh_from_db()
    assert person.last_name == "Nwankwo-Eze"


def test_import_refuses_an_unknown_team_template_or_file_time(write_file):
    path = write_file("p.csv", "Ref,Given name\nR1,Ada\n")

    for args, message in (
        (("--team", "Kaduna"), "There is no team 'Kaduna'."),
        (("--template", "Nope"), "There is no import template 'Nope'."),
        (("--file-made-at", "last week"), "--file-made-at takes a date and time"),
        (("--stage", "Lead"), "--stage takes VALUE=STAGE"),
    ):
        with pytest.raises(CommandError) as raised:
            _run("people", str(path), *args)
        assert message in str(raised.value)
    assert not Person.objects.exists()

"""An import's rejected-rows report says nothing about records the importer may not see: no
external id, name or count of a hidden record, only the words a page or the API would give
(decision 0020). A row that meets a record the importer sees keeps its precise reason."""

import pytest
from django.urls import reverse

from centric.customers.models import Person
from centric.customers.tests.factories import make_person
from centric.imports.services import import_file

pytestmark = pytest.mark.django_db

HEADER = "Customer ID,First name,Last name,Email\n"
HIDDEN_WORDS = ("SECRET-9", "Hiddenname", "Bolaperson", "hidden@example.com")


@pytest.fixture
def importer(make_user, make_team):
    return make_user("importer", role="Manager", team=make_team("Sales"))


@pytest.fixture
def hidden(make_user, make_team):
    """A person of another team, whom the importer may not see."""
    bola = make_user("bola", team=make_team("Service"))
    return make_person(
        actor=bola,
        first_name="Hiddenname",
        last_name="Bolaperson",
        email="hidden@example.com",
        external_id="SECRET-9",
    )


def _import(write_file, importer, rows: str, match_by: str = "email"):
    path = write_file("people.csv", HEADER + rows)
    return import_file(
        path=path, record_type="people", match_by=match_by, owner=importer, actor=importer
    )


def _reasons(job) -> dict[int, str]:
    return dict(job.rejections.values_list("line", "reason"))


def test_report_hides_the_external_id_of_a_record_the_importer_cannot_see(
    write_file, logged_in_client, importer, hidden
):
    assert not Person.objects.visible_to(importer).filter(pk=hidden.pk).exists()
    job = _import(write_file, importer, "X1,Ada,New,hidden@example.com\n")

    assert (job.created, job.updated, job.rejected) == (0, 0, 1)
    reason = _reasons(job)[2]
    assert reason == "It matches an existing record that you may not change."
    report = logged_in_client(importer).get(reverse("imports:rejected_csv", args=[job.pk]))
    text = b"".join(report.streaming_content).decode()
    for word in ("SECRET-9", "Hiddenname", "Bolaperson"):
        assert word not in text
    hidden.refresh_from_db()
    assert (hidden.first_name, hidden.last_name, hidden.version) == ("Hiddenname", "Bolaperson", 1)


def test_a_hidden_record_holding_the_rows_external_id_is_not_described(
    write_file, importer, hidden
):
    mine = make_person(actor=importer, first_name="Mine", email="mine@example.com")
    job = _import(write_file, importer, "SECRET-9,Ada,New,mine@example.com\n")
    other = _import(write_file, importer, "SECRET-9,Ada,New,other@example.com\n")

    assert _reasons(job) == _reasons(other) == {2: "This external id cannot be used."}
    mine.refresh_from_db()
    assert mine.external_id is None and mine.version == 1


def test_a_hidden_record_sharing_the_email_is_not_counted(write_file, importer, hidden):
    make_person(actor=importer, first_name="Mine", email="hidden@example.com")
    job = _import(write_file, importer, ",Ada,New,hidden@example.com\n")

    reason = _reasons(job)[2]
    assert reason == "It matches an existing record that you may not change."
    assert "Several" not in reason


def test_external_id_mode_refuses_a_hidden_external_id_like_the_pages(write_file, importer, hidden):
    job = _import(write_file, importer, "SECRET-9,Ada,New,\n", match_by="external_id")

    assert _reasons(job) == {2: "This external id cannot be used."}
    hidden.refresh_from_db()
    assert hidden.first_name == "Hiddenname"


def test_rows_meeting_visible_records_keep_their_precise_reason(write_file, importer, hidden):
    make_person(actor=importer, first_name="Mine", email="mine@example.com", external_id="MINE-1")
    make_person(actor=importer, first_name="Twin", email="twin@example.com")
    make_person(actor=importer, first_name="Twin2", email="twin@example.com")
    job = _import(write_file, importer, "X2,Ada,New,mine@example.com\n,Ada,New,twin@example.com\n")

    reasons = _reasons(job)
    assert reasons[2] == "The person with this email has external id “MINE-1”, not “X2”."
    assert reasons[3].startswith("Several existing records have this email address")
    for reason in reasons.values():
        for word in HIDDEN_WORDS:
            assert word not in reason


def test_a_visible_record_one_may_not_change_is_refused_as_before(write_file, importer, hidden):
    from centric.staff.services.visibility import visibility_policy_set

    visibility_policy_set(record_type="customers.person", level="public_read", actor=None)
    assert Person.objects.visible_to(importer).filter(pk=hidden.pk).exists()
    job = _import(write_file, importer, "SECRET-9,Ada,New,\n", match_by="external_id")

    assert _reasons(job) == {2: "It matches an existing record that you may not change."}
    hidden.refresh_from_db()
    assert hidden.first_name == "Hiddenname"

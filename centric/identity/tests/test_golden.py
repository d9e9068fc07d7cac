"""The merge form's defaults: the value most records agree on, then the one staff confirmed most
recently, never a shortened spelling another record contradicts; the survivor's external id; the
most advanced stage, or after a loss the most recent one."""

from __future__ import annotations

import pytest

from centric.customers.models import Person
from centric.customers.services import person_update
from centric.customers.tests.factories import make_person
from centric.identity.services.merge import (
    _field_history,
    golden_record,
    people_merge,
    rule_label,
)
from centric.imports.services.jobs import import_file


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


@pytest.fixture
def imported(tmp_path, seller):
    """People created by importing a CSV the way Excel saves one (UTF-8 with BOM, CRLF)."""

    def factory(*rows: tuple[str, str, str]) -> list[Person]:
        lines = ["First Name,Last Name,Mobile Phone", *(",".join(row) for row in rows)]
        path = tmp_path / "customers.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
        job = import_file(path=path, record_type="people", actor=seller, owner=seller)
        assert job.created == len(rows), job.notes
        return list(Person.objects.filter(last_name=rows[0][1]).order_by("-pk")[: len(rows)])[::-1]

    return factory


def _golden(survivor, *others):
    return {g.field: g for g in golden_record(survivor=survivor, others=list(others))}


@pytest.mark.django_db
def test_the_spelling_most_records_agree_on_wins_over_the_newest(seller):
    chinedu = make_person(actor=seller, first_name="Chinedu", last_name="Okafor")
    again = make_person(actor=seller, first_name="chinedu ", last_name="Okafor")
    misspelt = make_person(actor=seller, first_name="Chined", last_name="Okafor")  # newest
    golden = _golden(misspelt, chinedu, again)
    assert golden["first_name"].value == "Chinedu"
    assert golden["first_name"].rule == "agreement"
    assert golden["last_name"].value == "Okafor"


@pytest.mark.django_db
def test_on_a_tie_the_value_staff_confirmed_beats_a_newer_import(seller, imported):
    typed = make_person(actor=seller, first_name="Chinedu", last_name="Okafor")
    (from_file,) = imported(("Chined", "Okafor", "0803 123 4567"))
    assert from_file.updated_at > typed.updated_at
    golden = _golden(from_file, typed)
    assert golden["first_name"].value == "Chinedu"
    assert golden["first_name"].source_id == typed.pk
    assert golden["first_name"].rule == "staff_confirmed"


@pytest.mark.django_db
def test_an_older_import_corrected_by_staff_keeps_the_correction(seller, imported):
    wrong, other = imported(("Chined", "Eze", "0803 123 4567"), ("Chined", "Eze", "0805 000 1111"))
    person_update(wrong, actor=seller, first_name="Chinedu")
    wrong.refresh_from_db()
    # Two records say "Chined", one "Chinedu": the majority stands against one correction...
    golden = _golden(other, wrong, make_person(actor=None, first_name="Chined", last_name="Eze"))
    assert golden["first_name"].value == "Chined"
    # ...but between the two, the value a person typed wins.
    golden = _golden(other, wrong)
    assert golden["first_name"].value == "Chinedu"
    assert golden["first_name"].rule == "staff_confirmed"


@pytest.mark.django_db
def test_only_a_value_a_person_set_counts_as_confirmed(seller, imported):
    person, twin = imported(("Bisi", "Adeyemi", "0803 222 3333"), ("Bisi", "Adeyemi", ""))
    person = person_update(person, actor=seller, first_name="Bisola")
    history = _field_history([person, twin])
    assert (person.pk, "first_name") in history.staff_at
    assert (person.pk, "last_name") not in history.staff_at  # still as the file wrote it
    assert (twin.pk, "first_name") not in history.staff_at
    assert _golden(twin, person)["first_name"].value == "Bisola"


@pytest.mark.django_db
def test_a_shortened_spelling_gives_way_to_the_full_one(seller, imported):
    full, short = imported(("Chinedu", "Nwosu", "0803 123 4567"), ("Chined", "Nwosu", ""))
    assert short.updated_at >= full.updated_at
    golden = _golden(short, full)
    assert golden["first_name"].value == "Chinedu"
    assert golden["first_name"].rule == "fuller_variant"


@pytest.mark.django_db
def test_the_survivor_keeps_its_own_external_id(seller):
    established = make_person(actor=seller, first_name="Ngozi", external_id="HS-100")
    duplicate = make_person(actor=seller, first_name="Ngozi", external_id="HS-205")
    golden = _golden(established, duplicate)
    assert golden["external_id"].value == "HS-100"
    assert golden["external_id"].rule == "survivor"
    people_merge(actor=seller, survivor=established, others=[duplicate])
    established.refresh_from_db()
    duplicate.refresh_from_db()
    assert (established.external_id, duplicate.external_id) == ("HS-100", "HS-205")


@pytest.mark.django_db
def test_a_survivor_without_an_external_id_takes_the_oldest_others(seller):
    survivor = make_person(actor=seller, first_name="Tunde")
    older = make_person(actor=seller, first_name="Tunde", external_id="SF-001")
    newer = make_person(actor=seller, first_name="Tunde", external_id="SF-002")
    assert _golden(survivor, newer, older)["external_id"].value == "SF-001"


@pytest.mark.django_db
def test_the_most_advanced_stage_wins_not_the_newest(seller):
    customer = make_person(actor=seller, first_name="Amaka", lifecycle_stage="customer")
    lead = make_person(actor=seller, first_name="Amaka", lifecycle_stage="lead")
    golden = _golden(lead, customer)
    assert golden["lifecycle_stage"].value == "customer"
    assert golden["lifecycle_stage"].rule == "most_advanced_stage"
    assert rule_label("most_advanced_stage") == "The most advanced stage"


@pytest.mark.django_db
def test_after_a_loss_the_most_recently_set_stage_wins(seller):
    loyal = make_person(actor=seller, first_name="Femi", lifecycle_stage="customer")
    left = make_person(actor=seller, first_name="Femi", lifecycle_stage="customer")
    person_update(left, actor=seller, lifecycle_stage="churned")
    # A later edit of another field does not make the old stage news.
    person_update(loyal, actor=seller, middle_name="Ade")
    loyal.refresh_from_db()
    left.refresh_from_db()
    assert loyal.updated_at > left.updated_at
    golden = _golden(loyal, left)
    assert golden["lifecycle_stage"].value == "churned"
    assert golden["lifecycle_stage"].rule == "most_recent_stage"


@pytest.mark.django_db
def test_a_churned_customer_who_came_back_is_a_lead_again(seller):
    churned = make_person(actor=seller, first_name="Kemi", lifecycle_stage="churned")
    back = make_person(actor=seller, first_name="Kemi", lifecycle_stage="lead")
    assert _golden(churned, back)["lifecycle_stage"].value == "lead"


@pytest.mark.django_db
def test_a_manual_pick_still_wins(seller):
    chinedu = make_person(actor=seller, first_name="Chinedu")
    chined = make_person(actor=seller, first_name="Chined")
    golden = {
        g.field: g
        for g in golden_record(survivor=chinedu, others=[chined], choices={"first_name": chined.pk})
    }
    assert golden["first_name"].value == "Chined" and golden["first_name"].rule == "manual"

"""Full resolution over the database: the review queue, remembered decisions, the command."""

import csv

import pytest
from django.core.management import call_command

from centric.customers.tests.factories import make_person
from centric.identity.models import CandidatePair, IdentitySettings, ResolutionRun
from centric.identity.services.resolution import resolution_run
from centric.identity.services.review import pair_decide


@pytest.fixture
def seller(make_team, make_user):
    return make_user("seller", team=make_team("Sales"), role="Manager")


@pytest.fixture
def population(seller):
    firsts = ["Ngozi", "Tunde", "Aisha", "Ifeanyi", "Kemi", "Musa"]
    lasts = ["Eze", "Bakare", "Bello", "Okoro", "Ajayi"]
    people = []
    for index, (first, last) in enumerate((f, s) for f in firsts for s in lasts):
        people.append(
            make_person(actor=seller, first_name=first, last_name=last, phone=f"0803{index:07d}")
        )
    web = make_person(
        actor=seller,
        first_name="Chukwuemeka",
        last_name="Okafor",
        phone="0803 123 4567",
        external_id="W-1",
    )
    whatsapp = make_person(
        actor=seller,
        first_name="Emeka",
        last_name="Okafor",
        phone="+234 803 123 4567",
        email="emeka.okafor@gmail.com",
    )
    return people, web, whatsapp


@pytest.mark.django_db
def test_resolution_finds_the_duplicate_and_queues_it_with_evidence(population):
    _people, web, whatsapp = population
    summary = resolution_run()
    assert summary["records"] == 32
    pair = CandidatePair.objects.get()
    assert {pair.person_low_id, pair.person_high_id} == {web.pk, whatsapp.pk}
    evidence = {row["comparison"]: row["level"] for row in pair.evidence}
    assert evidence["phone"] == "same number"
    assert evidence["first name"] == "nickname"


@pytest.mark.django_db
def test_not_the_same_is_remembered_and_never_suggested_again(seller, population):
    resolution_run()
    pair = CandidatePair.objects.get()
    pair_decide(actor=seller, pair=pair, decision="not_same")
    resolution_run()
    assert CandidatePair.objects.count() == 1
    assert CandidatePair.objects.get().status == CandidatePair.Status.NOT_SAME


@pytest.mark.django_db
def test_auto_merge_when_the_business_turned_it_on(population):
    _people, web, whatsapp = population
    IdentitySettings.objects.update_or_create(
        pk=IdentitySettings.current().pk, defaults={"auto_merge": True, "merge_threshold": 0.9}
    )
    summary = resolution_run()
    assert summary["auto_merged"] == 1
    web.refresh_from_db()
    whatsapp.refresh_from_db()
    assert web.merged_into is None and whatsapp.merged_into == web


@pytest.mark.django_db
def test_resolve_command_prints_a_summary_and_writes_clusters(population, tmp_path, capsys):
    _people, web, whatsapp = population
    out = tmp_path / "clusters.csv"
    call_command("resolve", clusters_out=str(out))
    printed = capsys.readouterr().out
    assert "Records:              32" in printed
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 32
    cluster = {row["record_id"]: row["cluster_id"] for row in rows}
    assert cluster[str(web.pk)] == cluster[str(whatsapp.pk)]
    assert {row["external_id"] for row in rows if row["record_id"] == str(web.pk)} == {"W-1"}
    assert ResolutionRun.objects.get().status == ResolutionRun.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_the_background_task_runs_in_the_worker(seller, population):
    from django.core.management import call_command as run

    from centric.identity.services.resolution import resolution_request

    run_record = resolution_request(actor=seller)
    run("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    run_record.refresh_from_db()
    assert run_record.status == ResolutionRun.Status.DONE
    assert run_record.pairs_for_review == 1

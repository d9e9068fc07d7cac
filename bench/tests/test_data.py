"""The generator writes exactly what the application's own normalisers would store."""

import random

import pytest

from bench import data
from bench.measure import Result, Run, percentile
from centric.core.normalise import normalise_email, normalise_phone
from centric.customers.models import Person
from centric.customers.services.people import person_search_name


@pytest.mark.parametrize("index", [0, 1, 97, 12_345, 999_999])
def test_nigerian_numbers_written_any_way_normalise_to_the_stored_e164(index):
    rng = random.Random(index)
    e164 = data.ng_phone(index)
    for _ in range(20):
        assert normalise_phone(data.messy_phone(e164, rng)) == e164


def test_foreign_numbers_normalise_to_the_stored_e164():
    rng = random.Random(7)
    for index in range(500):
        e164 = data.foreign_phone(index, rng)
        assert normalise_phone(data.messy_phone(e164, rng)) == e164


def test_generated_phones_are_unique():
    numbers = [data.ng_phone(index) for index in range(200_000)]
    assert len(set(numbers)) == len(numbers)


def test_emails_as_entered_normalise_to_the_stored_form():
    rng = random.Random(3)
    names = data.Names(1)
    for index in range(300):
        first, _middle, last = names.pick(rng)
        entered, stored = data.person_email(index, first, last, rng)
        assert normalise_email(entered) == stored


def test_search_name_is_the_one_the_service_computes():
    rng = random.Random(5)
    names = data.Names(2)
    for _ in range(300):
        first, middle, last = names.pick(rng)
        person = Person(first_name=first, middle_name=middle, last_name=last)
        assert data.person_search_name(first, middle, last) == person_search_name(person)


def test_percentile_is_nearest_rank():
    values = list(range(1, 201))
    assert percentile(values, 95) == 190
    assert percentile(values, 50) == 100


def test_results_are_recorded_newest_first(tmp_path):
    path = tmp_path / "RESULTS.md"
    for figure in ("figure-A", "figure-B"):
        run = Run(machine="2 cores", dataset="tiny")
        run.add(Result("search", figure, "p95 ≤ 50 ms", True))
        run.record(path)
    text = path.read_text()
    assert text.index("figure-B") < text.index("figure-A")
    assert text.count("| search |") == 2

"""The identity bench's own arithmetic and generator (no timing here)."""

from collections import Counter

import numpy as np

from bench.identity.people import generate
from bench.identity.throughput import pairwise_scores


def test_pairwise_scores_count_pairs_inside_clusters():
    truth = np.array([1, 1, 1, 2, 2, 3])
    # One true pair missed (record 2 split off), one false pair (records 4 and 5 joined).
    clusters = np.array([0, 0, 2, 3, 4, 4])
    scores = pairwise_scores(clusters, truth)
    assert scores["true_pairs"] == 4  # 3 inside identity 1, 1 inside identity 2
    assert scores["predicted_pairs"] == 2
    assert scores["true_positive_pairs"] == 1
    assert scores["precision"] == 0.5
    assert scores["recall"] == 0.25


def test_perfect_clustering_scores_one():
    truth = np.array([5, 5, 7, 9, 9, 9])
    scores = pairwise_scores(np.array([0, 0, 2, 3, 3, 3]), truth)
    assert scores["f1"] == 1.0
    assert scores["identities"] == 3


def test_generator_is_deterministic_with_one_to_five_records_per_person():
    first = generate(3000, seed=11)
    assert first == generate(3000, seed=11)
    assert first != generate(3000, seed=12)
    per_identity = Counter(record["identity"] for record in first)
    assert set(per_identity.values()) <= {1, 2, 3, 4, 5}
    assert max(per_identity.values()) == 5
    assert [record["id"] for record in first] == list(range(1, 3001))


def test_generator_makes_the_noise_the_matcher_must_cope_with():
    records = generate(20000, seed=3)
    phones = [p for r in records for p in r["phones"]]
    emails = [e for r in records for e in r["emails"]]
    assert any(not p.startswith("+") for p in phones)  # saved without the country code
    assert any(p.startswith("+2341") for p in phones)  # landlines (shared in households)
    assert any(e.endswith("@gmial.com") for e in emails)
    by_identity: dict[int, list[dict]] = {}
    for record in records:
        by_identity.setdefault(record["identity"], []).append(record)
    nickname = swapped = day_month = False
    for group in by_identity.values():
        firsts = {r["first_name"].lower() for r in group}
        nickname |= {"emeka", "chukwuemeka"} <= firsts or {"tunde", "babatunde"} <= firsts
        names = {(r["first_name"], r["last_name"]) for r in group}
        swapped |= any((last, first) in names for first, last in names if first != last)
        dates = {r["date_of_birth"] for r in group if r["date_of_birth"]}
        day_month |= any(
            (d[:4], d[5:7], d[8:]) == (e[:4], e[8:], e[5:7]) for d in dates for e in dates if d != e
        )
    assert nickname and swapped and day_month


def test_generator_makes_households_namesakes_and_both_numbering_plans():
    from centric.identity.matching.text import current_plan_phone

    records = generate(20000, seed=3)
    households: dict[int, set[int]] = {}
    for record in records:
        if record["household"]:
            households.setdefault(record["household"], set()).add(record["identity"])
    # Several different people per household, the first member's identity naming it.
    assert len(households) > 500
    assert all(len(members) >= 2 and key in members for key, members in households.items())
    # Members share the family's landline, written in either plan.
    landlines: dict[int, Counter] = {}
    for record in records:
        for phone in record["phones"]:
            if record["household"] and current_plan_phone(phone).startswith("+23420"):
                landlines.setdefault(record["household"], Counter())[current_plan_phone(phone)] += 1
    shared = sum(1 for counts in landlines.values() if counts.most_common(1)[0][1] >= 3)
    assert shared > 200
    phones = {p for r in records for p in r["phones"]}
    old = {p for p in phones if p.startswith("+2341") and len(p) == 12}
    assert old and {current_plan_phone(p) for p in old} & phones
    # Twins: two identities of one household born the same day.
    born: dict[tuple, set[int]] = {}
    for record in records:
        if record["household"] and record["date_of_birth"]:
            key = (record["household"], record["date_of_birth"])
            born.setdefault(key, set()).add(record["identity"])
    assert any(len(identities) >= 2 for identities in born.values())
    # A family email on the records of different people.
    emails: dict[str, set[int]] = {}
    for record in records:
        for email in record["emails"]:
            emails.setdefault(email, set()).add(record["identity"])
    assert any("family@" in email and len(ids) >= 2 for email, ids in emails.items())
    # Namesakes: one common full name held by several different people, none in one household.
    holders = {
        r["identity"]
        for r in records
        if (r["first_name"], r["last_name"]) == ("Aisha", "Bello") and not r["household"]
    }
    assert len(holders) >= 3


def test_the_ceiling_merges_only_pairs_that_share_more_than_a_name():
    from bench.identity.ceiling import ceiling

    records = [
        # One person, two records with one phone: the ceiling merges them.
        {"id": 1, "identity": 1, "first_name": "Ngozi", "last_name": "Eze",
         "phones": ["+2348031234567"]},
        {"id": 2, "identity": 1, "first_name": "Ngozi", "last_name": "Eze",
         "phones": ["+2348031234567"], "emails": ["ngozi.eze@gmail.com"]},
        # Another person whose two records share only the name: left apart.
        {"id": 3, "identity": 2, "first_name": "Musa", "last_name": "Bello", "city": "Kano"},
        {"id": 4, "identity": 2, "first_name": "Musa", "last_name": "Bello",
         "phones": ["+2348059876543"]},
        {"id": 5, "identity": 3, "first_name": "Efe", "last_name": "Ighalo"},
    ]  # fmt: skip
    outcome = ceiling(records)
    assert outcome["true_pairs"] == 2
    assert outcome["true_pairs_sharing_more_than_a_name"] == 1
    assert outcome["share_name_only"] == 0.5
    assert outcome["precision"] == 1.0
    assert outcome["recall"] == 0.5
    assert outcome["clusters"] == 4  # for 3 real people

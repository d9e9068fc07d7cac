"""The matcher as a plain library: records in, scored pairs and clusters out."""

import random

import numpy as np

from centric.identity.matching import Matcher
from centric.identity.matching.blocking import candidate_pairs
from centric.identity.matching.presets import people_settings, people_table
from centric.identity.matching.text import canonical_first_name, organisation_key

FIRST = [
    "Ngozi",
    "Tunde",
    "Aisha",
    "Ifeanyi",
    "Kemi",
    "Musa",
    "Efe",
    "Bisi",
    "Uche",
    "Zainab",
    "Ada",
    "Femi",
    "Halima",
    "Obinna",
    "Tari",
]
LAST = [
    "Okafor",
    "Adeyemi",
    "Bello",
    "Eze",
    "Ogunleye",
    "Ibrahim",
    "Okoro",
    "Balogun",
    "Nwosu",
    "Danjuma",
    "Etim",
    "Ajayi",
]


def _population(size: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    people = []
    for index in range(size):
        people.append(
            {
                "id": f"p{index}",
                "first_name": rng.choice(FIRST),
                "last_name": rng.choice(LAST),
                "date_of_birth": f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "phones": [f"+23480{rng.randint(10_000_000, 99_999_999)}"],
                "emails": [f"user{index}@example.com"],
                "city": rng.choice(["Ikeja", "Lekki", "Yaba", "Surulere"]),
            }
        )
    return people


def _cluster_of(result, table, record_id):
    clusters = result.clusters()
    index = list(table.ids).index(record_id)
    return {table.ids[i] for i in np.flatnonzero(clusters == clusters[index])}


def test_three_spellings_of_one_customer_become_one_cluster():
    records = _population(400) + [
        {
            "id": "web",
            "first_name": "Chukwuemeka",
            "last_name": "Okafor",
            "phones": ["+2348031234567"],
            "city": "Yaba",
        },
        {
            "id": "whatsapp",
            "first_name": "Emeka",
            "last_name": "Okafor",
            "phones": ["+2348031234567"],
            "emails": ["emeka.okafor@gmail.com"],
        },
        {
            "id": "sheet",
            "first_name": "C.",
            "last_name": "Okafor",
            "emails": ["emeka.okafor@gmial.com"],
            "city": "Yaba",
        },
    ]
    table = people_table(records)
    result = Matcher(people_settings()).fit_predict(table)
    assert _cluster_of(result, table, "web") == {"web", "whatsapp", "sheet"}


def test_distinct_people_stay_apart():
    table = people_table(_population(500))
    result = Matcher(people_settings()).fit_predict(table)
    assert len(set(result.clusters().tolist())) == 500


def test_swapped_first_and_last_names_still_match():
    records = _population(300) + [
        {
            "id": "a",
            "first_name": "Babatunde",
            "last_name": "Fashola",
            "date_of_birth": "1980-05-07",
            "phones": ["+2348051112222"],
        },
        {
            "id": "b",
            "first_name": "Fashola",
            "last_name": "Tunde",
            "date_of_birth": "1980-07-05",
            "phones": ["+2348051112222"],
        },
    ]
    table = people_table(records)
    result = Matcher(people_settings()).fit_predict(table)
    assert _cluster_of(result, table, "a") == {"a", "b"}
    pair = next(
        i
        for i in range(len(result.left))
        if {table.ids[result.left[i]], table.ids[result.right[i]]} == {"a", "b"}
    )
    evidence = {row["comparison"]: row["level"] for row in result.explain(pair)}
    assert evidence["first name"] == "nickname"
    assert evidence["date of birth"] == "day and month swapped"


def test_a_shared_shop_landline_does_not_blow_up_the_pair_count_or_merge_strangers():
    records = _population(200)
    for index in range(10_000):
        records.append(
            {
                "id": f"shop{index}",
                "first_name": f"Customer{index}",
                "last_name": "Buyer",
                "phones": ["+2341234567"],
            }
        )
    table = people_table(records)
    left, _right, counts = candidate_pairs(table, people_settings().blocking_rules)
    assert counts["phone"] == 0
    assert len(left) < 50_000


def test_empty_names_and_records_without_data_are_handled():
    records = _population(50) + [
        {"id": "blank1"},
        {"id": "blank2"},
        {"id": "blank3", "first_name": "", "last_name": ""},
    ]
    table = people_table(records)
    result = Matcher(people_settings()).fit_predict(table)
    assert _cluster_of(result, table, "blank1") == {"blank1"}


def test_nicknames_and_organisation_suffixes():
    assert canonical_first_name("Emeka") == canonical_first_name("Chukwuemeka")
    assert canonical_first_name("Bill") == canonical_first_name("William")
    assert canonical_first_name("Tunde") == "babatunde"
    assert organisation_key("Balogun Traders Nig. Ltd") == organisation_key(
        "balogun traders limited"
    )
    assert organisation_key("Zenith Foods PLC") == "zenith foods"


def test_the_business_can_use_its_own_nickname_list(tmp_path, monkeypatch):
    from centric.identity.matching.text import nickname_map

    own = tmp_path / "names.csv"
    own.write_text("oluwadarasimi,dara,simi\n", encoding="utf-8")
    monkeypatch.setenv("CENTRIC_NICKNAMES_FILE", str(own))
    nickname_map.cache_clear()
    try:
        assert canonical_first_name("Simi") == "oluwadarasimi"
        assert canonical_first_name("Emeka") == "emeka"
    finally:
        monkeypatch.delenv("CENTRIC_NICKNAMES_FILE")
        nickname_map.cache_clear()
    assert canonical_first_name("Emeka") == "chukwuemeka"

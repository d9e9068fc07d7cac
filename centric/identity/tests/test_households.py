"""Households, namesakes and the old Lagos numbering plan: different people who share a lot, and
one person whose records share little (issue 9)."""

import numpy as np

from centric.identity.matching import Matcher
from centric.identity.matching.presets import people_settings, people_table
from centric.identity.matching.text import current_plan_phone
from centric.identity.tests.test_matching import _population

LANDLINE = "+2342012852651"  # 0201 285 2651, Lagos, today's plan
OLD_LANDLINE = "+23412852651"  # 01 285 2651, the same line written before 1 January 2024


def _resolve(extra: list[dict], **thresholds: float):
    table = people_table(_population(400) + extra)
    result = Matcher(people_settings(**thresholds)).fit_predict(table)
    return table, result, result.clusters()


def _same_cluster(table, clusters, a: str, b: str) -> bool:
    ids = list(table.ids)
    return bool(clusters[ids.index(a)] == clusters[ids.index(b)])


def _evidence(result, table, a: str, b: str) -> dict[str, tuple[str, float]]:
    ids = list(table.ids)
    x, y = ids.index(a), ids.index(b)
    pair = next(
        i for i in range(len(result.left)) if {int(result.left[i]), int(result.right[i])} == {x, y}
    )
    return {row["comparison"]: (row["level"], row["weight"]) for row in result.explain(pair)}


def test_husband_and_wife_sharing_a_landline_and_family_email_stay_two_people():
    household = [
        {
            "id": "husband",
            "first_name": "Adebayo",
            "last_name": "Adeyemi",
            "date_of_birth": "1968-03-14",
            "phones": ["+2348031110001", LANDLINE],
            "emails": ["adeyemifamily@yahoo.com"],
            "city": "Surulere",
        },
        {
            "id": "wife",
            "first_name": "Bisi",
            "last_name": "Adeyemi",
            "date_of_birth": "1972-11-02",
            "phones": ["+2348052220002", OLD_LANDLINE],
            "emails": ["adeyemifamily@yahoo.com"],
            "city": "Surulere",
        },
    ]
    table, result, clusters = _resolve(household)
    assert not _same_cluster(table, clusters, "husband", "wife")
    evidence = _evidence(result, table, "husband", "wife")
    assert evidence["phone"][0] == "same number"
    assert evidence["email"][0] == "exact"
    level, weight = evidence["shared by a household"]
    assert level == "first names differ"
    # What the landline, the family email, the surname and the city gave is taken back.
    shared = sum(evidence[name][1] for name in ("last name", "phone", "email", "city"))
    assert weight == round(-shared, 2)


def test_twins_born_the_same_day_with_one_landline_stay_two_people():
    twins = [
        {
            "id": "taiwo",
            "first_name": "Taiwo",
            "last_name": "Ogunleye",
            "date_of_birth": "2001-06-09",
            "phones": [LANDLINE],
            "city": "Ikeja",
        },
        {
            "id": "kehinde",
            "first_name": "Kehinde",
            "last_name": "Ogunleye",
            "date_of_birth": "2001-06-09",
            "phones": [LANDLINE],
            "city": "Ikeja",
        },
    ]
    table, _result, clusters = _resolve(twins)
    assert not _same_cluster(table, clusters, "taiwo", "kehinde")


def test_father_and_son_with_one_name_and_one_landline_are_told_apart_by_age():
    family = [
        {
            "id": "father",
            "first_name": "Chinedu",
            "last_name": "Okafor",
            "date_of_birth": "1961-01-20",
            "phones": [LANDLINE],
            "city": "Enugu",
        },
        {
            "id": "son",
            "first_name": "Chinedu",
            "last_name": "Okafor",
            "date_of_birth": "1994-08-05",
            "phones": [LANDLINE, "+2348067770007"],
            "city": "Enugu",
        },
    ]
    table, result, clusters = _resolve(family)
    assert not _same_cluster(table, clusters, "father", "son")
    assert _evidence(result, table, "father", "son")["shared by a household"][0] == (
        "dates of birth differ"
    )


def test_namesakes_in_other_cities_with_other_numbers_are_not_merged():
    namesakes = [
        {
            "id": f"aisha-{city}",
            "first_name": "Aisha",
            "last_name": "Bello",
            "date_of_birth": dob,
            "phones": [phone],
            "emails": [email],
            "city": city,
        }
        for city, dob, phone, email in (
            ("Kano", "1985-02-11", "+2348034440004", "aisha.bello@gmail.com"),
            ("Lagos", "1993-07-30", "+2347065550005", "aishab93@yahoo.com"),
            ("Abuja", "", "+2349026660006", "bello.aisha@outlook.com"),
        )
    ]
    table, _result, clusters = _resolve(namesakes)
    assert not _same_cluster(table, clusters, "aisha-Kano", "aisha-Lagos")
    assert not _same_cluster(table, clusters, "aisha-Kano", "aisha-Abuja")
    assert not _same_cluster(table, clusters, "aisha-Lagos", "aisha-Abuja")


def test_one_customer_with_a_typo_and_the_same_landline_in_both_plans_is_still_merged():
    records = [
        {
            "id": "branch",
            "first_name": "Chinedu",
            "last_name": "Okafor",
            "date_of_birth": "1979-04-17",
            "phones": [OLD_LANDLINE],
            "city": "Yaba",
        },
        {
            "id": "web",
            "first_name": "Chinedy",
            "last_name": "Okafor",
            "date_of_birth": "1979-04-17",
            "phones": [LANDLINE],
            "emails": ["chinedu.okafor@gmail.com"],
            "city": "Yaba",
        },
    ]
    table, result, clusters = _resolve(records)
    assert _same_cluster(table, clusters, "branch", "web")
    evidence = _evidence(result, table, "branch", "web")
    assert evidence["phone"][0] == "same number"
    assert "shared by a household" not in evidence


def test_a_record_without_a_first_name_does_not_join_two_members_of_a_household():
    household = [
        {
            "id": "chidi",
            "first_name": "Chidi",
            "last_name": "Nwosu",
            "date_of_birth": "1975-09-01",
            "phones": [LANDLINE, "+2348031230001"],
            "emails": ["chidi.nwosu@gmail.com"],
            "city": "Lekki",
        },
        {
            "id": "ngozi",
            "first_name": "Ngozi",
            "last_name": "Nwosu",
            "date_of_birth": "1978-12-24",
            "phones": [LANDLINE, "+2348051230002"],
            "city": "Lekki",
        },
        {  # the family's account form: the surname, the home number and both mobiles
            "id": "blank",
            "first_name": "",
            "last_name": "Nwosu",
            "phones": [LANDLINE, "+2348031230001", "+2348051230002"],
            "city": "Lekki",
        },
    ]
    # A business that merges at 0.2: both of the blank record's pairs are above it.
    table, result, clusters = _resolve(household, review_threshold=0.1, merge_threshold=0.2)
    assert not _same_cluster(table, clusters, "chidi", "ngozi")
    assert _same_cluster(table, clusters, "blank", "chidi") or _same_cluster(
        table, clusters, "blank", "ngozi"
    )
    # One of the blank record's two pairs is kept for review below the merge threshold, with why.
    pairs = [_evidence(result, table, "blank", other) for other in ("chidi", "ngozi")]
    held = [pair for pair in pairs if "would join" in pair]
    assert len(held) == 1
    assert held[0]["would join"][0] == "records with different first names"
    ids = list(table.ids)
    index = next(
        i
        for i in range(len(result.left))
        if {int(result.left[i]), int(result.right[i])} == {ids.index("blank"), ids.index("ngozi")}
        or {int(result.left[i]), int(result.right[i])} == {ids.index("blank"), ids.index("chidi")}
        if result.separation_reasons[i] >= 0
    )
    assert result.settings.review_threshold <= result.probability[index]
    assert result.probability[index] < result.settings.merge_threshold


def test_old_and_new_lagos_numbers_are_one_phone():
    assert current_plan_phone(OLD_LANDLINE) == LANDLINE
    assert current_plan_phone("+23498765432") == "+2342098765432"  # Abuja 09 is 0209
    assert current_plan_phone(LANDLINE) == LANDLINE  # already in today's plan
    assert current_plan_phone("+2348031234567") == "+2348031234567"  # a mobile is untouched
    assert current_plan_phone("+442079460000") == "+442079460000"  # another country's number
    table = people_table(
        [{"id": "old", "phones": [OLD_LANDLINE]}, {"id": "new", "phones": [LANDLINE]}]
    )
    assert table.columns["phones"][0] == table.columns["phones"][1] == (LANDLINE,)


def test_the_rules_change_nothing_for_settings_that_do_not_ask_for_them():
    settings = people_settings()
    settings.rules = []
    settings.cannot_link = ()
    table = people_table(_population(300))
    result = Matcher(settings).fit_predict(table)
    assert not result.rule_weights.any()
    assert (result.separation_reasons == -1).all()
    assert np.isfinite(result.weight).all()


def test_one_slip_in_a_short_first_name_is_a_typo_not_another_member_of_the_household():
    records = [
        {
            "id": "ime",
            "first_name": "Ime",
            "last_name": "Akpan",
            "date_of_birth": "1990-10-03",
            "phones": [OLD_LANDLINE, "+2348031119999"],
            "city": "Uyo",
        },
        {
            "id": "iem",
            "first_name": "Iem",  # letters swapped on a form: Jaro-Winkler 0.56, one slip
            "last_name": "Akpan",
            "date_of_birth": "1990-10-03",
            "phones": [LANDLINE],
            "city": "Uyo",
        },
    ]
    table, result, clusters = _resolve(records)
    assert _same_cluster(table, clusters, "ime", "iem")
    evidence = _evidence(result, table, "ime", "iem")
    assert evidence["first name"][0] == "different"
    assert "shared by a household" not in evidence

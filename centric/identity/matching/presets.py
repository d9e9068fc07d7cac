"""The settings Centric uses for people in a CRM: names, phones, emails, date of birth, city, organisation."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from centric.identity.matching.settings import (
    BlockingRule,
    Comparison,
    EvidenceRule,
    MatchSettings,
)
from centric.identity.matching.table import RecordTable
from centric.identity.matching.text import (
    canonical_first_name,
    current_plan_phone,
    date_digits,
    fold,
    fold_name,
    organisation_key,
    phone_tail,
)

PEOPLE_COLUMNS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "phones",
    "emails",
    "city",
    "organisation",
]
MULTI_COLUMNS = ("phones", "emails")
NAME_BLOCK_SIZE = 50


def people_table(records: Iterable[dict]) -> RecordTable:
    """Prepare raw person dicts (id, first_name, last_name, date_of_birth, phones, emails, city, organisation).

    Names, cities, organisations and dates repeat a great deal across a customer base, so each
    distinct raw value is normalised once; the columns are built directly (no row dicts).
    """
    first_names, last_names, dates, cities, organisations = [], [], [], [], []
    ids, phones, emails = [], [], []
    names_seen: dict = {}
    phones_seen: dict = {}
    places_seen: dict = {}
    organisations_seen: dict = {}
    dates_seen: dict = {}
    for record in records:
        ids.append(record["id"])
        first_names.append(_once(names_seen, fold_name, record.get("first_name")))
        last_names.append(_once(names_seen, fold_name, record.get("last_name")))
        dates.append(_once(dates_seen, date_digits, record.get("date_of_birth")))
        phones.append(
            tuple(
                sorted(
                    {
                        _once(phones_seen, current_plan_phone, p)
                        for p in record.get("phones") or ()
                        if p
                    }
                )
            )
        )
        emails.append(tuple(sorted({e.lower() for e in record.get("emails") or () if e})))
        cities.append(_once(places_seen, fold, record.get("city")))
        organisations.append(
            _once(organisations_seen, organisation_key, record.get("organisation"))
        )
    columns = {
        "first_name": first_names,
        "last_name": last_names,
        "date_of_birth": dates,
        "phones": phones,
        "emails": emails,
        "city": cities,
        "organisation": organisations,
    }
    arrays = {}
    for name in PEOPLE_COLUMNS:
        array = np.empty(len(ids), dtype=object)
        array[:] = columns.pop(name)
        arrays[name] = array
    id_array = np.empty(len(ids), dtype=object)
    id_array[:] = ids
    return RecordTable(ids=id_array, columns=arrays)


def _once(seen: dict, function, value):
    """function(value), computed once per distinct value."""
    try:
        return seen[value]
    except KeyError:
        result = seen[value] = function(value)
        return result
    except TypeError:  # unhashable: nothing to remember
        return function(value)


def _single(*columns: str, transform=None):
    def keys(table: RecordTable):
        arrays = [table.columns[c] for c in columns]
        result = []
        for values in zip(*arrays, strict=True):
            if any(not v for v in values):
                result.append("")
                continue
            parts = [
                transform(c, v) if transform else v for c, v in zip(columns, values, strict=True)
            ]
            result.append("|".join(parts))
        return result

    return keys


def _canonical_first_names(table: RecordTable) -> list[str]:
    """canonical_first_name per record, computed once per distinct (already folded) name."""
    cache: dict[str, str] = {}
    result = []
    for first in table.columns["first_name"]:
        canonical = cache.get(first)
        if canonical is None:
            canonical = cache[first] = canonical_first_name(first) if first else ""
        result.append(canonical)
    return result


def _canonical_names(table: RecordTable):
    return [
        "|".join(sorted((canonical, last))) if canonical and last else ""
        for canonical, last in zip(
            _canonical_first_names(table), table.columns["last_name"], strict=True
        )
    ]


def _first_canonical_dob(table: RecordTable):
    return [
        f"{canonical}|{dob}" if canonical and dob else ""
        for canonical, dob in zip(
            _canonical_first_names(table), table.columns["date_of_birth"], strict=True
        )
    ]


def _multi(column: str, transform=None):
    def keys(table: RecordTable):
        return [
            tuple(transform(v) if transform else v for v in values)
            for values in table.columns[column]
        ]

    return keys


def _email_local(value: str) -> str:
    local = value.partition("@")[0]
    return local if len(local) >= 5 else ""


def _initial_surname_city(table: RecordTable):
    return [
        f"{first[:1]}|{last}|{city}" if first and last and city else ""
        for first, last, city in zip(
            table.columns["first_name"],
            table.columns["last_name"],
            table.columns["city"],
            strict=True,
        )
    ]


def _first_letters_surname(table: RecordTable):
    """The first name's first two letters and the surname: a typo later in the first name
    ("Chiid", "Blesssing") when nothing else is shared."""
    return [
        f"{first[:2]}|{last}" if len(first) >= 2 and last else ""
        for first, last in zip(table.columns["first_name"], table.columns["last_name"], strict=True)
    ]


# Spouses, children, twins and siblings share a surname, a city, a landline or a parent's mobile,
# sometimes a family email; they differ in first name or date of birth. A clearly different first
# name (not a nickname, an initial or a typo) or date of birth (not a slip, a swap or the same
# year) takes back what the household's shared values gave; and no such two records end up in one
# cluster through a third (a record without a first name holding the family's landline). On
# 50,000 generated records with households, pairwise precision 0.74 -> 0.99 (bench/RESULTS.md).
HOUSEHOLD_RULE = EvidenceRule(
    "shared by a household",
    when=(
        ("first name", "different", "first names differ"),
        ("date of birth", "different", "dates of birth differ"),
    ),
    discounted=("last name", "phone", "email", "city", "organisation"),
)


def people_settings(
    *, review_threshold: float = 0.5, merge_threshold: float = 0.95
) -> MatchSettings:
    return MatchSettings(
        comparisons=[
            Comparison("first name", "first_name", "first_name", (0.92, 0.8)),
            Comparison("last name", "last_name", "jaro_winkler", (0.92, 0.8), term_frequency=True),
            Comparison("date of birth", "date_of_birth", "date"),
            Comparison("phone", "phones", "phone", term_frequency=True),
            Comparison("email", "emails", "email", term_frequency=True),
            Comparison("city", "city", "jaro_winkler", (0.9,), term_frequency=True),
            Comparison("organisation", "organisation", "jaro_winkler", (0.9,)),
        ],
        blocking_rules=[
            # A name shared by more than 50 records is no evidence on its own, and its block's
            # pairs grow with the square of its size: 1M people gave 25M candidate pairs with a
            # cap of 300 (60% from these two rules, nearly all different people), 4.4M with 50.
            BlockingRule(
                "names",
                _canonical_names,
                max_block_size=NAME_BLOCK_SIZE,
                uses=("first_name", "last_name"),
            ),
            BlockingRule("phone", _multi("phones"), uses=("phones",)),
            BlockingRule("phone tail", _multi("phones", phone_tail), uses=("phones",)),
            BlockingRule("email", _multi("emails"), uses=("emails",)),
            BlockingRule("email local part", _multi("emails", _email_local), uses=("emails",)),
            BlockingRule(
                "last name + date of birth",
                _single("last_name", "date_of_birth"),
                uses=("last_name", "date_of_birth"),
            ),
            BlockingRule(
                "first name + date of birth",
                _first_canonical_dob,
                uses=("first_name", "date_of_birth"),
            ),
            BlockingRule(
                "initial + last name + city",
                _initial_surname_city,
                max_block_size=NAME_BLOCK_SIZE,
                uses=("first_name", "last_name", "city"),
            ),
            BlockingRule(
                "first letters + last name",
                _first_letters_surname,
                max_block_size=NAME_BLOCK_SIZE,
                uses=("first_name", "last_name"),
            ),
        ],
        swap_columns=("first_name", "last_name"),
        rules=[HOUSEHOLD_RULE],
        cannot_link=(
            ("first name", "different", "records with different first names"),
            ("date of birth", "different", "records with different dates of birth"),
        ),
        review_threshold=review_threshold,
        merge_threshold=merge_threshold,
    )

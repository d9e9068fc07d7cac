"""How exporters' values are read (centric/imports/values.py)."""

import datetime as dt

import pytest

from centric.imports import values


def test_google_multi_values_are_split_and_its_system_groups_recognised():
    assert values.split_values("a@example.com ::: b@example.com") == [
        "a@example.com",
        "b@example.com",
    ]
    assert values.split_values("+234 803 123 4567:::0805 555 0101") == [
        "+234 803 123 4567",
        "0805 555 0101",
    ]
    assert values.split_values("Customers") == ["Customers"]
    assert values.is_system_group("* myContacts") and values.is_system_group(" * starred")
    assert not values.is_system_group("Customers") and not values.is_system_group("*VIP")


@pytest.mark.parametrize("text", ["0/0/00", "0/0/0000", "00.00.0000"])
def test_outlook_placeholder_dates_are_empty(text):
    assert values.is_empty_date(text)


def test_dates_without_a_year_and_slashed_dates():
    assert values.month_day("--04-17") == (4, 17)
    assert values.month_day("--0229") == (2, 29)
    assert values.month_day("--13-01") is None and values.month_day("1985-04-17") is None
    assert values.parse_slashed_date("05/04/1985") == dt.date(1985, 4, 5)  # day first
    assert values.parse_slashed_date("4/17/1985") == dt.date(1985, 4, 17)  # US, day > 12
    assert values.parse_slashed_date("31/02/1985") is None


def test_other_crms_stages_become_the_business_stages_it_has():
    stages = {"lead": "lead", "qualified": "qualified", "customer": "customer"}

    assert values.stage_key("Marketing Qualified Lead", stages) == "qualified"
    assert values.stage_key("salesqualifiedlead", stages) == "qualified"
    assert values.stage_key("Evangelist", stages) == "customer"
    assert values.stage_key("  LEAD ", stages) == "lead"
    assert values.stage_key("Other", stages) is None
    assert values.stage_key("Subscriber", stages) is None  # this business has no such stage


def test_decimal_comma_numbers():
    assert values.decimal_comma("1.234,50") == "1234.50"
    assert values.decimal_comma("12,5") == "12.5"

"""Numbers written in a superseded numbering plan: Nigeria's landlines before 1 January 2024.

Nigeria's geographic numbers gained "20" after the country code (Lagos 01 285 2651 is now
+234 201 285 2651); the phone library holds the old form invalid, while millions of records
still hold it. They are rewritten to the current plan, and the caller is told so.
"""

import datetime as dt

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from centric.core.normalise import (
    SUPERSEDED_NUMBERING_PLANS,
    normalise_phone,
    read_phone,
)

# Real-looking landlines of Lagos (01), Abuja (09), Ibadan (02) and Port Harcourt (084), in each
# way people typed them, with the number each is today.
OLD_LANDLINES = [
    ("01 285 2651", "+2342012852651"),
    ("(01) 2852651", "+2342012852651"),
    ("01-2852651", "+2342012852651"),
    ("012852651", "+2342012852651"),
    ("+234 1 285 2651", "+2342012852651"),
    ("+234 (0)1 285 2651", "+2342012852651"),
    ("234-1-2852651", "+2342012852651"),
    ("00234 1 285 2651", "+2342012852651"),
    ("09 234 5678", "+2342092345678"),
    ("(09) 523 4410", "+2342095234410"),
    ("+234 9 461 7000", "+2342094617000"),
    ("02 231 0911", "+2342022310911"),
    ("(02) 810 4432", "+2342028104432"),
    ("+234 2 241 3350", "+2342022413350"),
    ("084 234 567", "+2342084234567"),
    ("(084) 612345", "+2342084612345"),
    ("+234 84 234 567", "+2342084234567"),
]


@pytest.mark.parametrize(("typed", "current"), OLD_LANDLINES)
def test_an_old_plan_landline_is_rewritten_to_the_current_plan(typed, current):
    reading = read_phone(typed, "NG")

    assert reading.e164 == current
    assert reading.plan_change is not None
    assert reading.plan_change.region == "NG"
    assert reading.plan_change.effective == dt.date(2024, 1, 1)
    # The rewritten number is what the phone library calls a valid landline today.
    number = phonenumbers.parse(current, None)
    assert phonenumbers.is_valid_number(number)
    assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.FIXED_LINE


@pytest.mark.parametrize(("typed", "current"), OLD_LANDLINES[:3])
def test_normalise_phone_accepts_the_old_form_too(typed, current):
    assert normalise_phone(typed, "NG") == current


def test_the_reading_says_what_was_rewritten_for_a_report():
    reading = read_phone("01 285 2651", "NG")

    assert reading.rewritten
    assert reading.note() == (
        "“01 285 2651” was written in the numbering plan Nigeria replaced on 1 January 2024; "
        "rewritten as +234 201 285 2651."
    )


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0803 123 4567", "+2348031234567"),
        ("0703 555 0142", "+2347035550142"),
        ("0813 200 7781", "+2348132007781"),
        ("0905 318 2264", "+2349053182264"),
        ("+234 201 285 2651", "+2342012852651"),
        ("0201 285 2651", "+2342012852651"),
    ],
)
def test_numbers_valid_in_the_current_plan_are_not_rewritten(typed, e164):
    reading = read_phone(typed, "NG")

    assert reading.e164 == e164
    assert reading.plan_change is None
    assert not reading.rewritten


@pytest.mark.parametrize(
    "typed",
    [
        "0803 123 456",  # a mobile number missing a digit
        "0905 123 45",  # shorter still: not an Abuja landline either (no number starts 0)
        "0803 12 345",
        "01 285 265",  # a Lagos landline missing a digit
        "12",
    ],
)
def test_a_number_invalid_in_both_plans_is_still_refused(typed):
    with pytest.raises(ValidationError):
        read_phone(typed, "NG")


def test_another_countrys_number_is_not_rewritten_by_nigerias_plan():
    # A Ghanaian number of eight digits is no Nigerian landline.
    with pytest.raises(ValidationError):
        read_phone("+233 3 0123 456", "NG")


def test_the_table_of_plan_changes_is_one_row_per_change():
    (nigeria,) = [c for c in SUPERSEDED_NUMBERING_PLANS if c.region == "NG"]

    assert nigeria.country_code == 234
    assert nigeria.rewrite("12852651") == "2012852651"
    assert nigeria.rewrite("8031234567") is None

"""Business hours with fixed clocks: weekends, Nigeria's public holidays (the moving ones too),
the business's own closed days, breaks, and daylight-saving changes in other time zones."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from centric.tickets.business_hours import Hours, NoBusinessHours, parse_week

LAGOS = ZoneInfo("Africa/Lagos")
WEEKDAYS = {str(d): [["08:00", "17:00"]] for d in range(5)}
HOUR = 3600


def lagos(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LAGOS)


def office(**kwargs) -> Hours:
    return Hours(zone=LAGOS, week=parse_week(WEEKDAYS), country="NG", **kwargs)


def test_friday_afternoon_target_lands_on_monday():
    hours = office()
    due = hours.add(lagos(2026, 11, 13, 16, 0), 4 * HOUR)  # Friday 16:00, 4 business hours
    assert due == lagos(2026, 11, 16, 11, 0)  # 1 h on Friday, 3 h on Monday
    assert hours.between(lagos(2026, 11, 13, 16, 0), due) == 4 * HOUR


def test_before_opening_starts_at_opening_and_after_closing_at_the_next_day():
    hours = office()
    assert hours.add(lagos(2026, 11, 16, 6, 30), HOUR) == lagos(2026, 11, 16, 9, 0)
    assert hours.add(lagos(2026, 11, 16, 19, 0), HOUR) == lagos(2026, 11, 17, 9, 0)
    assert hours.between(lagos(2026, 11, 14, 9), lagos(2026, 11, 15, 18)) == 0  # a weekend


def test_christmas_boxing_day_and_its_observed_monday_are_skipped():
    hours = office()
    # Thursday 24 Dec 2026, 16:00 + 2 h: Friday 25 is Christmas, Monday 28 Boxing Day observed.
    assert hours.add(lagos(2026, 12, 24, 16, 0), 2 * HOUR) == lagos(2026, 12, 29, 9, 0)
    assert hours.holiday(dt.date(2026, 12, 28)) == "Boxing Day (observed)"


def test_eid_moves_each_year():
    hours = office()
    assert hours.holiday(dt.date(2026, 3, 20)) is not None  # Eid al-Fitr holiday, 2026
    assert hours.holiday(dt.date(2027, 3, 10)) is not None  # …and eleven days earlier in 2027
    assert hours.holiday(dt.date(2027, 3, 20)) is None
    # Wednesday 9 March 2027, 16:00 + 2 h: Wed 10 and Thu 11 are Eid, so Friday 12.
    assert hours.add(lagos(2027, 3, 9, 16, 0), 2 * HOUR) == lagos(2027, 3, 12, 9, 0)


def test_the_business_closes_a_day_and_works_a_moved_holiday():
    stock_count = dt.date(2026, 11, 17)
    hours = office(closed=frozenset({stock_count}), opened=frozenset({dt.date(2026, 8, 26)}))
    assert hours.add(lagos(2026, 11, 16, 16, 0), 2 * HOUR) == lagos(2026, 11, 18, 9, 0)
    assert hours.holiday(dt.date(2026, 8, 26)) is None  # the estimated Mawlid, worked
    assert hours.between(lagos(2026, 8, 26, 8), lagos(2026, 8, 26, 17)) == 9 * HOUR


def test_a_lunch_break_is_not_counted():
    week = {"0": [["08:00", "12:00"], ["13:00", "17:00"]]}
    hours = Hours(zone=LAGOS, week=parse_week(week))
    monday = dt.date(2026, 11, 16)
    assert hours.add(lagos(2026, 11, 16, 11, 0), 2 * HOUR) == lagos(2026, 11, 16, 14, 0)
    start = dt.datetime.combine(monday, dt.time(8), tzinfo=LAGOS)
    assert hours.between(start, start + dt.timedelta(days=1)) == 8 * HOUR


def test_spring_forward_in_new_york():
    """2026-03-08 02:00 EST → 03:00 EDT. Friday 16:00 + 2 business hours is Monday 10:00 local,
    which is 14:00 UTC (it was 21:00 UTC on Friday at 16:00)."""
    new_york = ZoneInfo("America/New_York")
    week = {str(d): [["09:00", "17:00"]] for d in range(5)}
    hours = Hours(zone=new_york, week=parse_week(week))
    friday = dt.datetime(2026, 3, 6, 16, 0, tzinfo=new_york)
    due = hours.add(friday, 2 * HOUR)
    assert due == dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC)
    assert due.astimezone(new_york).hour == 10
    assert hours.between(friday, due) == 2 * HOUR


def test_round_the_clock_across_fall_back_in_london_counts_real_hours():
    """2026-10-25 02:00 BST → 01:00 GMT: the night is 25 hours long, and all of them count."""
    london = ZoneInfo("Europe/London")
    hours = Hours(zone=london, week=parse_week({str(d): [["00:00", "24:00"]] for d in range(7)}))
    start = dt.datetime(2026, 10, 24, 12, 0, tzinfo=london)
    end = dt.datetime(2026, 10, 25, 12, 0, tzinfo=london)
    assert hours.between(start, end) == 25 * HOUR
    assert hours.add(start, 25 * HOUR) == end


def test_bad_weeks_are_refused_and_a_closed_calendar_never_hangs():
    with pytest.raises(ValueError, match="closes before it opens"):
        parse_week({"0": [["17:00", "08:00"]]})
    with pytest.raises(ValueError, match="overlap"):
        parse_week({"0": [["08:00", "12:00"], ["11:00", "17:00"]]})
    with pytest.raises(NoBusinessHours):
        Hours(zone=LAGOS, week=parse_week({})).add(lagos(2026, 1, 1), HOUR)

"""Working days and the email due-time rule (E2), with fixed examples and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpline_core.calendar import (
    CalendarError,
    add_working_days,
    email_due_at,
    is_public_holiday,
    is_working_day,
    next_working_day,
    working_time_between,
)
from helpline_core.config import CalendarSettings

BRUSSELS = ZoneInfo("Europe/Brussels")
CAL = CalendarSettings()
DAY = timedelta(days=1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), True),  # New Year
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 5, 14), True),  # Ascension
        (date(2026, 5, 25), True),  # Whit Monday
        (date(2026, 7, 11), True),  # Flemish community holiday (extra, configured)
        (date(2026, 7, 21), True),  # National day
        (date(2026, 11, 11), True),  # Armistice
        (date(2026, 12, 25), True),
        (date(2026, 12, 26), False),  # not a Belgian public holiday
        (date(2026, 7, 10), False),
    ],
)
def test_belgian_holidays(day: date, expected: bool) -> None:
    assert is_public_holiday(day, CAL) is expected


def test_extra_holidays_are_configurable() -> None:
    none = CalendarSettings(extra_holidays=[])
    assert not is_public_holiday(date(2027, 7, 12), none)
    leap = CalendarSettings(extra_holidays=["02-29"])
    assert is_public_holiday(date(2028, 2, 29), leap)
    assert not is_public_holiday(date(2027, 2, 28), leap)  # no 29th that year: nothing


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(CalendarError, match="country"):
        is_public_holiday(date(2026, 1, 2), CalendarSettings(country="XX"))


def test_weekends_are_not_working_days() -> None:
    assert is_working_day(date(2026, 7, 10), CAL)  # Friday
    assert not is_working_day(date(2026, 7, 11), CAL)  # Saturday (and holiday)
    assert not is_working_day(date(2026, 7, 12), CAL)  # Sunday
    assert next_working_day(date(2026, 7, 10), CAL) == date(2026, 7, 13)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Working day: same local time two working days later, evenings included.
        (local(2026, 3, 2, 14, 30), local(2026, 3, 4, 14, 30)),
        (local(2026, 3, 2, 22, 45), local(2026, 3, 4, 22, 45)),
        # Friday: over the weekend.
        (local(2026, 3, 6, 16, 0), local(2026, 3, 10, 16, 0)),
        # Saturday and Sunday: all of Monday and Tuesday, due at the end of Tuesday.
        (local(2026, 3, 7, 10, 0), local(2026, 3, 11, 0, 0)),
        (local(2026, 3, 8, 23, 59), local(2026, 3, 11, 0, 0)),
        # Exactly midnight of a working day: two full days.
        (local(2026, 3, 2, 0, 0), local(2026, 3, 4, 0, 0)),
        # Easter Monday 2026-04-06 is a holiday: Friday 3 April -> Wednesday 8 April.
        (local(2026, 4, 3, 9, 0), local(2026, 4, 8, 9, 0)),
        # Received on the holiday itself: Tuesday and Wednesday, due at the end of Wednesday.
        (local(2026, 4, 6, 12, 0), local(2026, 4, 9, 0, 0)),
        # Christmas and the weekend: Thursday 24 Dec 2026 -> Tuesday 29 Dec.
        (local(2026, 12, 24, 11, 0), local(2026, 12, 29, 11, 0)),
        # Across the DST change (29 March 2026): wall-clock time is kept.
        (local(2026, 3, 27, 10, 0), local(2026, 3, 31, 10, 0)),
    ],
)
def test_due_time_examples(received: datetime, due: datetime) -> None:
    result = email_due_at(received.astimezone(UTC), CAL, BRUSSELS)
    assert result == due
    assert result.tzinfo is UTC


def test_zero_days_is_when_the_clock_starts() -> None:
    monday = local(2026, 3, 2, 9, 0)
    assert add_working_days(monday, 0, CAL, BRUSSELS) == monday
    saturday = local(2026, 3, 7, 9, 0)
    assert add_working_days(saturday, 0, CAL, "Europe/Brussels") == local(2026, 3, 9)


def test_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError, match=r"^start must be an aware datetime$"):
        add_working_days(datetime(2026, 3, 2), 2, CAL, BRUSSELS)
    with pytest.raises(ValueError, match=r"^days must not be negative$"):
        add_working_days(local(2026, 3, 2), -1, CAL, BRUSSELS)


def test_results_are_in_utc() -> None:
    # Inside working hours with zero days, and from a weekend: both answers are UTC instants.
    for start in (local(2026, 3, 2, 9, 0), local(2026, 3, 7, 9, 0)):
        assert add_working_days(start, 0, CAL, BRUSSELS).tzinfo is UTC


def test_a_moment_counts_as_its_own_day() -> None:
    # A datetime is read as the day it falls on (Christmas morning, a Monday afternoon).
    assert is_public_holiday(datetime(2026, 12, 25, 10, 0), CAL)
    assert not is_working_day(datetime(2026, 12, 25, 10, 0), CAL)
    assert is_working_day(datetime(2026, 3, 2, 15, 0), CAL)
    assert not is_public_holiday(datetime(2026, 3, 2, 15, 0), CAL)


def test_a_calendar_without_working_days_is_a_clear_error() -> None:
    every_day = [f"{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 32)]
    closed = CalendarSettings(extra_holidays=[day for day in every_day if _valid(day)])
    with pytest.raises(
        CalendarError,
        match=r"^no working day found within two years; check calendar\.extra_holidays$",
    ):
        next_working_day(date(2026, 3, 2), closed)


def _valid(month_day: str) -> bool:
    try:
        date.fromisoformat(f"2028-{month_day}")
    except ValueError:
        return False
    return True


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
calendars = st.builds(
    CalendarSettings,
    extra_holidays=st.lists(
        st.tuples(st.integers(1, 12), st.integers(1, 28)).map(
            lambda md: f"{md[0]:02d}-{md[1]:02d}"
        ),
        max_size=5,
    ),
    working_days_to_answer=st.integers(1, 10),
)


@settings(max_examples=300, deadline=None)
@given(start=moments, days=st.integers(0, 15), calendar=calendars)
def test_exactly_n_days_of_working_time_run(
    start: datetime, days: int, calendar: CalendarSettings
) -> None:
    due = add_working_days(start, days, calendar, BRUSSELS)
    assert due >= start
    assert working_time_between(start, due, calendar, BRUSSELS) == days * DAY
    # The due time is the earliest such moment: no working time is wasted at its end.
    if days:
        before = due - timedelta(seconds=1)
        assert working_time_between(start, before, calendar, BRUSSELS) < days * DAY


@settings(max_examples=200, deadline=None)
@given(start=moments, first=st.integers(0, 8), second=st.integers(1, 8), calendar=calendars)
def test_adding_in_two_steps_is_the_same(
    start: datetime, first: int, second: int, calendar: CalendarSettings
) -> None:
    # second >= 1: adding 0 days to the end of a Friday moves it to Monday 00:00, which is the
    # same amount of working time but a different moment.
    middle = add_working_days(start, first, calendar, BRUSSELS)
    assert add_working_days(middle, second, calendar, BRUSSELS) == add_working_days(
        start, first + second, calendar, BRUSSELS
    )


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments, days=st.integers(0, 6))
def test_later_mail_is_never_due_earlier(a: datetime, b: datetime, days: int) -> None:
    early, late = sorted((a, b))
    assert add_working_days(early, days, CAL, BRUSSELS) <= add_working_days(
        late, days, CAL, BRUSSELS
    )


@settings(max_examples=200, deadline=None)
@given(start=moments, calendar=calendars)
def test_due_time_is_at_least_the_calendar_days(
    start: datetime, calendar: CalendarSettings
) -> None:
    # N working days can never be shorter than two calendar days minus a DST hour.
    due = email_due_at(start, calendar, BRUSSELS)
    assert due - start >= timedelta(days=calendar.working_days_to_answer, hours=-1)

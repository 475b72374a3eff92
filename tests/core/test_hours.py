"""Chat opening hours (C3) at fixed instants: inside and outside a span, its exact edges, public
holidays, the next opening across days and a summer-time change. No test depends on when it runs."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from helpline_core.config import Settings, load_settings
from helpline_core.services.hours import chat_hours

BRUSSELS = ZoneInfo("Europe/Brussels")


def hours(**chat_hours_keys: object) -> Settings:
    base = load_settings(None, environ={})
    spans = {day: [] for day in ("saturday", "sunday")}
    return base.model_copy(
        update={"chat_hours": base.chat_hours.model_copy(update=spans | chat_hours_keys)}
    )


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)  # type: ignore[misc]


# Monday 2026-11-30 (not a holiday); the default spans are 09:00-21:00 on weekdays.
@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (local(2026, 11, 30, 8, 59, 59), False),
        (local(2026, 11, 30, 9, 0, 0), True),  # a span includes its start...
        (local(2026, 11, 30, 20, 59, 59), True),
        (local(2026, 11, 30, 21, 0, 0), False),  # ...and excludes its end
    ],
)
def test_open_exactly_inside_the_span(now: datetime, is_open: bool) -> None:
    assert chat_hours(hours(), now).open is is_open


def test_closed_says_when_it_opens_next_in_utc() -> None:
    closed = chat_hours(hours(), local(2026, 11, 30, 21, 30))
    assert not closed.open
    assert closed.next_opening == local(2026, 12, 1, 9, 0).astimezone(UTC)
    assert closed.next_opening is not None and closed.next_opening.tzinfo == UTC


def test_friday_evening_opens_next_on_monday() -> None:
    closed = chat_hours(hours(), local(2026, 12, 4, 22, 0))
    assert closed.next_opening == local(2026, 12, 7, 9, 0).astimezone(UTC)


def test_several_spans_a_day_and_the_gap_between() -> None:
    split = hours(monday=["09:00-12:00", "13:00-17:00"])
    assert chat_hours(split, local(2026, 11, 30, 11, 59)).open
    lunch = chat_hours(split, local(2026, 11, 30, 12, 30))
    assert not lunch.open and lunch.next_opening == local(2026, 11, 30, 13, 0).astimezone(UTC)


def test_public_holiday_closes_unless_configured_open() -> None:
    christmas = local(2026, 12, 25, 10, 0)  # a Friday
    closed = chat_hours(hours(), christmas)
    assert not closed.open
    assert closed.next_opening == local(2026, 12, 28, 9, 0).astimezone(UTC)
    assert chat_hours(hours(open_on_holidays=True), christmas).open
    # The Flemish holiday (11 July) comes from calendar.extra_holidays: 2025-07-11 is a Friday.
    assert not chat_hours(hours(), local(2025, 7, 11, 10, 0)).open


def test_always_open_ignores_spans_and_holidays() -> None:
    settings = hours(always_open=True, monday=[])
    assert chat_hours(settings, local(2026, 12, 25, 3, 0)).open


def test_summer_time_change_keeps_local_opening_time() -> None:
    # Sunday 2026-03-29 clocks go forward: Monday's 09:00 is 07:00 UTC, not 08:00.
    closed = chat_hours(hours(), local(2026, 3, 28, 22, 0))
    assert closed.next_opening == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    # And in autumn (2026-10-25) back: Monday's 09:00 is 08:00 UTC.
    closed = chat_hours(hours(), local(2026, 10, 24, 22, 0))
    assert closed.next_opening == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_no_span_in_the_year_ahead_means_no_next_opening() -> None:
    never = hours(**{day: [] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")})
    assert chat_hours(never, local(2026, 11, 30, 10, 0)).next_opening is None

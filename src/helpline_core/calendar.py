"""Working days and email due times: Belgian public holidays plus configured extra holidays.

The helpline promises an answer to every email "within two working days" (E2). A working day is a
Monday to Friday that is neither a public holiday of `calendar.country` (from the `holidays`
package) nor one of `calendar.extra_holidays` (MM-DD, every year; default 11 July, the Flemish
community holiday). Days are local days in the helpline's time zone.

Due-time rule (`add_working_days`): the answer clock runs only on working days, midnight to
midnight local time, evenings included (email has no office hours; counsellors see the due time
and plan around it). The due time is the moment when `days` full days of working time have run
since receipt. In practice:

* received on a working day at local time t (t after 00:00): due at the same local time t on the
  `days`-th following working day. Monday 14:30 -> Wednesday 14:30; Monday 22:45 -> Wednesday
  22:45; Friday 16:00 -> Tuesday 16:00; with Tuesday a holiday, Monday 14:30 -> Thursday 14:30.
* received on a weekend or holiday (any time), or at exactly 00:00 of a working day: the clock
  starts at 00:00 of the next working day, and the answer is due at the END of the `days`-th
  working day counted from and including that day, expressed as 00:00 of the calendar day after
  it. Saturday 10:00 -> Wednesday 00:00 (the end of Tuesday: all of Monday and Tuesday given).
* `days == 0` gives the moment the clock starts: the receipt time on a working day, else 00:00
  of the next working day.

All datetimes in and out are aware; results are returned in UTC like every stored timestamp.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from helpline_core.config import CalendarSettings

# A calendar search never needs to look further than this; more means a misconfiguration.
_MAX_SEARCH_DAYS = 366 * 2


class CalendarError(ValueError):
    """The calendar settings cannot be used (unknown country code)."""


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int) -> frozenset[date]:
    try:
        table = holidays.country_holidays(country, years=year)
    except NotImplementedError as error:
        raise CalendarError(f"no public holidays known for country '{country}'") from error
    return frozenset(table.keys())


@lru_cache(maxsize=64)
def _extra_holidays(extra: tuple[str, ...], year: int) -> frozenset[date]:
    days: set[date] = set()
    for value in extra:
        month, _, day = value.partition("-")
        try:
            days.add(date(year, int(month), int(day)))
        except ValueError:
            # 02-29 in a common year (or 04-31) simply does not occur that year.
            continue
    return frozenset(days)


def holidays_in_year(year: int, calendar: CalendarSettings) -> frozenset[date]:
    """All public and extra holidays of one year (weekend days included when they are holidays)."""
    return _country_holidays(calendar.country, year) | _extra_holidays(
        tuple(calendar.extra_holidays), year
    )


def is_public_holiday(day: date, calendar: CalendarSettings) -> bool:
    """True when `day` is a public holiday of the country or a configured extra holiday."""
    if isinstance(day, datetime):
        day = day.date()
    return day in holidays_in_year(day.year, calendar)


def is_working_day(day: date, calendar: CalendarSettings) -> bool:
    """True for Monday to Friday that are not holidays."""
    if isinstance(day, datetime):
        day = day.date()
    return day.weekday() < 5 and not is_public_holiday(day, calendar)


def next_working_day(day: date, calendar: CalendarSettings) -> date:
    """The first working day strictly after `day`."""
    for offset in range(1, _MAX_SEARCH_DAYS):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, calendar):
            return candidate
    raise CalendarError("no working day found within two years; check calendar.extra_holidays")


def working_days_between(first: date, last: date, calendar: CalendarSettings) -> Iterable[date]:
    """Working days from `first` up to and including `last`."""
    day = first
    while day <= last:
        if is_working_day(day, calendar):
            yield day
        day += timedelta(days=1)


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def add_working_days(
    start: datetime, days: int, calendar: CalendarSettings, tz: ZoneInfo | str
) -> datetime:
    """The moment `days` working days after `start` (see the module docstring), in UTC."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    if days < 0:
        raise ValueError("days must not be negative")
    zone = _zone(tz)
    local = start.astimezone(zone)
    day = local.date()
    if is_working_day(day, calendar) and local.time() != time(0):
        if days == 0:
            return start.astimezone(UTC)
        for _ in range(days):
            day = next_working_day(day, calendar)
        # Same wall-clock time on the target day; the UTC offset may differ (DST).
        due = datetime.combine(day, local.time(), tzinfo=zone)
        return due.astimezone(UTC)
    # The clock starts at 00:00 of the first working day (today if `start` is its midnight).
    if not is_working_day(day, calendar):
        day = next_working_day(day, calendar)
    if days == 0:
        return _local_midnight(day, zone).astimezone(UTC)
    for _ in range(days - 1):
        day = next_working_day(day, calendar)
    return _local_midnight(day + timedelta(days=1), zone).astimezone(UTC)


def working_time_between(
    start: datetime, end: datetime, calendar: CalendarSettings, tz: ZoneInfo | str
) -> timedelta:
    """Working time between two moments, counted in local wall-clock days.

    A working day counts for exactly 24 hours of wall-clock time (also on a DST day); used by
    tests and compliance figures.
    """
    total = timedelta(0)
    if end <= start:
        return total
    zone = _zone(tz)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    local_end = end.astimezone(zone).replace(tzinfo=None)
    for day in working_days_between(local_start.date(), local_end.date(), calendar):
        day_start = datetime.combine(day, time(0))
        lo = max(day_start, local_start)
        hi = min(day_start + timedelta(days=1), local_end)
        if hi > lo:
            total += hi - lo
    return total


def email_due_at(received_at: datetime, calendar: CalendarSettings, tz: ZoneInfo | str) -> datetime:
    """Due time of an email received at `received_at`: `calendar.working_days_to_answer` days."""
    return add_working_days(received_at, calendar.working_days_to_answer, calendar, tz)

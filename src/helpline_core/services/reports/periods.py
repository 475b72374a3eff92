"""Calendar months as the unit of the figures, and the periods (month, quarter, year) they add
up to. Month boundaries are local midnights in the helpline's time zone."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

PeriodKind = Literal["month", "quarter", "year"]
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A date range the figures cannot use; the message says which date and why."""


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month, e.g. Month(2026, 3) shown as "2026-03"."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Month:
        """ "2026-03" -> Month(2026, 3); PeriodError otherwise."""
        found = _MONTH.match(text)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise PeriodError(f"'{text}' is not a month like 2026-03")
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self, zone: ZoneInfo) -> datetime:
        """The month's first instant (local midnight on the 1st), in UTC."""
        return datetime.combine(self.first_day, datetime.min.time(), zone).astimezone(UTC)

    def end(self, zone: ZoneInfo) -> datetime:
        """The next month's first instant, in UTC (the range is half-open)."""
        return self.next().start(zone)

    def period(self, kind: PeriodKind) -> str:
        """The label of the period this month belongs to: "2026-03", "2026-Q1" or "2026"."""
        if kind == "month":
            return str(self)
        if kind == "quarter":
            return f"{self.year:04d}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year:04d}"


def parse_day(text: str, option: str, *, end: bool) -> date:
    """A day given as YYYY-MM-DD, or a month YYYY-MM standing for its first day (`end` False,
    a --from) or its last day (`end` True, a --to). PeriodError, naming `option`, otherwise.
    The one reading of date options every command shares."""
    if _MONTH.match(text):
        month = Month.parse(text)
        # monthrange, not the next month's first day less one: 9999-12 has no next month.
        last = calendar.monthrange(month.year, month.month)[1]
        return date(month.year, month.month, last) if end else month.first_day
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{option}: '{text}' is not a date like 2026-01-01 or 2026-01") from None


def months_between(first: str, last: str) -> tuple[Month, ...]:
    """The whole months from `first` to `last` inclusive, given as dates (YYYY-MM-DD) or months
    (YYYY-MM). Figures are frozen per month, so `first` must be a 1st and `last` the last day of
    a month; PeriodError otherwise, or when `last` comes before `first`."""
    start = parse_day(first, "--from", end=False)
    stop = parse_day(last, "--to", end=True)
    if start.day != 1:
        raise PeriodError(f"--from: {start} is not the first day of a month (figures are monthly)")
    if (stop + timedelta(days=1)).day != 1:
        raise PeriodError(f"--to: {stop} is not the last day of a month (figures are monthly)")
    if stop < start:
        raise PeriodError(f"--to {stop} comes before --from {start}")
    months = [Month(start.year, start.month)]
    while months[-1] != Month(stop.year, stop.month):
        months.append(months[-1].next())
    return tuple(months)

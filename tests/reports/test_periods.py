"""Report periods: whole months given as YYYY-MM or as first and last days, and the periods
(month, quarter, year) they group into."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.services.reports.periods import Month, PeriodError, months_between

MONTHS = st.builds(Month, st.integers(2000, 2099), st.integers(1, 12))


@given(first=MONTHS, last=MONTHS)
def test_a_range_of_months_is_every_month_once_in_order(first: Month, last: Month) -> None:
    if last < first:
        with pytest.raises(PeriodError):
            months_between(str(first), str(last))
        return
    months = months_between(str(first), str(last))
    assert months[0] == first and months[-1] == last
    assert all(b == a.next() for a, b in pairwise(months))
    last_day = last.next().first_day - timedelta(days=1)
    assert months_between(first.first_day.isoformat(), last_day.isoformat()) == months


@given(month=MONTHS)
def test_months_end_where_the_next_begins_in_local_time(month: Month) -> None:
    zone = ZoneInfo("Europe/Brussels")
    assert month.end(zone) == month.next().start(zone)
    assert month.start(zone).astimezone(zone).hour == 0
    assert month.period("quarter") == f"{month.year}-Q{(month.month + 2) // 3}"


@pytest.mark.parametrize(
    ("first", "last"),
    [("2026-01-02", "2026-01-31"), ("2026-01-01", "2026-01-30"), ("2026-13", "2026-12"),
     ("last year", "2026-01"), ("2026-02-30", "2026-03")],
)  # fmt: skip
def test_anything_but_whole_months_is_refused_with_a_sentence(first: str, last: str) -> None:
    with pytest.raises(PeriodError, match=r"--from|--to|month"):
        months_between(first, last)

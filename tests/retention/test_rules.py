"""Retention limits: calendar months and years on the helpline's wall clock, summer time and
month ends included, and the policy guard on the configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_core.config import ConfigError, load_settings
from helpline_core.services.retention.rules import Limits, days_before, limits_at, months_before

BRUSSELS = ZoneInfo("Europe/Brussels")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BRUSSELS)  # type: ignore[misc]


def test_six_months_back_across_summer_time_keeps_the_wall_clock() -> None:
    # 26 October 2026 12:00 CET (UTC+1) minus 6 months is 26 April 12:00 CEST (UTC+2).
    now = local(2026, 10, 26, 12, 0)
    assert months_before(now, 6, BRUSSELS) == datetime(2026, 4, 26, 10, 0, tzinfo=UTC)
    # And back from summer into winter: 1 June 12:00 CEST -> 1 December 12:00 CET.
    assert months_before(local(2026, 6, 1, 12), 6, BRUSSELS) == datetime(
        2025, 12, 1, 11, 0, tzinfo=UTC
    )


def test_month_ends_are_clamped_and_leap_days_too() -> None:
    assert months_before(local(2026, 8, 31, 12), 6, BRUSSELS) == local(2026, 2, 28, 12)
    assert months_before(local(2028, 8, 31, 12), 6, BRUSSELS) == local(2028, 2, 29, 12)
    assert months_before(local(2029, 2, 28, 9), 12, BRUSSELS) == local(2028, 2, 28, 9)


def test_a_wall_time_in_the_spring_gap_takes_the_offset_before_the_change() -> None:
    # 29 March 2026 02:30 does not exist in Brussels; it is read as 02:30 CET = 01:30 UTC.
    assert months_before(local(2026, 9, 29, 2, 30), 6, BRUSSELS) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_the_limit_is_never_later_than_five_months_or_earlier_than_seven(moment: datetime) -> None:
    now = moment.replace(tzinfo=UTC)
    limit = months_before(now, 6, BRUSSELS)
    assert months_before(now, 7, BRUSSELS) < limit < months_before(now, 5, BRUSSELS)


def test_limits_use_the_configured_zone_and_the_2019_cutoff_at_local_midnight() -> None:
    settings = load_settings(None, environ={})
    limits = limits_at(settings, local(2030, 5, 1, 8))
    assert limits.case_cutoff == datetime(2018, 12, 31, 23, 0, tzinfo=UTC)
    assert limits.case_recent == local(2020, 5, 1, 8)
    assert limits.case_old == local(2025, 5, 1, 8)
    assert limits.chat == local(2029, 11, 1, 8)
    assert limits.block == local(2030, 4, 1, 8)


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("CHAT_MONTHS", "7", "chat_months = 7 is above the policy's 6"),
        ("EMAIL_MONTHS", "12", "email_months = 12 is above the policy's 6"),
        ("CHAT_MONTHS", "0", "chat_months = 0 deletes at once"),
        ("CASE_YEARS", "9", "case_years = 9 is below the policy's 10"),
        ("AUDIT_YEARS", "0", "audit_years = 0 deletes at once"),
    ],
)
def test_a_period_that_breaks_the_policy_is_refused_in_one_line(
    key: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, environ={f"HELPLINE_RETENTION__{key}": value})
    message = str(caught.value)
    assert says in message and "policy_override" in message and "\n" not in message
    allowed = load_settings(
        None,
        environ={f"HELPLINE_RETENTION__{key}": value, "HELPLINE_RETENTION__POLICY_OVERRIDE": "1"},
    )
    assert str(getattr(allowed.retention, key.lower())) == value


def test_every_limit_follows_its_own_setting() -> None:
    # Each period differs from every other, so a limit computed from the wrong setting shows.
    settings = load_settings(
        None,
        environ={
            "HELPLINE_RETENTION__CHAT_MONTHS": "2",
            "HELPLINE_RETENTION__EMAIL_MONTHS": "4",
            "HELPLINE_RETENTION__CASE_YEARS": "12",
            "HELPLINE_RETENTION__CASE_YEARS_BEFORE_CUTOFF": "7",
            "HELPLINE_RETENTION__CASE_CUTOFF": "2020-07-01",
            "HELPLINE_RETENTION__BLOCK_DAYS_AFTER_EXPIRY": "10",
            "HELPLINE_RETENTION__AUDIT_YEARS": "11",
            "HELPLINE_RETENTION__REQUEST_YEARS": "13",
            "HELPLINE_RETENTION__COMPLAINT_YEARS": "14",
            "HELPLINE_EXPORTS__KEEP_DAYS": "3",
        },
    )
    assert limits_at(settings, local(2030, 5, 1, 8)) == Limits(
        now=datetime(2030, 5, 1, 6, tzinfo=UTC),
        chat=local(2030, 3, 1, 8),
        email=local(2030, 1, 1, 8),
        case_cutoff=datetime(2020, 6, 30, 22, tzinfo=UTC),  # local midnight, summer time
        case_recent=local(2018, 5, 1, 8),
        case_old=local(2023, 5, 1, 8),
        block=local(2030, 4, 21, 8),
        audit=local(2019, 5, 1, 8),
        exports=local(2030, 4, 28, 8),
        requests=local(2017, 5, 1, 8),
        complaints=local(2016, 5, 1, 8),
    )


def test_days_and_months_count_on_the_wall_clock_and_across_the_year() -> None:
    # 31 March 2030 12:00 is summer time; three days earlier it was winter time.
    assert days_before(local(2030, 3, 31, 12), 3, BRUSSELS) == datetime(2030, 3, 28, 11, tzinfo=UTC)
    # Without a zone the count is in UTC.
    assert days_before(datetime(2030, 3, 31, 12, tzinfo=UTC), 3) == datetime(
        2030, 3, 28, 12, tzinfo=UTC
    )
    assert months_before(datetime(2030, 3, 31, 12, tzinfo=UTC), 1) == datetime(
        2030, 2, 28, 12, tzinfo=UTC
    )
    assert months_before(local(2030, 2, 15, 9), 3, BRUSSELS) == local(2029, 11, 15, 9)
    assert months_before(local(2030, 1, 31, 9), 1, BRUSSELS) == local(2029, 12, 31, 9)
    assert months_before(local(2030, 12, 31, 9), 12, BRUSSELS) == local(2029, 12, 31, 9)
    assert months_before(local(2030, 12, 31, 9), 0, BRUSSELS) == local(2030, 12, 31, 9)


def test_every_limit_is_counted_on_the_helplines_wall_clock() -> None:
    # 30 March 2030 is still winter time (the change is on the 31st); the same day in 2020, 2025
    # and 30 September 2029 was summer time. A limit counted in UTC would be an hour late.
    settings = load_settings(None, environ={})
    winter = limits_at(settings, local(2030, 3, 30, 12))
    assert winter.chat == winter.email == datetime(2029, 9, 30, 10, tzinfo=UTC)
    assert winter.case_recent == winter.audit == datetime(2020, 3, 30, 10, tzinfo=UTC)
    assert winter.case_old == datetime(2025, 3, 30, 10, tzinfo=UTC)
    # 2 April 2030 is summer time; 30 and 7 days earlier it was winter time.
    summer = limits_at(settings, local(2030, 4, 2, 12))
    assert summer.block == datetime(2030, 3, 3, 11, tzinfo=UTC)
    assert summer.exports == datetime(2030, 3, 26, 11, tzinfo=UTC)


def test_a_repeated_autumn_hour_takes_its_first_pass() -> None:
    # 25 October 2026 01:30 UTC is 02:30 CET, the second pass of that hour. Six years earlier
    # the clocks went back on 25 October too: 02:30 then is read as the first pass (CEST).
    assert months_before(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), 72, BRUSSELS) == datetime(
        2020, 10, 25, 0, 30, tzinfo=UTC
    )

"""Chat opening hours (C3): open now or not, and when chat opens next.

Spans per weekday come from `chat_hours` in local time; public holidays (helpline_core.calendar)
close the chat unless `open_on_holidays`; `always_open` ignores both (demo and test installs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from helpline_core.calendar import is_public_holiday
from helpline_core.config import WEEKDAYS, Settings, parse_span

_LOOKAHEAD_DAYS = 400


@dataclass(frozen=True)
class ChatHours:
    open: bool
    next_opening: datetime | None  # UTC; None when open now or never within a year


def _spans_on(settings: Settings, local: datetime) -> list[tuple[datetime, datetime]]:
    hours = settings.chat_hours
    day = local.date()
    if not hours.open_on_holidays and is_public_holiday(day, settings.calendar):
        return []
    spans = getattr(hours, WEEKDAYS[day.weekday()])
    zone = local.tzinfo
    result = []
    for span in spans:
        start, end = parse_span(span)
        result.append(
            (
                datetime.combine(day, start, tzinfo=zone),
                datetime.combine(day, end, tzinfo=zone),
            )
        )
    return result


def chat_hours(settings: Settings, now: datetime) -> ChatHours:
    """Whether chat is open at `now` (aware), else the next opening (UTC)."""
    if settings.chat_hours.always_open:
        return ChatHours(True, None)
    zone = ZoneInfo(settings.helpline.timezone)
    local = now.astimezone(zone)
    for offset in range(_LOOKAHEAD_DAYS):
        day = (local + timedelta(days=offset)).replace(hour=12, minute=0, second=0, microsecond=0)
        for start, end in _spans_on(settings, day):
            if offset == 0 and start <= local < end:
                return ChatHours(True, None)
            if start > local:
                return ChatHours(False, start.astimezone(UTC))
    return ChatHours(False, None)

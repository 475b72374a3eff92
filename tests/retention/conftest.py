"""A purge at a fixed clock, for every retention test."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.services.retention import run as retention

BRUSSELS = ZoneInfo("Europe/Brussels")
SECOND = timedelta(seconds=1)


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BRUSSELS)  # type: ignore[misc]


def purge(
    settings: Settings, engine: Engine, key: bytes, now: datetime, **options: object
) -> retention.PurgeResult:
    return asyncio.run(
        retention.purge(settings, engine, key, actor="test", now=now, **options)  # type: ignore[arg-type]
    )

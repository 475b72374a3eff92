"""Fixtures for registration and case-file tests: a running relay on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from helpline_core.config import Settings
from tests.support.relay_harness import RunningRelay, running_relay


@pytest.fixture
async def relay(settings: Settings, engine: object) -> AsyncIterator[RunningRelay]:
    async with running_relay(settings) as running:
        yield running

"""Fixtures for relay tests: a running relay on the test database, and synthetic counsellors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from helpline_core.config import Settings
from tests.conftest import MakeCounsellor
from tests.support.relay_harness import RunningRelay, running_relay


@pytest.fixture
async def relay(settings: Settings, engine: object) -> AsyncIterator[RunningRelay]:
    async with running_relay(settings) as running:
        yield running


@pytest.fixture
def ann(make_counsellor: MakeCounsellor) -> str:
    """A counsellor of the Limburg team."""
    make_counsellor("ann", team="limburg", display_name="Ann")
    return "ann"


@pytest.fixture
def bert(make_counsellor: MakeCounsellor) -> str:
    """A counsellor of the Antwerpen team."""
    make_counsellor("bert", team="antwerpen", display_name="Bert")
    return "bert"


@pytest.fixture
def lead(make_counsellor: MakeCounsellor) -> str:
    """The team lead of Limburg."""
    make_counsellor("lea", team="limburg", role="team_lead", display_name="Lea")
    return "lea"

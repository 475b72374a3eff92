"""Fixtures for several relays: PostgreSQL only (a private schema), a private Redis, HAProxy.

Skips with the reason when haproxy, redis-server or the test PostgreSQL are absent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from helpline_core.config import Settings
from tests.conftest import POSTGRES_URL, MakeCounsellor, make_settings, postgres_schema
from tests.support.cluster import Cluster, cluster, missing_tools


@pytest.fixture
def database_url() -> Iterator[str]:
    """Several relays share one database: PostgreSQL (a private schema per test)."""
    why = missing_tools()
    if why:
        pytest.skip(why)
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
async def three(
    tmp_path: Path, settings: Settings, database_url: str, engine: object, secret_key: bytes
) -> AsyncIterator[Cluster]:
    """Three relays behind HAProxy on the test's schema and a private Redis (the key file
    exists before they start, so that all three use the same one)."""
    data_dir = Path(settings.data_dir)
    async with cluster(tmp_path, data_dir, database_url, relays=3) as running:
        yield running


@pytest.fixture
def people(make_counsellor: MakeCounsellor) -> tuple[str, str]:
    """Two counsellors of the Antwerpen team."""
    make_counsellor("ann", team="antwerpen", display_name="Ann")
    make_counsellor("bert", team="antwerpen", display_name="Bert")
    return "ann", "bert"

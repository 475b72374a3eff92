"""A PostgreSQL restart under a live relay (issue 14): counsellors see the database is out while
it lasts, nothing acknowledged is lost, and chat goes on once it is back. On a private
PostgreSQL server (the shared one is never restarted)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import make_engine
from helpline_core.services import schema
from tests.conftest import TEST_PASSWORD, MakeCounsellor, make_settings
from tests.support.console_client import console
from tests.support.private_postgres import PrivatePostgres, pg_bin, private_postgres
from tests.support.relay_harness import running_relay
from tests.support.visitor_client import visitor


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL's server programs (/usr/lib/postgresql/*/bin) are not installed")
    with private_postgres() as server:
        yield server


@pytest.fixture
def database_url(private_pg: PrivatePostgres) -> str:
    engine = make_engine(private_pg.url)
    schema.upgrade(engine)
    engine.dispose()
    return private_pg.url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


async def test_a_database_restart_is_shown_and_survived(
    settings: Settings, engine: object, private_pg: PrivatePostgres, make_counsellor: MakeCounsellor
) -> None:
    make_counsellor("ann", team="antwerpen", display_name="Ann")
    async with running_relay(settings) as relay, visitor(relay.ws_url) as mira:
        await mira.start("Mira", region="antwerpen")
        async with console(relay.ws_url, username="ann", password=TEST_PASSWORD) as ann:
            chat = (await ann.take_next()).conversation.id
            before = await mira.say("voor")

            private_pg.stop()
            await ann.expect(p.SService, lambda f: f.down == ["database"], timeout=20)
            private_pg.start()
            await ann.expect(p.SService, lambda f: f.down == [], timeout=20)

            after = await mira.say("na")
            assert after == before + 1
            line = await ann.expect(p.ChatMessage, lambda f: f.text == "na")
            assert line.conversation == chat
            await ann.say(chat, "ik ben er")
            await mira.expect(p.ChatMessage, lambda f: f.text == "ik ben er")
            transcript = await mira.sync(0)
            assert [m.text for m in transcript] == ["voor", "na", "ik ben er"]

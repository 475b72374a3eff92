"""`helpline block list|add|lift` on the same database the relay uses, and the relay honours it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core import protocol as p
from helpline_core.config import Settings
from tests.support.relay_harness import RunningRelay
from tests.support.visitor_client import CookieJar, visitor


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)


async def test_block_add_list_lift_and_the_relay_follows(
    relay: RunningRelay, engine: Engine, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    async with visitor(relay.ws_url) as v:
        await v.start("Mira")
        conversation = next(iter(relay.server.relay.hub.chats))
        jar = v.jar

    assert main(["block", "add", "--conversation", "no-such-id", "--reason", "x"]) == 1
    code = main(
        ["block", "add", "--conversation", conversation, "--reason", "dreigementen", "--json"]
    )
    assert code == ExitCode.OK
    added = json.loads(capsys.readouterr().out)
    # The default block lasts block_default_hours from now, neither more nor less.
    lasting = datetime.fromisoformat(added["expires_at"]) - datetime.now(UTC)
    expected = timedelta(hours=relay.settings.relay.block_default_hours)
    assert expected - timedelta(minutes=1) <= lasting <= expected

    assert main(["block", "list", "--json"]) == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["conversation"], r["reason"]) for r in rows] == [
        (added["id"], conversation, "dreigementen")
    ]
    assert rows[0]["set_by"].startswith("cli:")

    async with visitor(relay.ws_url, jar=jar) as again:  # that visitor's browser
        await again.expect(p.SBlocked)
    async with visitor(relay.ws_url, jar=CookieJar()) as other:  # another, same address
        assert (await other.start("Noor")).position >= 1
    code = main(
        ["block", "add", "--conversation", conversation, "--reason", "x", "--address", "--json"]
    )
    assert code == ExitCode.OK
    by_address = json.loads(capsys.readouterr().out)
    async with visitor(relay.ws_url, jar=CookieJar()) as other:
        assert (await other.expect(p.SBlocked)).scope == "address"
    assert main(["block", "lift", str(by_address["id"])]) == ExitCode.OK

    assert main(["block", "lift", str(added["id"])]) == ExitCode.OK
    assert main(["block", "lift", str(added["id"])]) == 1  # already lifted
    assert main(["block", "list", "--json"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == []
    async with visitor(relay.ws_url, jar=CookieJar()) as free:
        assert (await free.start("Mira")).position >= 1


def test_permanent_and_hours_together_is_a_usage_error(cli_env: None, engine: Engine) -> None:
    code = main(
        ["block", "add", "--conversation", "x", "--reason", "r", "--hours", "2", "--permanent"]
    )
    assert code == ExitCode.USAGE

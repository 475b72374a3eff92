"""The demo's mailbox (scripts/demo_mailbox.py, started by scripts/demo.sh; issue 16, point 9):
its emails read through the real sync into a thread, an HTML email, one with an attachment and
one quarantined, and its team settings wire only team Antwerpen to the local servers."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType

import pytest

from helpline_cli.main import main
from helpline_core.config import default_teams, load_settings
from tests.mail.servers import ImapServer


def _script() -> ModuleType:
    path = Path(__file__).parents[2] / "scripts" / "demo_mailbox.py"
    spec = importlib.util.spec_from_file_location("demo_mailbox", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_demo_emails_arrive_as_promised(
    cli_mailbox: str,
    pymap_server: ImapServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(pymap_server.append(cli_mailbox, *_script().messages()))
    # With the demo's own first-read rule: demo.sh fills the mailbox before the relay's first
    # read, which by default leaves mail already there alone (the console showed none of them).
    (test_team,) = json.loads(os.environ["HELPLINE_TEAMS"])
    demo_team = json.loads(_script().teams_json(1143, 1025))[0]
    test_team["mail"]["first_sync"] = demo_team["mail"]["first_sync"]
    monkeypatch.setenv("HELPLINE_TEAMS", json.dumps([test_team]))
    assert main(["mail", "sync", "--json", "--no-send"]) == 0
    (team,) = json.loads(capsys.readouterr().out)["teams"]
    assert (team["stored"], team["quarantined"], team["parser_errors"]) == (4, 1, 0)
    assert main(["mail", "quarantine", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert "sender" in item["reason"]


def test_the_demo_settings_wire_only_antwerpen() -> None:
    teams = _script().teams_json(1143, 1025)
    settings = load_settings(environ={"HELPLINE_TEAMS": teams})
    assert [team.code for team in settings.teams] == [team.code for team in default_teams()]
    mail = settings.team("antwerpen").mail  # type: ignore[union-attr]
    assert (mail.imap_host, mail.imap_port, mail.smtp_port, mail.imap_tls) == (
        "127.0.0.1", 1143, 1025, "none",
    )  # fmt: skip
    assert mail.imap_password_env == "DEMO_IMAP_PASSWORD"
    assert all(not team.mail.imap_host for team in settings.teams[1:])

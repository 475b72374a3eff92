"""`helpline mail ...` against a real IMAP server: cron sync, exit codes, quarantine, forget."""

from __future__ import annotations

import asyncio
import json

import pytest

from helpline_cli.main import main
from tests.mail import mail_corpus, real_world
from tests.mail.servers import ImapServer


def test_sync_then_quarantine_list(
    cli_mailbox: str, pymap_server: ImapServer, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(
        pymap_server.append(cli_mailbox, mail_corpus.simple("<cli-1@v.example>"), b"\x00garbage")
    )
    assert main(["mail", "sync", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["teams"] == [
        {"team": "antwerpen", "stored": 1, "duplicates": 0, "quarantined": 1, "parser_errors": 0,
         "error": None, "unreachable": False}
    ]  # fmt: skip
    assert main(["mail", "sync", "--json"]) == 0  # nothing read twice
    assert json.loads(capsys.readouterr().out)["teams"][0]["stored"] == 0
    assert main(["mail", "quarantine", "--json"]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["mailbox"] == "antwerpen" and item["reason"]
    assert main(["mail", "outbox", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sync_exit_3_when_unreachable(
    cli_mailbox: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "HELPLINE_TEAMS",
        json.dumps([{"code": "antwerpen", "name": "A", "mail": {"imap_host": "127.0.0.1",
                     "imap_port": 1, "imap_tls": "none"}}]),
    )  # fmt: skip
    assert main(["mail", "sync"]) == 3
    assert "unreachable" in capsys.readouterr().err
    # The team sees it too (mailbox status: console and /healthz).
    from helpline_core.config import load_settings
    from helpline_core.db import make_engine
    from helpline_core.mail.status import health_text

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        body = health_text(engine, settings)
    finally:
        engine.dispose()
    assert body.startswith("degraded\n") and "mail server not reachable" in body


def test_forget_plan_refusal_and_deletion(
    cli_mailbox: str, pymap_server: ImapServer, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(pymap_server.append(cli_mailbox, mail_corpus.simple("<forget@v.example>")))
    assert main(["mail", "sync", "--no-send"]) == 0
    from helpline_core.config import load_settings
    from helpline_core.db import make_engine, session_scope
    from helpline_core.services import mail as mail_service

    engine = make_engine(load_settings().database_url)
    with session_scope(engine) as session:
        (item,) = mail_service.list_email_conversations(session, team_ids=None)
    engine.dispose()
    capsys.readouterr()
    assert main(["mail", "forget", item.public_id, "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "conversation": item.public_id, "emails": 1, "done": False
    }  # fmt: skip
    assert main(["mail", "forget", item.public_id]) == 1  # no terminal, no --yes
    assert main(["mail", "forget", item.public_id, "--yes", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["done"] and result["expunged"] == 1
    assert asyncio.run(pymap_server.message_ids(cli_mailbox)) == []
    assert main(["mail", "forget", "no-such-id"]) == 1


def test_sync_keeps_what_a_mail_client_shows(
    cli_mailbox: str, pymap_server: ImapServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 through `helpline mail sync`: two senders under one Message-ID, a From without
    angle brackets and a malformed header line are all stored; a second copy is a duplicate."""
    cases = {case.name: case.raw for case in real_world.cases()}
    anna = mail_corpus.simple("<same@example.org>", body="Van Anna.")
    bob = mail_corpus.simple("<same@example.org>", body="Van Bob.", sender="bob@v.example")
    messages = [anna, bob, anna, cases["From without angle brackets"],
                cases["a malformed header line before From"]]  # fmt: skip
    asyncio.run(pymap_server.append(cli_mailbox, *messages))
    assert main(["mail", "sync", "--no-send", "--json"]) == 0
    captured = capsys.readouterr()
    (row,) = json.loads(captured.out)["teams"]
    assert (row["stored"], row["duplicates"], row["quarantined"], row["parser_errors"]) == (
        4, 1, 0, 0,
    )  # fmt: skip
    assert "antwerpen: 4 stored, 1 duplicates, 0 quarantined" in captured.err

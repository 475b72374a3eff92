"""The CLI as an attacker's text and a tampered database reach it (issue 20 points 7 and 8): no
control character reaches the admin's terminal, and a cut-off or emptied audit log is reported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from helpline_core.config import load_settings
from helpline_core.db import make_engine, session_scope
from helpline_core.secrets import load_key
from helpline_core.services import audit
from tests.cli.test_cli_conventions import _run, cli_env

__all__ = ["cli_env"]  # the fixture, used by name below

HOSTILE = "x\x1b[2J\x1b]0;pwned\x07\r\n42  2026-11-30  cli:root  account.delete\x9b31m\u202e"
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def _init(env: dict[str, str]) -> None:
    done = _run(env, "init", "--admin", "test-root", "--password-stdin", stdin="a long password\n")
    assert done.returncode == 0, done.stderr


def _record_hostile(env: dict[str, str]) -> None:
    """An event whose text came from outside (as a failed login's username did before)."""
    settings = load_settings(None)
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        audit.record(
            session,
            load_key(settings),
            actor=HOSTILE[:64],
            action="console.login_failed",
            object_type="counsellor",
            object_id=HOSTILE[:64],
            detail={"nickname": HOSTILE},
        )
    engine.dispose()


def test_no_control_character_from_outside_reaches_the_terminal(cli_env: dict[str, str]) -> None:
    _init(cli_env)
    _record_hostile(cli_env)
    table = _run({**cli_env, "COLUMNS": "400"}, "audit", "show")
    assert table.returncode == 0, table.stderr
    for raw in RAW:
        assert raw not in table.stdout
    # One header line and two events: the CR/LF drew no fake row.
    lines = table.stdout.strip().splitlines()
    assert len(lines) == 3 and not lines[-1].startswith("42")
    assert "␛[2J" in table.stdout  # shown, visibly, not acted on
    as_json = _run(cli_env, "audit", "show", "--json")
    for raw in RAW:
        assert raw not in as_json.stdout
    # The same data for a program.
    rows = json.loads(as_json.stdout)
    assert rows[-1]["detail"]["nickname"] == HOSTILE  # detail is an object, not a string
    refused = _run(cli_env, "counsellor", "disable", "nobody\x1b[2J\rfake")
    assert refused.returncode != 0
    for raw in RAW:
        assert raw not in refused.stderr


def _tamper(statements: list[str]) -> None:
    engine = make_engine(load_settings(None).database_url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize(
    "statements",
    [
        pytest.param(
            [
                "DELETE FROM auditevent WHERE id > 1",
                "UPDATE audithead SET last_id = 1, "
                "last_hash = (SELECT hash FROM auditevent WHERE id = 1)",
            ],
            id="newest-cut-off-head-set-back",
        ),
        pytest.param(
            [
                "DELETE FROM auditevent",
                "UPDATE audithead SET last_id = 0, last_hash = '" + "0" * 64 + "'",
            ],
            id="emptied",
        ),
        pytest.param(["DELETE FROM auditevent", "DELETE FROM audithead"], id="emptied-no-head"),
    ],
)
def test_audit_verify_reports_a_cut_off_or_emptied_log(
    cli_env: dict[str, str], statements: list[str]
) -> None:
    _init(cli_env)
    add = ["counsellor", "add", "test-anna", "--team", "limburg", "--password-stdin"]
    assert _run(cli_env, *add, stdin="another long password\n").returncode == 0
    assert _run(cli_env, "audit", "verify").returncode == 0
    _tamper(statements)
    verified = _run(cli_env, "audit", "verify", "--json")
    assert verified.returncode == 1
    assert json.loads(verified.stdout)["ok"] is False

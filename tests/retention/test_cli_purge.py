"""`helpline purge`: the plan as data, --yes without a terminal, one run at a time, history."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine

from helpline_cli.main import main
from helpline_core.config import Settings
from helpline_core.services.retention.lock import purge_lock
from tests.retention import seed
from tests.retention.conftest import local


@pytest.fixture
def cli_env(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    return engine


def test_dry_run_plans_and_applying_needs_yes_without_a_terminal(
    cli_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    seed.chat(cli_env, local(2025, 1, 1, 12))
    seed.chat(cli_env, local(2025, 3, 1, 12))
    # A time without an offset is the helpline's wall clock.
    assert main(["purge", "--dry-run", "--now", "2025-09-01T12:00:00", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["dry_run"] is True and plan["as_of"] == "2025-09-01T12:00:00+02:00"
    chats = plan["classes"]["chats"]
    assert chats["rows"] == 2 and chats["related"] == {"messages": 6, "sessions": 2}
    assert chats["oldest"] == "2025-01-01T11:00:00+00:00"
    assert chats["newest"] == "2025-03-01T11:00:00+00:00"
    assert main(["purge", "--now", "2025-09-01T12:00:00"]) == 1
    assert "--yes" in capsys.readouterr().err
    assert main(["purge", "--yes", "--now", "2025-09-01T12:00:00", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classes"]["chats"]["rows"] == 2
    assert main(["purge", "history", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [(run["dry_run"], run["outcome"], run["counts"]["chats"]) for run in runs] == [
        (False, "done", 2),
        (True, "planned", 2),
    ]


def test_a_second_purge_says_so_and_exits_1(
    cli_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with purge_lock(cli_env):
        assert main(["purge", "--yes"]) == 1
    assert "another purge is running" in capsys.readouterr().err


def test_a_bad_time_is_a_usage_error(cli_env: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge", "--dry-run", "--now", "yesterday"]) == 2
    assert "not an ISO time" in capsys.readouterr().err

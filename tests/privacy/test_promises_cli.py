"""The retention promises as an administrator sees them: `helpline purge` on a real database
(docs/privacy.md rows P34, P35, P36): a file closed before 2019 goes after five years, one
closed from 2019 on after ten, and a legal hold keeps a file whatever its age."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_cli.main import main
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import CaseFile
from tests.retention import seed
from tests.retention.conftest import local


def _files(engine: Engine) -> set[int]:
    with session_scope(engine) as session:
        return {int(i) for i in session.exec(select(CaseFile.id)).all() if i is not None}


def _purge(capsys: pytest.CaptureFixture[str], now: str, *options: str) -> dict[str, int]:
    assert main(["purge", *options, "--now", now, "--json"]) == 0
    cases: dict[str, int] = json.loads(capsys.readouterr().out)["classes"]["cases"]
    return cases


def test_the_2019_rule_and_a_legal_hold_through_the_cli(
    settings: Settings,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    before = seed.case_file(engine, local(2018, 12, 31, 12))
    after = seed.case_file(engine, local(2019, 1, 1, 12))
    held = seed.case_file(engine, local(2005, 1, 1, 12), hold=True)
    # The day before five years are up, nothing is due; the plan says what a hold keeps.
    plan = _purge(capsys, "2023-12-30T12:00:00", "--dry-run")
    assert plan["rows"] == 0 and plan["held"] == 1
    assert _purge(capsys, "2023-12-31T12:00:00", "--yes")["rows"] == 1
    assert _files(engine) == {after, held}
    # Ten years for the file closed on 1 January 2019, not five.
    assert _purge(capsys, "2028-12-31T12:00:00", "--yes")["rows"] == 0
    assert _purge(capsys, "2029-01-01T12:00:00", "--yes")["rows"] == 1
    assert _files(engine) == {held}
    assert before not in _files(engine)

"""What an admin reads: help without type placeholders, tables that never cut an id or a time,
and audit details as JSON objects (issue 16, point 8)."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import app, main
from helpline_cli.output import emit_table
from helpline_cli.state import CliState
from helpline_cli.tables import GAP, is_whole, layout
from helpline_core.services import audit
from tests.conftest import make_settings


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(node: object, path: list[str]) -> None:
        paths.append(path)
        for name, child in getattr(node, "commands", {}).items():
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def test_no_help_page_shows_a_type_placeholder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")
    for path in _command_paths():
        assert main([*path, "--help"]) == ExitCode.OK
        page = capsys.readouterr().out
        assert "--help" in page, path
        for placeholder in ("<bool>", "<str>", "<int", "<float"):
            assert placeholder not in page, (path, placeholder)
    main(["audit", "show", "--help"])
    page = capsys.readouterr().out
    assert "--since         SINCE" in page
    assert "--limit         LIMIT [x>=1]" in page


@pytest.fixture
def with_events(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """An installed helpline with audit events whose objects are long ids; returns the ids."""
    settings = make_settings(tmp_path, database_url)
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["init", "--admin", "test-root", "--password-stdin"]) == ExitCode.OK
    ids = [str(uuid.UUID(int=n * 0x1234567890ABCDEF1234567890)) for n in (1, 2)]
    state = CliState(config_path=None)
    with state.session() as session:
        for conversation in ids:
            audit.record(
                session, state.key, actor="counsellor:test-a-rather-long-username",
                action="conversation.block.refused", object_type="conversation",
                object_id=conversation,
                detail={"reason_given": True, "team": "oost-vlaanderen", "minutes": 525600},
            )  # fmt: skip
    return ids


@pytest.mark.parametrize("columns", ["80", "120"])
def test_audit_table_never_cuts_an_id_or_a_time(
    with_events: list[str],
    columns: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    capsys.readouterr()
    assert main(["audit", "show"]) == ExitCode.OK
    out, err = capsys.readouterr()
    for conversation in with_events:
        assert f"conversation:{conversation}" in out  # whole, on one line, copyable
    times = [event["at"] for event in json.loads(_json(capsys))]
    for at in times:
        assert at[:19] in out  # to the second, never cut
    assert "…" not in out
    lines = out.splitlines()
    if columns == "80":
        assert "left out to fit 80 columns" in err and "--json" in err
    else:
        assert err == ""
        assert all(len(line.rstrip()) <= 120 for line in lines)


def _json(capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["audit", "show", "--json"]) == ExitCode.OK
    return capsys.readouterr().out


def test_audit_json_detail_is_an_object(
    with_events: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    events = json.loads(_json(capsys))
    refused = [event for event in events if event["action"] == "conversation.block.refused"]
    assert refused[0]["detail"] == {
        "reason_given": True,
        "team": "oost-vlaanderen",
        "minutes": 525600,
    }
    assert events[0]["detail"] == {"role": "admin", "team": None}


def test_a_pipe_gets_whole_rows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    row = {"id": "x" * 150, "detail": "word " * 40}
    emit_table([row], ["id", "detail"], as_json=False)
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 2  # header and one row: grep sees the whole row


_cells = st.text(alphabet="abc:-0123456789 ", max_size=40)


@given(
    names=st.lists(
        st.sampled_from(["id", "at", "detail", "actor", "reason", "case", "team", "state"]),
        min_size=1, max_size=6, unique=True,
    ),
    data=st.data(),
    width=st.integers(min_value=20, max_value=200),
)  # fmt: skip
def test_layout_keeps_whole_columns_whole_and_fits_what_can(
    names: list[str], data: st.DataObject, width: int
) -> None:
    row = st.lists(_cells, min_size=len(names), max_size=len(names))
    rows = data.draw(st.lists(row, max_size=5))
    fit = layout(names, rows, width)
    assert fit.columns[0] == names[0]
    assert sorted(fit.columns + fit.dropped) == sorted(names)
    assert not any(is_whole(column) for column in fit.dropped)
    for column, column_width in zip(fit.columns, fit.widths, strict=True):
        natural = max([len(column), *(len(row[names.index(column)]) for row in rows)])
        if is_whole(column):
            assert column_width == natural
        assert 1 <= column_width <= max(natural, 1)
    if any(not is_whole(column) for column in fit.columns[1:]):  # else only ids: never cut
        assert sum(fit.widths) + GAP * (len(fit.widths) - 1) <= width


@pytest.mark.parametrize(
    ("since", "shown"),
    [("2000-01", True), ("2000-01-31", True), ("2000-01-31T08:00", True), ("2999-12", False)],
)
def test_audit_since_takes_a_month_a_day_or_a_time(
    with_events: list[str], since: str, shown: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["audit", "show", "--json", "--since", since]) == ExitCode.OK
    events = json.loads(capsys.readouterr().out)
    assert (len(events) > 0) is shown


def test_audit_since_that_is_no_date_is_refused_plainly(
    with_events: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["audit", "show", "--since", "2026-13"]) != ExitCode.OK
    err = capsys.readouterr().err
    assert "2026-13" in err and "2026-11-01" in err

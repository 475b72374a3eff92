"""--out files and date options, read the same way by every command and checked before any work:
a database nobody can reach proves the refusal comes first (it would otherwise exit 3)."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import main
from helpline_core.services.reports.periods import parse_day

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
PERIOD = ["--from", "2026-01", "--to", "2026-01"]


@pytest.fixture
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An install whose database cannot be reached; returns its exports directory."""
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HELPLINE_DATABASE__URL", UNREACHABLE)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return tmp_path / "data" / "exports"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def _understood(code: int, said: str) -> bool:
    """The options were accepted: the command went on to the database (or, for an anonymised
    export, first to the anonymiser's lists, which this bare install lacks)."""
    return code == ExitCode.UNREACHABLE or "run `helpline anonymise build`" in said


def _with_out(command: str, out: str) -> list[str]:
    return {
        "report": ["report", *PERIOD, "--format", "csv", "--out", out],
        "training": ["export", "training", *PERIOD, "--out", out],
        "dsr": ["dsr", "export", "1", "--out", out],
        "inspection": ["case", "inspection-export", "C-1", "--out", out],
    }[command]


COMMANDS = ["report", "training", "dsr", "inspection"]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_out_in_a_missing_directory_is_refused_before_any_work(
    no_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    missing = tmp_path / "no-such-dir" / "x.csv"
    code, said = _run(capsys, *_with_out(command, str(missing)))
    assert code == ExitCode.USAGE
    assert f"directory {missing.parent} does not exist" in said
    assert "Errno" not in said
    assert not missing.parent.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_an_out_that_is_a_directory_is_refused(
    no_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    code, said = _run(capsys, *_with_out(command, str(tmp_path)))
    assert code == ExitCode.USAGE
    assert "is a directory" in said


@pytest.mark.parametrize("command", ["training", "dsr", "inspection"])
def test_an_export_never_overwrites_and_says_so_first(
    no_database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    existing = tmp_path / "kept.jsonl"
    existing.write_text("earlier export\n")
    code, said = _run(capsys, *_with_out(command, str(existing)))
    assert code == ExitCode.REFUSED  # a rule, as when the export itself finds the file
    assert "exists already" in said
    assert existing.read_text() == "earlier export\n"


@pytest.mark.parametrize("command", ["training", "dsr"])
def test_a_relative_export_may_go_in_an_exports_dir_not_made_yet(
    no_database: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # Relative names go in the exports directory, made on first use: not refused, so the
    # command goes on to the (unreachable) database.
    assert not no_database.exists()
    code, said = _run(capsys, *_with_out(command, "2026/january.jsonl"))
    assert _understood(code, said), said


def test_a_bare_report_says_which_options_are_missing(
    no_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _run(capsys, "report")
    assert code == ExitCode.USAGE
    assert "give --from and --to" in said
    code, said = _run(capsys, "report", "--from", "2026-01")
    assert code == ExitCode.USAGE
    assert "give --to," in said


@pytest.mark.parametrize("command", [["report"], ["export", "training", "--out", "x.jsonl"]])
def test_every_date_option_takes_a_day_or_a_month(
    no_database: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, said = _run(capsys, *command, "--from", "2026-01", "--to", "2026-02")
    assert _understood(code, said), said
    code, said = _run(capsys, *command, "--from", "2026-01-01", "--to", "2026-02-28")
    assert _understood(code, said), said
    code, said = _run(capsys, *command, "--from", "2026-13", "--to", "2026-02")
    assert code == ExitCode.USAGE
    assert "--from" in said and "'2026-13'" in said
    code, said = _run(capsys, *command, "--from", "2026-01", "--to", "1 March")
    assert code == ExitCode.USAGE
    assert "is not a date like 2026-01-01 or 2026-01" in said


@pytest.mark.parametrize("command", [["report"], ["export", "training"]])
def test_date_help_names_both_forms(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option: nothing wrapped inside a phrase
    assert main([*command, "--help"]) == ExitCode.OK
    shown = " ".join(capsys.readouterr().out.split())
    assert "a day YYYY-MM-DD, or a month YYYY-MM (its first day)" in shown
    assert "a month YYYY-MM (its last day), inclusive" in shown


@given(st.dates())
def test_a_day_reads_as_itself(day: date) -> None:
    text = day.isoformat()
    if len(text) == 10:  # years before 1000 are written with fewer digits
        assert parse_day(text, "--from", end=False) == day == parse_day(text, "--to", end=True)


@given(st.integers(1, 9999), st.integers(1, 12))
def test_a_month_reads_as_its_first_day_from_and_its_last_day_to(year: int, month: int) -> None:
    text = f"{year:04d}-{month:02d}"
    first, last = parse_day(text, "--from", end=False), parse_day(text, "--to", end=True)
    assert first == date(year, month, 1)
    assert (last.year, last.month) == (year, month)
    if year < 9999 or month < 12:
        assert (last + timedelta(days=1)).day == 1

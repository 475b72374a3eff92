"""CLI conventions every command follows: help text, --json data only, documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import typer

from helpline_cli.exitcodes import ExitCode
from helpline_cli.main import app, main
from tests.conftest import make_settings


def _commands(group: typer.Typer, prefix: str = "") -> list[tuple[str, object]]:
    command = typer.main.get_command(group)
    found: list[tuple[str, object]] = []

    def walk(node: object, path: str) -> None:
        found.append((path, node))
        for name, child in getattr(node, "commands", {}).items():
            walk(child, f"{path} {name}".strip())

    walk(command, prefix)
    return found


def test_every_command_and_option_has_help() -> None:
    for path, command in _commands(app):
        assert getattr(command, "help", None), f"'helpline {path}' has no help"
        for param in getattr(command, "params", []):
            if param.param_type_name in {"option", "argument"} and param.name != "help":
                assert getattr(param, "help", None), f"'helpline {path}' {param.name} has no help"


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    settings = make_settings(tmp_path, database_url)
    env = {
        "HELPLINE_DATA_DIR": settings.data_dir,
        "HELPLINE_DATABASE__URL": settings.database_url,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from helpline_cli.main import run; run()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_init_add_list_verify_through_the_installed_entry(cli_env: dict[str, str]) -> None:
    done = _run(
        cli_env, "init", "--admin", "test-root", "--password-stdin", stdin="a long password\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    add = ["counsellor", "add", "test-anna", "--team", "limburg", "--password-stdin"]
    done = _run(cli_env, *add, stdin="another long password\n")
    assert done.returncode == 0, done.stderr
    listed = _run(cli_env, "counsellor", "list", "--json")
    rows = json.loads(listed.stdout)  # stdout is data and only data
    assert {row["username"]: row["team"] for row in rows} == {
        "test-anna": "limburg",
        "test-root": None,
    }
    verified = _run(cli_env, "audit", "verify", "--json")
    assert verified.returncode == 0
    assert json.loads(verified.stdout)["checked"] == 2


def test_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path))  # a database nobody has set up
    monkeypatch.delenv("HELPLINE_DATABASE__URL", raising=False)
    assert main(["no-such-command"]) == ExitCode.USAGE
    assert main(["counsellor", "list"]) == ExitCode.UNREACHABLE  # schema missing: run init
    assert "helpline init" in capsys.readouterr().err
    assert main(["--config", "/nonexistent.toml", "counsellor", "list"]) == ExitCode.USAGE


def test_refused_by_a_rule_exits_1(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["init", "--admin", "test-root", "--password-stdin"]) == ExitCode.OK
    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert (
        main(["counsellor", "add", "test-x", "--team", "mars", "--password-stdin"])
        == ExitCode.REFUSED
    )
    assert main(["counsellor", "disable", "nobody"]) == ExitCode.REFUSED


def test_unreachable_database_exits_3(tmp_path: Path) -> None:
    env = {
        "HELPLINE_DATA_DIR": str(tmp_path),
        "HELPLINE_DATABASE__URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
    }
    done = _run(env, "counsellor", "list")
    assert done.returncode == ExitCode.UNREACHABLE
    assert done.stderr.strip().startswith("error: database unreachable")
    assert "Traceback" not in done.stderr


def test_bad_configuration_is_one_line_without_traceback(tmp_path: Path) -> None:
    config = tmp_path / "h.toml"
    config.write_text("[relay]\nport = 'x'\n")
    done = _run({"HELPLINE_DATA_DIR": str(tmp_path)}, "--config", str(config), "db", "status")
    assert done.returncode == ExitCode.USAGE
    assert done.stderr.count("\n") == 1
    assert str(config) in done.stderr and "relay.port" in done.stderr


def test_totp_uri_is_shown_once_and_audited(cli_env: dict[str, str]) -> None:
    _run(cli_env, "init", "--admin", "test-root", "--password-stdin", stdin="a long password\n")
    done = _run(cli_env, "counsellor", "totp", "test-root", "--json")
    assert json.loads(done.stdout)["provisioning_uri"].startswith("otpauth://totp/")
    first = json.loads(done.stdout)["provisioning_uri"]
    secret = parse_qs(urlparse(first).query)["secret"][0]
    shown = json.loads(_run(cli_env, "audit", "show", "--json", "--action", "account.totp").stdout)
    assert [event["object"] for event in shown] == ["counsellor:test-root"]
    assert "otpauth" not in json.dumps(shown)
    # Once: no other command shows the URI or its secret again, in any output format...
    for listing in (("counsellor", "list", "--json"), ("counsellor", "list")):
        listed = _run(cli_env, *listing)
        assert "otpauth" not in listed.stdout + listed.stderr
        assert secret not in listed.stdout + listed.stderr
    # ...and asking again enrols a new secret instead of repeating the old one.
    again = json.loads(_run(cli_env, "counsellor", "totp", "test-root", "--json").stdout)
    assert again["provisioning_uri"] != first
    assert secret not in again["provisioning_uri"]

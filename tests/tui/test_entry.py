"""The `helpline-console` entry point: help text, and one clear line for a bad configuration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent / "helpline-console"


def test_help_lists_every_option() -> None:
    result = subprocess.run([str(BIN), "--help"], capture_output=True, text=True, check=True)
    for option in ("--config", "--server", "--language", "--theme"):
        assert option in result.stdout


def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "helpline.toml"
    config.write_text("[console]\nlanguage = 'klingon'\n", encoding="utf-8")
    result = subprocess.run(
        [str(BIN), "--config", str(config)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "console.language" in result.stderr


def test_canned_dir_from_config(tmp_path: Path) -> None:
    from helpline_core.config import load_settings
    from helpline_tui.app import canned_for

    (tmp_path / "nl.toml").write_text(
        "language = 'nl'\n[[reply]]\nkey = 'eigen'\ntitle = 'Eigen'\ntext = 'Eigen tekst'\n",
        encoding="utf-8",
    )
    settings = load_settings(environ={"HELPLINE_CONSOLE__CANNED_DIR": str(tmp_path)})
    replies = canned_for(settings)
    assert [reply.key for reply in replies["nl"]] == ["eigen"]
    assert set(canned_for(load_settings(environ={}))) == {"nl", "fr", "en"}

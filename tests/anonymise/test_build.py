"""`helpline anonymise build` on a fresh machine: scripts/setup.sh runs it before anything else,
so it is what creates the data directory, and that directory must be private (S1)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from helpline_cli.main import main


def test_the_first_build_creates_a_private_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "fresh" / "helpline"
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(data))
    monkeypatch.delenv("HELPLINE_CONFIG", raising=False)
    monkeypatch.delenv("HELPLINE_ANONYMISER__LEXICON_FILE", raising=False)
    old = os.umask(0o022)  # the usual umask, under which a plain mkdir makes 0755
    try:
        assert main(["anonymise", "build"]) == 0
    finally:
        os.umask(old)
    assert (data / "anonymiser-lists.pickle").is_file()
    # Later programs leave an existing directory as it is, so its first mode is its mode.
    assert stat.S_IMODE(data.stat().st_mode) == 0o700, oct(data.stat().st_mode)
    assert "wider" not in capsys.readouterr().err

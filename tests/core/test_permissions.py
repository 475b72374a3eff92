"""A fresh install keeps its data from other local users (issue 20 point 6): the data directory
0700, the SQLite database with its -wal and -shm files 0600, the key 0600; a start-up with wider
modes warns."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from helpline_core.db import make_engine
from helpline_core.permissions import private_paths, wider_than_private
from helpline_core.secrets import load_key
from helpline_core.services import schema
from tests.conftest import make_settings
from tests.support.relay_harness import running_relay


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    # The common default: new files 0644, directories 0755, unless made private on purpose.
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_fresh_install_is_private(tmp_path: Path, usual_umask: None) -> None:
    data = tmp_path / "srv" / "helpline"
    settings = make_settings(tmp_path, f"sqlite:///{data / 'helpline.sqlite3'}")
    settings = settings.model_copy(update={"data_dir": str(data)})
    engine = make_engine(settings.database_url)
    schema.upgrade(engine)
    with engine.begin() as connection:  # a write, so that the WAL and shm files exist
        connection.execute(text("CREATE TABLE probe (n INTEGER)"))
        connection.execute(text("INSERT INTO probe VALUES (1)"))
        database = data / "helpline.sqlite3"
        assert Path(f"{database}-wal").exists() and Path(f"{database}-shm").exists()
        load_key(settings)
        assert mode(data) == 0o700
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert mode(path) == 0o600, path
        assert mode(settings.secret_key_path) == 0o600
        assert wider_than_private(private_paths(settings)) == []
    engine.dispose()


async def test_a_start_with_wider_modes_warns(
    tmp_path: Path, usual_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, f"sqlite:///{tmp_path / 'data' / 'helpline.sqlite3'}")
    engine = make_engine(settings.database_url)
    schema.upgrade(engine)
    engine.dispose()
    database = tmp_path / "data" / "helpline.sqlite3"
    database.chmod(0o644)
    (tmp_path / "data").chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="relay"):
        async with running_relay(settings):
            pass
    warned = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert f"{database} has mode 0644" in warned and "chmod 0600" in warned
    assert f"{tmp_path / 'data'} has mode 0755" in warned

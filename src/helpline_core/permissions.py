"""Files only the helpline's own user may read: the data directory 0700, the SQLite database (and
its -wal and -shm files, which SQLite creates with the database's mode), the key file 0600.

On a shared server every local user could otherwise read transcripts, IP hashes and TOTP seeds
(S1). `wider_than_private` names what a start-up should warn about.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from helpline_core.config import Settings

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) with mode 0700; an existing directory is left as is
    (an admin may have chosen otherwise; `wider_than_private` warns)."""
    missing = [parent for parent in (path, *path.parents) if not parent.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # created at the same moment by another process


def private_file(path: Path) -> None:
    """Create an empty `path` with mode 0600 unless it exists, so that whatever writes to it
    later (SQLite) keeps that mode."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def private_paths(settings: Settings) -> list[Path]:
    """What must stay private: the data directory, the key file, and a SQLite database with its
    WAL and shared-memory files."""
    paths = [settings.data_path, settings.secret_key_path]
    database = sqlite_path(settings.database_url)
    if database is not None:
        paths += [database.parent, database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    return list(dict.fromkeys(paths))


def wider_than_private(paths: Iterable[Path]) -> list[str]:
    """A sentence for each existing path that others than its owner may read or enter."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            wanted = DIR_MODE if path.is_dir() else FILE_MODE
            found.append(
                f"{path} has mode {mode:04o}: other local users can read it; "
                f"chmod {wanted:04o} {path}"
            )
    return found

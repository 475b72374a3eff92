"""One purge at a time: a PostgreSQL advisory lock, or a file lock beside a SQLite database.

The lock is held for the whole run on a connection (or file) of its own and released when the
process ends, however it ends, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

# pg_try_advisory_lock key: "helpline purge" folded to a signed 64-bit number, fixed forever.
# Advisory locks are per database, and a helpline's tables sit in one schema: the key is this
# number with the schema's CRC-32 XORed in, so helplines (or tests) in other schemas of one
# database never block each other's purge.
ADVISORY_KEY = 0x68656C706C696E65


def advisory_key(schema: str) -> int:
    """The purge lock's key for tables in `schema`: a non-negative signed 64-bit integer."""
    return ADVISORY_KEY ^ zlib.crc32(schema.encode())


class PurgeBusy(Exception):
    """Another purge holds the lock; the message says so for a person."""


@contextmanager
def purge_lock(engine: Engine) -> Iterator[None]:
    """Hold the purge lock or raise PurgeBusy at once (never wait)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = advisory_key(str(connection.execute(text("SELECT current_schema()")).scalar()))
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
            ).scalar()
            connection.commit()
            if not got:
                raise PurgeBusy("another purge is running (advisory lock held)")
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                connection.commit()
        return
    path = _lock_path(engine)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PurgeBusy(f"another purge is running (lock file {path} held)") from None
        yield
    finally:
        os.close(descriptor)  # closing releases the flock


def _lock_path(engine: Engine) -> Path:
    database = engine.url.database or ""
    if not database or database == ":memory:":
        raise PurgeBusy("a purge needs a database file to lock")
    return Path(database).with_name(Path(database).name + ".purge-lock")

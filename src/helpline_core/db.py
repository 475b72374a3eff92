"""Engines and sessions. Nothing is created at import time; callers pass a URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine, text

from helpline_core.permissions import private_dir, private_file, sqlite_path


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the message is for a person."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the relay write while the CLI reads; busy_timeout waits out a short lock
    # instead of failing at once; foreign keys are off by default in SQLite.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, *, echo: bool = False, create_dirs: bool = True) -> Engine:
    """An engine for `url`. A new SQLite database is made private first: its directory 0700,
    the file 0600 (SQLite gives its -wal and -shm files the database's mode)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if create_dirs and path is not None:
            private_dir(path.parent)
            private_file(path)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 5}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def make_test_engine(url: str) -> Engine:
    """An engine without pooling, for short-lived tools and tests."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return create_engine(url, poolclass=NullPool)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def check_database(engine: Engine) -> None:
    """Raise DatabaseUnavailable when a trivial query fails."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        raise DatabaseUnavailable(f"database unreachable: {describe_url(engine)}") from error


def describe_url(engine: Engine) -> str:
    """The URL without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)

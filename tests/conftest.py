"""Fixtures every test area shares: a fresh migrated database on SQLite and PostgreSQL,
settings that point at it, and synthetic counsellor accounts."""

from __future__ import annotations

import io
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from helpline_core.config import Settings, load_settings
from helpline_core.db import make_engine, session_scope
from helpline_core.models import Counsellor, Role
from helpline_core.secrets import load_key
from helpline_core.services import accounts, login, schema
from helpline_core.services.teams import sync_teams

POSTGRES_URL = os.environ.get("HELPLINE_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
TEST_PASSWORD = "correct horse 1"


def _postgres_schema_url(base_url: str, schema_name: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema_name}')}"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head: SQLite in tmp_path, or a private PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'helpline.sqlite3'}"
        engine = make_engine(url)
        schema.upgrade(engine)
        engine.dispose()
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("HELPLINE_TEST_DATABASE_URL is not set")
    with postgres_schema(POSTGRES_URL) as url:
        yield url


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A private schema, migrated to head, on the PostgreSQL at base_url; dropped after."""
    schema_name = f"t_{secrets.token_hex(6)}"
    admin = create_engine(base_url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema_name}"'))
    url = _postgres_schema_url(base_url, schema_name)
    engine = make_engine(url)
    schema.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))
        admin.dispose()


def make_settings(tmp_path: Path, database_url: str, **environ: str) -> Settings:
    """Settings for a test install: its own data dir and database, chat always open."""
    env = {
        "HELPLINE_DATA_DIR": str(tmp_path / "data"),
        "HELPLINE_DATABASE__URL": database_url,
        "HELPLINE_CHAT_HOURS__ALWAYS_OPEN": "true",
        "HELPLINE_RELAY__PORT": "0",
        **environ,
    }
    return load_settings(None, environ=env)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def secret_key(settings: Settings) -> bytes:
    return load_key(settings)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    with session_scope(engine) as session:
        sync_teams(session, settings)
    yield engine
    engine.dispose()


@pytest.fixture
def cli(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """`helpline_cli.main.main` in-process on this test's install (its data directory and
    database); stdin is empty and not a terminal, as under cron."""
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


MakeCounsellor = Callable[..., Counsellor]


@pytest.fixture
def make_counsellor(engine: Engine, secret_key: bytes) -> MakeCounsellor:
    """Create a synthetic account; returns it with `.totp_secret` set when totp=True."""

    def make(
        username: str,
        *,
        team: str | None = "antwerpen",
        role: str = "counsellor",
        password: str = TEST_PASSWORD,
        totp: bool = False,
        display_name: str | None = None,
    ) -> Counsellor:
        with session_scope(engine) as session:
            accounts.create_counsellor(
                session,
                secret_key,
                username=username,
                password=password,
                team_code=team,
                role=Role(role),
                actor="test",
                display_name=display_name,
            )
            if totp:
                accounts.enable_totp(session, secret_key, username, issuer="test", actor="test")
            counsellor = accounts.get_counsellor(session, username)
        if counsellor.totp_secret:
            # Detached: the clear secret is for the test's authenticator, never stored.
            counsellor.totp_secret = login.totp_secret(secret_key, counsellor)
        return counsellor

    return make

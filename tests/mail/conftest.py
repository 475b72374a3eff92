"""Fixtures for the email channel: a pymap server per test session, a fresh folder per test,
and settings whose 'antwerpen' team reads that folder."""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from helpline_core.config import MailboxSettings, Settings
from tests.mail.servers import (
    ImapServer,
    SmtpRecorder,
    dovecot_available,
    start_dovecot,
    start_pymap,
    start_smtp,
)

TEAM = "antwerpen"


@pytest.fixture(scope="session")
def pymap_server() -> Iterator[ImapServer]:
    server = start_pymap()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[ImapServer]:
    if not dovecot_available():
        pytest.skip("Dovecot is not installed (or not running as root)")
    # Not under pytest's tmp (mode 0700): Dovecot's own users must reach these files.
    base = Path(tempfile.mkdtemp(prefix="helpline-dovecot-"))
    base.chmod(0o755)
    try:
        server = start_dovecot(base)
        yield server
        server.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["pymap", pytest.param("dovecot", marks=pytest.mark.dovecot)])
def imap_server(request: pytest.FixtureRequest) -> ImapServer:
    """Every mailbox test runs on pymap and on Dovecot, the stricter server."""
    server: ImapServer = request.getfixturevalue(f"{request.param}_server")
    return server


def with_mailbox(settings: Settings, code: str = TEAM, **fields: Any) -> Settings:
    """Settings where team `code` has these mailbox fields (the other teams have no email)."""
    teams = []
    for team in settings.teams:
        if team.code == code:
            mail = team.mail.model_copy(update=fields)
            team = team.model_copy(
                update={"mail": MailboxSettings.model_validate(mail.model_dump())}
            )
        teams.append(team)
    return settings.model_copy(update={"teams": teams})


@dataclass
class Mailbox:
    server: ImapServer
    folder: str
    settings: Settings

    async def deliver(self, *messages: bytes) -> None:
        await self.server.append(self.folder, *messages)


def mailbox_for(server: ImapServer, settings: Settings, tmp_path: Path, **extra: Any) -> Mailbox:
    folder = f"T{secrets.token_hex(4)}"
    password_file = tmp_path / f"imap-password-{folder}"
    password_file.write_text(server.password + "\n")
    fields: dict[str, Any] = {
        "imap_host": "127.0.0.1",
        "imap_port": server.port,
        "imap_tls": "none",
        "imap_user": server.user,
        "imap_password_file": str(password_file),
        "imap_folder": folder,
        "from_address": "antwerpen@helpline.example",
        "from_name": "Hulplijn Antwerpen",
        # Tests deliver first and read after; the first-read rule has its own tests.
        "first_sync": "all",
    }
    configured = with_mailbox(settings, **{**fields, **extra})
    return Mailbox(server, folder, configured)


@pytest.fixture
async def mailbox(imap_server: ImapServer, settings: Settings, tmp_path: Path) -> Mailbox:
    box = mailbox_for(imap_server, settings, tmp_path)
    await imap_server.create_folder(box.folder)
    return box


@pytest.fixture
def cli_mailbox(
    pymap_server: ImapServer,
    settings: Settings,
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Environment for the CLI: this test's database, and team antwerpen on a fresh folder."""
    folder = f"C{secrets.token_hex(4)}"
    asyncio.run(pymap_server.create_folder(folder))
    password_file = tmp_path / "imap-password"
    password_file.write_text(pymap_server.password)
    team = {
        "code": "antwerpen",
        "name": "Antwerpen",
        "mail": {
            "imap_host": "127.0.0.1",
            "imap_port": pymap_server.port,
            "imap_tls": "none",
            "imap_user": pymap_server.user,
            "imap_password_file": str(password_file),
            "imap_folder": folder,
            # The tests deliver mail before the first read: take it (a new mailbox would
            # otherwise start from now).
            "first_sync": "all",
        },
    }
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    monkeypatch.setenv("HELPLINE_TEAMS", json.dumps([team]))
    return folder


async def with_sending(
    mailbox: Mailbox, recorder: SmtpRecorder
) -> tuple[Settings, str, Controller]:
    """The mailbox's settings with a started SMTP server (`recorder` answers; stop the
    controller after) and a Sent folder: (settings, sent folder, controller)."""
    sent_folder = f"{mailbox.folder}-sent"
    await mailbox.server.create_folder(sent_folder)
    controller = start_smtp(recorder)
    settings = with_mailbox(
        mailbox.settings, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="none",
        sent_folder=sent_folder,
    )  # fmt: skip
    return settings, sent_folder, controller


@pytest.fixture
async def sending_mailbox(mailbox: Mailbox) -> AsyncIterator[tuple[Settings, str]]:
    """The mailbox's settings with an SMTP server for replies and a Sent folder for their
    copies; yields (settings, sent folder)."""
    settings, sent_folder, controller = await with_sending(mailbox, SmtpRecorder())
    try:
        yield settings, sent_folder
    finally:
        controller.stop()

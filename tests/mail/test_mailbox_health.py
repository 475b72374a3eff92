"""A mailbox's first read and its health (issue 21, points 7 and 8), on pymap and Dovecot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.ingest import IngestResult
from helpline_core.mail.reasons import decode
from helpline_core.mail.status import health_text, mailbox_health
from helpline_core.mail.worker import watch_mailbox
from helpline_core.models import MailboxStatus
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, Mailbox, mailbox_for, with_mailbox
from tests.mail.servers import start_pymap
from tests.mail.test_imap_sync import conversations, emails, sync


async def test_first_read_starts_from_now(mailbox: Mailbox, engine: Engine) -> None:
    fresh = with_mailbox(mailbox.settings, first_sync="new")
    await mailbox.deliver(*(mail_corpus.simple(f"<old{n}@visitor.example>") for n in range(3)))
    report = await sync(fresh, engine)
    assert report.stored == 0 and emails(engine) == []
    await mailbox.deliver(mail_corpus.simple("<new1@visitor.example>", subject="Nieuw"))
    assert (await sync(fresh, engine)).stored == 1
    assert [e.message_id for e in emails(engine)] == ["<new1@visitor.example>"]


async def test_first_read_of_unseen_mail_is_due_from_the_read(
    mailbox: Mailbox, engine: Engine
) -> None:
    unseen = with_mailbox(mailbox.settings, first_sync="unseen")
    await mailbox.server.append(
        mailbox.folder, mail_corpus.simple("<seen@visitor.example>"), flags="(\\Seen)"
    )
    await mailbox.deliver(mail_corpus.simple("<unseen@visitor.example>", subject="Nog open"))
    before = utcnow()
    report = await sync(unseen, engine)
    assert report.stored == 1
    assert [e.message_id for e in emails(engine)] == ["<unseen@visitor.example>"]
    # Mail already there is due counted from the read, so it is not overdue at once.
    (conversation,) = conversations(engine)
    assert conversation.due_at is not None and conversation.due_at > before + timedelta(days=1)
    await mailbox.deliver(mail_corpus.simple("<later@visitor.example>", subject="Later"))
    assert (await sync(unseen, engine)).stored == 1


async def test_wrong_password_is_shown_to_the_team_and_in_healthz(
    mailbox: Mailbox, engine: Engine, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not-the-password\n")
    broken = with_mailbox(mailbox.settings, imap_password_file=str(wrong))
    team = broken.team(TEAM)
    assert team is not None
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_mailbox(broken, engine, team, stop))
    try:
        await until(lambda: status(engine) is not None)
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 15)
    with session_scope(engine) as session:
        (health,) = mailbox_health(session, broken)
    refused = decode(health.last_error or "")
    assert not health.ok and refused.code == "login_refused"
    assert "login refused" in refused.english()
    assert health.paused_until is not None and health.last_ok_at is None
    assert "not-the-password" not in (health.last_error or "")
    body = health_text(engine, broken)
    assert body.startswith("degraded\n") and f"mailbox {TEAM}: failing" in body


def healthy(engine: Engine, settings: Settings) -> bool:
    with session_scope(engine) as session:
        (health,) = mailbox_health(session, settings)
        return health.ok


def status(engine: Engine) -> MailboxStatus | None:
    with session_scope(engine) as session:
        return session.get(MailboxStatus, TEAM)


async def until(condition: Callable[[], bool], timeout: float = 20) -> float:
    """Wait (bounded) for a state the worker writes to the database; returns the seconds."""
    started = time.monotonic()
    while not await asyncio.to_thread(condition):
        assert time.monotonic() - started < timeout, "not within the time limit"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_a_server_restart_during_idle_is_noticed_at_once(
    settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    server = start_pymap()
    try:
        box = mailbox_for(server, settings, tmp_path)
        await server.create_folder(box.folder)
        team = box.settings.team(TEAM)
        assert team is not None
        results: asyncio.Queue[IngestResult] = asyncio.Queue()
        stop = asyncio.Event()
        watcher = asyncio.create_task(
            watch_mailbox(box.settings, engine, team, stop, on_result=results.put_nowait)
        )
        try:
            await server.append(box.folder, mail_corpus.simple("<i1@visitor.example>"))
            assert (await asyncio.wait_for(results.get(), 20)).kind == "stored"
            await until(
                lambda: (found := status(engine)) is not None and found.last_ok_at is not None
            )
            await asyncio.sleep(0.5)  # into IDLE (nothing to await: the worker is waiting)
            server.stop()
            # Noticed at once, not after the IDLE or command timeout (30 s and more).
            noticed = await until(lambda: (found := status(engine)) is not None and (
                found.last_error is not None), timeout=10)  # fmt: skip
            assert noticed < 5
            server = start_pymap(port=server.port)
            await server.create_folder(box.folder)
            await server.append(box.folder, mail_corpus.simple("<i2@visitor.example>"))
            again = await asyncio.wait_for(results.get(), 20)
            assert again.kind == "stored"
            await until(lambda: healthy(engine, box.settings))
            assert health_text(engine, box.settings).startswith("ok\n")
        finally:
            stop.set()
            await asyncio.wait_for(watcher, 15)
    finally:
        server.stop()

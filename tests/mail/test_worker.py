"""The relay's mail worker end to end: IDLE wakes it for new mail, a queued reply goes out, and
it stops when told."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aioimaplib
import pytest
from sqlalchemy.engine import Engine

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.ingest import IngestResult
from helpline_core.mail.worker import watch_mailbox
from helpline_core.services import mail as mail_service
from relay.mail_worker import run_mail_worker
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, Mailbox, mailbox_for, with_mailbox
from tests.mail.servers import ImapServer, SmtpRecorder, start_smtp


async def test_worker_reads_with_idle_sends_and_stops(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    recorder = SmtpRecorder(received=asyncio.Event(), loop=asyncio.get_running_loop())
    controller = start_smtp(recorder)
    settings = with_mailbox(
        mailbox.settings, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_tls="none"
    )
    results: asyncio.Queue[IngestResult] = asyncio.Queue()
    stop, wake = asyncio.Event(), asyncio.Event()
    worker = asyncio.create_task(
        run_mail_worker(settings, engine, stop, on_result=results.put_nowait, wake=wake)
    )
    try:
        await mailbox.deliver(mail_corpus.simple("<w1@visitor.example>"))
        result = await asyncio.wait_for(results.get(), 20)
        assert result.kind == "stored" and result.new_conversation
        # Now the worker has read the folder and waits. poll_seconds is 60, longer than the
        # timeout below: only the server's IDLE push can bring this one in time.
        assert settings.mail.poll_seconds > 20
        await mailbox.deliver(
            mail_corpus.simple("<w2@visitor.example>", In_Reply_To="<w1@visitor.example>")
        )
        second = await asyncio.wait_for(results.get(), 20)
        assert second.kind == "stored" and not second.new_conversation
        with session_scope(engine) as session:
            (item,) = mail_service.list_email_conversations(session, team_ids=None)
            mail_service.reply(
                session, secret_key, settings, public_id=item.public_id, body="Dag",
                team_ids=None, counsellor_id=None, actor="c:x",
            )  # fmt: skip
        wake.set()
        assert recorder.received is not None
        await asyncio.wait_for(recorder.received.wait(), 20)
        assert len(recorder.messages) == 1
    finally:
        stop.set()
        await asyncio.wait_for(worker, 35)
        controller.stop()
    assert worker.exception() is None


async def test_polling_when_the_server_has_no_idle(
    pymap_server: ImapServer, settings: Settings, engine: Engine, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    real = aioimaplib.IMAP4.has_capability
    monkeypatch.setattr(
        aioimaplib.IMAP4, "has_capability", lambda self, name: name != "IDLE" and real(self, name)
    )
    box = mailbox_for(pymap_server, settings, tmp_path)
    await pymap_server.create_folder(box.folder)
    # Below the configurable minimum (5 s) only to keep the test short.
    polling = box.settings.model_copy(
        update={"mail": box.settings.mail.model_copy(update={"poll_seconds": 1})}
    )
    team = polling.team(TEAM)
    assert team is not None
    results: asyncio.Queue[IngestResult] = asyncio.Queue()
    stop = asyncio.Event()
    watcher = asyncio.create_task(
        watch_mailbox(polling, engine, team, stop, on_result=results.put_nowait)
    )
    try:
        await pymap_server.append(box.folder, mail_corpus.simple("<p1@visitor.example>"))
        assert (await asyncio.wait_for(results.get(), 15)).kind == "stored"
        await pymap_server.append(box.folder, mail_corpus.simple("<p2@visitor.example>"))
        assert (await asyncio.wait_for(results.get(), 15)).kind == "stored"
    finally:
        stop.set()
        await asyncio.wait_for(watcher, 15)

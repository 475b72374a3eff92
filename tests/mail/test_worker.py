"""The relay's mail worker end to end: IDLE wakes it for new mail, a queued reply goes out, and
it stops when told."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from helpline_core.db import session_scope
from helpline_core.mail.ingest import IngestResult
from helpline_core.services import mail as mail_service
from relay.mail_worker import run_mail_worker
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_mailbox
from tests.mail.servers import SmtpRecorder, start_smtp


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

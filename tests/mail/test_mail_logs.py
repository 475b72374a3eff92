"""The relay's mail worker at DEBUG log level, against pymap and aiosmtpd: reading a visitor's
mail, sending a reply with a claim code and filing its Sent copy log no body text, no claim-code
words and no address, whatever library the record comes from (aioimaplib logs every line it
sends and receives at DEBUG: our logging set-up caps it, helpline_core/mail/imap.py)."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.db import session_scope
from helpline_core.models import Channel, Conversation, EmailMessage, OutboxState
from helpline_core.secrets import load_key
from helpline_core.services import mail as mail_service
from relay.mail_worker import run_mail_worker
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_sending
from tests.mail.servers import SmtpRecorder
from tests.mail.test_claim_in_reply import CODE, text_of
from tests.mail.test_mailbox_health import until

# The test's own SMTP server (aiosmtpd) logs what it receives; it is not part of the helpline.
TEST_SERVER_LOGS = ("mail.log", "mail.debug")
SECRET_BODY = "Mijn oom komt elke woensdag zeventien"
REPLY_BODY = "Wij geloven je en helpen graag"
ADDRESS = "anna.zeventien@visitor.example"


def thread_id(engine: Engine) -> str | None:
    with session_scope(engine) as session:
        row = session.exec(
            select(Conversation).where(Conversation.channel == Channel.EMAIL)
        ).first()
        return row.public_id if row is not None else None


def reply_sent(engine: Engine) -> bool:
    with session_scope(engine) as session:
        states = session.exec(
            select(EmailMessage.outbox_state).where(EmailMessage.counsellor_id.is_(None))  # type: ignore[union-attr]
        ).all()
        return OutboxState.SENT in states


async def test_the_mail_worker_logs_no_body_claim_code_or_address_at_debug(
    mailbox: Mailbox, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = SmtpRecorder()
    settings, _, controller = await with_sending(mailbox, recorder)
    await mailbox.deliver(
        mail_corpus.simple("<logs-1@visitor.example>", body=SECRET_BODY, sender=f"Anna <{ADDRESS}>")
    )
    # As in a fresh process: nothing capped yet (an earlier test may have run the cap), and
    # only what the worker logs from here on counts (the test's own IMAP client logs too).
    logging.getLogger("aioimaplib").setLevel(logging.NOTSET)
    caplog.clear()
    stop, wake = asyncio.Event(), asyncio.Event()
    worker = asyncio.create_task(run_mail_worker(settings, engine, stop, wake=wake))
    try:
        await until(lambda: thread_id(engine) is not None)
        with session_scope(engine) as session:
            mail_service.reply(
                session, load_key(settings), settings, public_id=thread_id(engine) or "",
                body=f"{REPLY_BODY}. Je code: [[claimcode]]", team_ids=None, counsellor_id=None,
                actor="counsellor:test",
            )  # fmt: skip
        wake.set()
        await until(lambda: reply_sent(engine))
    finally:
        stop.set()
        await asyncio.wait_for(worker, 60)
        controller.stop()

    (delivered,) = [text_of(bytes(m.content)) for m in recorder.messages]  # type: ignore[arg-type]
    code = CODE.search(delivered)
    assert code is not None and REPLY_BODY in delivered
    words = code.group(1).split("-", 1)[1]
    ours = [r for r in caplog.records if r.name not in TEST_SERVER_LOGS]
    # Not vacuous: the worker did log (it says it started), at the level captured.
    assert any(r.name == "relay.mail" for r in ours)
    told = "\n".join(r.getMessage() + (r.exc_text or "") for r in ours)
    for secret in (SECRET_BODY, REPLY_BODY, words, ADDRESS, "visitor.example"):
        assert not re.search(re.escape(secret), told, re.IGNORECASE), secret

"""Replies: queue, send over a real SMTP server (aiosmtpd), retry, fail, and never send twice."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail import outbox
from helpline_core.mail.ingest import ingest_message
from helpline_core.mail.outbox import HeaderInjection, OutboxError, check_header, queue_reply
from helpline_core.mail.reasons import decode, reason
from helpline_core.mail.sender import TlsContexts, process_outbox
from helpline_core.models import Conversation, EmailMessage, OutboxState, Team
from tests.mail import mail_corpus
from tests.mail.conftest import TEAM, Mailbox, with_mailbox
from tests.mail.servers import SmtpRecorder, start_smtp
from tests.support.certificates import make_certificate


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpRecorder, int]]:
    recorder = SmtpRecorder()
    controller = start_smtp(recorder)
    yield recorder, controller.port
    controller.stop()


@pytest.fixture
async def replying(mailbox: Mailbox, smtp: tuple[SmtpRecorder, int]) -> Settings:
    """Settings whose team sends through the test SMTP server and keeps copies in 'Sent'."""
    sent_folder = f"{mailbox.folder}-sent"
    await mailbox.server.create_folder(sent_folder)
    return with_mailbox(
        mailbox.settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        smtp_tls="none",
        sent_folder=sent_folder,
    )


def receive(settings: Settings, engine: Engine, raw: bytes | None = None) -> Conversation:
    with session_scope(engine) as session:
        team = session.exec(select(Team).where(Team.code == TEAM)).one()
        result = ingest_message(
            session, settings, team=team, raw=raw or mail_corpus.simple("<in-1@visitor.example>")
        )
        conversation = session.get(Conversation, result.conversation_id)
        assert conversation is not None
        return conversation


def reply(settings: Settings, engine: Engine, key: bytes, conversation: Conversation) -> int:
    with session_scope(engine) as session:
        fresh = session.get(Conversation, conversation.id)
        assert fresh is not None
        row = queue_reply(
            session, key, settings, conversation=fresh, body="Dag Anna,\nwe helpen je graag.",
            counsellor_id=None, actor="counsellor:test",
        )  # fmt: skip
        assert row.id is not None
        return row.id


def row(engine: Engine, email_id: int) -> EmailMessage:
    with session_scope(engine) as session:
        found = session.get(EmailMessage, email_id)
        assert found is not None
        return found


async def test_reply_goes_out_threaded_and_stops_the_clock(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int],
    mailbox: Mailbox,
) -> None:  # fmt: skip
    conversation = receive(replying, engine)
    email_id = reply(replying, engine, secret_key, conversation)
    with session_scope(engine) as session:
        answered = session.get(Conversation, conversation.id)
        assert answered is not None and answered.answered_at is not None
        assert answered.answered_in_time is True
    report = await process_outbox(replying, engine)
    assert report.sent == 1
    (envelope,) = smtp[0].messages
    sent = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
    stored = row(engine, email_id)
    assert stored.outbox_state == OutboxState.SENT and stored.sent_at is not None
    assert sent["Message-ID"] == stored.message_id
    assert sent["In-Reply-To"] == "<in-1@visitor.example>"
    assert "<in-1@visitor.example>" in sent["References"]
    assert sent["From"].addresses[0].addr_spec == "antwerpen@helpline.example"
    assert sent["To"] == "anna.test@visitor.example"
    assert sent["Subject"] == "Re: Hulp gevraagd"
    assert sent["Date"] is not None
    assert envelope.rcpt_tos == ["anna.test@visitor.example"]
    assert stored.message_id in await mailbox.server.message_ids(f"{mailbox.folder}-sent")
    # Nothing left to send: a second pass sends nothing.
    assert (await process_outbox(replying, engine)).sent == 0
    assert len(smtp[0].messages) == 1


async def test_temporary_failure_backs_off_then_sends(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int]
) -> None:
    smtp[0].script.append("451 4.3.0 try again later")
    email_id = reply(replying, engine, secret_key, receive(replying, engine))
    first = await process_outbox(replying, engine)
    assert first.retried == 1
    waiting = row(engine, email_id)
    assert waiting.outbox_state == OutboxState.QUEUED and waiting.attempts == 1
    assert waiting.next_attempt_at is not None and waiting.next_attempt_at > utcnow()
    assert (await process_outbox(replying, engine)).sent == 0  # not yet due
    later = await process_outbox(replying, engine, now=utcnow() + timedelta(minutes=2))
    assert later.sent == 1 and len(smtp[0].messages) == 1


async def test_permanent_failure_and_exhausted_attempts(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int]
) -> None:
    smtp[0].script.append("550 5.1.1 no such mailbox")
    email_id = reply(replying, engine, secret_key, receive(replying, engine))
    assert (await process_outbox(replying, engine)).failed == 1
    failed = row(engine, email_id)
    assert failed.outbox_state == OutboxState.FAILED
    why = decode(failed.last_error or "")
    assert why.code == "smtp_refused" and why.params == {"status": 550}
    assert "no such mailbox" in why.detail  # the server's words, for an admin only
    two_tries = replying.model_copy(
        update={"mail": replying.mail.model_copy(update={"send_attempts": 2})}
    )
    other = receive(two_tries, engine, mail_corpus.simple("<in-2@visitor.example>", subject="b"))
    second = reply(two_tries, engine, secret_key, other)
    smtp[0].script.extend(["421 busy", "421 busy"])
    await process_outbox(two_tries, engine)
    report = await process_outbox(two_tries, engine, now=utcnow() + timedelta(hours=2))
    assert report.failed == 1 and row(engine, second).outbox_state == OutboxState.FAILED
    assert smtp[0].messages == []


async def test_crash_after_smtp_is_recovered_from_sent_folder(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    email_id = reply(replying, engine, secret_key, receive(replying, engine))

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed between SMTP and marking sent")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            await process_outbox(replying, engine)
    assert row(engine, email_id).outbox_state == OutboxState.SENDING
    assert len(smtp[0].messages) == 1
    # A restart within the lease leaves it alone; after the lease it is settled, not resent.
    assert (await process_outbox(replying, engine)).recovered_sent == 0
    report = await process_outbox(replying, engine, now=utcnow() + timedelta(minutes=11))
    assert report.recovered_sent == 1 and report.sent == 0
    assert row(engine, email_id).outbox_state == OutboxState.SENT
    assert len(smtp[0].messages) == 1


async def test_crash_without_sent_folder_is_failed_not_resent(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    no_copy = with_mailbox(replying, sent_folder="")
    email_id = reply(no_copy, engine, secret_key, receive(no_copy, engine))

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed")

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            await process_outbox(no_copy, engine)
    report = await process_outbox(no_copy, engine, now=utcnow() + timedelta(minutes=11))
    assert report.recovered_unknown == 1
    settled = row(engine, email_id)
    assert settled.outbox_state == OutboxState.FAILED
    assert decode(settled.last_error or "") == reason("delivery_unknown_no_sent_folder")
    assert "never sent twice" in decode(settled.last_error or "").english()
    assert len(smtp[0].messages) == 1
    with session_scope(engine) as session:
        outbox.requeue(session, secret_key, email_id, actor="admin:test")
    assert (await process_outbox(no_copy, engine)).sent == 1  # a person decided to resend


async def test_two_workers_send_once(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int]
) -> None:
    reply(replying, engine, secret_key, receive(replying, engine))
    reports = await asyncio.gather(*(process_outbox(replying, engine) for _ in range(3)))
    assert sum(report.sent for report in reports) == 1
    assert len(smtp[0].messages) == 1


def test_header_values_with_line_breaks_are_refused(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    with pytest.raises(HeaderInjection):
        check_header("Subject", "hi\r\nBcc: someone@example.org")
    evil = with_mailbox(
        settings, from_address="a@helpline.example", from_name="A\nBcc: x@y.example"
    )
    conversation = receive(evil, engine)
    with pytest.raises(HeaderInjection):
        reply(evil, engine, secret_key, conversation)
    with session_scope(engine) as session:
        assert session.exec(select(EmailMessage).where(EmailMessage.direction == "out")).all() == []


def test_reply_refused_without_from_address(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    conversation = receive(settings, engine)
    with pytest.raises(OutboxError, match="From address"):
        reply(settings, engine, secret_key, conversation)


async def test_starttls_with_auth(
    settings: Settings, engine: Engine, secret_key: bytes, tmp_path: Path
) -> None:
    certificate = make_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(certificate.cert, certificate.key)
    recorder = SmtpRecorder()
    controller = start_smtp(recorder, tls_context=server_context, auth=("team", "s3cret-pass"))
    try:
        password_file = tmp_path / "smtp-password"
        password_file.write_text("s3cret-pass\n")
        secure = with_mailbox(
            settings, from_address="antwerpen@helpline.example", smtp_host="localhost",
            smtp_port=controller.port, smtp_tls="starttls", smtp_user="team",
            smtp_password_file=str(password_file),
        )  # fmt: skip
        tls = TlsContexts(smtp=ssl.create_default_context(cafile=str(certificate.cert)))
        email_id = reply(secure, engine, secret_key, receive(secure, engine))
        assert (await process_outbox(secure, engine, tls=tls)).sent == 1
        assert len(recorder.messages) == 1
        assert row(engine, email_id).outbox_state == OutboxState.SENT
        # A wrong password is a temporary failure (fixed in configuration), never a crash.
        password_file.write_text("wrong\n")
        second = receive(secure, engine, mail_corpus.simple("<in-9@visitor.example>", subject="z"))
        other_id = reply(secure, engine, secret_key, second)
        assert (await process_outbox(secure, engine, tls=tls)).retried == 1
        refused = decode(row(engine, other_id).last_error or "")
        assert refused.code == "smtp_login_refused" and "login refused" in refused.english()
        # Without trusting the certificate, STARTTLS fails: nothing is sent in clear text.
        untrusted = await process_outbox(secure, engine, now=utcnow() + timedelta(hours=1))
        assert untrusted.sent == 0 and len(recorder.messages) == 1
    finally:
        controller.stop()

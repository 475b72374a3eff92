"""A claim code given in an email reply (R1-R6), through the real relay, its mail worker, an
aiosmtpd server and pymap (and Dovecot in CI): the recipient's mail has the words; the database,
the Sent-folder copy, the audit log and the logs have only the neutral marker; `helpline dsr
open --claim-code` finds the thread; a second reply adds a second code; a retry after a
temporary failure stores the hash of the words that were delivered."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_cli.main import main
from helpline_core import protocol as p
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.sender import process_outbox
from helpline_core.models import (
    AuditEvent,
    ClaimCode,
    DataSubjectRequest,
    EmailDirection,
    EmailMessage,
    OutboxState,
)
from helpline_core.protocol import email as pe
from helpline_core.services.rights import claims
from helpline_core.services.rights.email_claims import marker
from tests.conftest import TEST_PASSWORD, MakeCounsellor
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_sending
from tests.mail.servers import ImapServer, SmtpRecorder
from tests.mail.test_mailbox_health import until
from tests.mail.test_outbox import receive, replying, smtp
from tests.support.console_client import console
from tests.support.relay_harness import running_relay

__all__ = ["replying", "smtp"]  # fixtures
SMTP_SERVER_LOG = "mail.log"  # aiosmtpd's, the test's SMTP server: it logs what it receives
CODE = re.compile(r"\b(\d+(?:-[a-z]+){8})\b")


def text_of(raw: bytes) -> str:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, MimeMessage)
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


async def whole_messages(server: ImapServer, folder: str) -> list[bytes]:
    client = await server.client()
    try:
        await client.select(folder)
        response = await client.uid("fetch", "1:*", "(BODY.PEEK[])")
        return [bytes(line) for line in response.lines if isinstance(line, bytearray)]
    finally:
        await client.logout()


def outbound(engine: Engine) -> list[EmailMessage]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(EmailMessage)
                .where(EmailMessage.direction == EmailDirection.OUTBOUND)
                .order_by(col(EmailMessage.id))
            )
        )


def all_sent(engine: Engine, count: int) -> bool:
    rows = outbound(engine)
    return len(rows) == count and all(r.outbox_state == OutboxState.SENT for r in rows)


async def test_the_words_reach_the_recipient_and_are_kept_nowhere(
    mailbox: Mailbox, engine: Engine, make_counsellor: MakeCounsellor,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    make_counsellor("kim", team="antwerpen", display_name="Kim")
    recorder = SmtpRecorder(received=asyncio.Event(), loop=asyncio.get_running_loop())
    settings, sent_folder, controller = await with_sending(mailbox, recorder)
    try:
        async with running_relay(settings) as relay, console(relay.ws_url) as kim:
            await kim.login("kim", TEST_PASSWORD)
            await mailbox.deliver(mail_corpus.simple("<claim-1@visitor.example>"))
            thread = (await asyncio.wait_for(kim.expect(pe.SEmailNew), 20)).conversation
            assert thread is not None
            for n, body in enumerate(
                ["Dag Anna,\n\nJe code: [[claimcode]]\nBewaar hem goed.", "Also: [[Claim-Code]]"]
            ):
                await kim.send(type="email_reply", conversation=thread, client_id=f"r{n}",
                               body=body, ref=f"r{n}")  # fmt: skip
                await kim.expect(p.SOk, lambda f, n=n: f.ref == f"r{n}")
                await until(lambda n=n: all_sent(engine, n + 1))
            await kim.send(type="email_open", conversation=thread)
            shown = await kim.expect(pe.SEmailThread)
    finally:
        controller.stop()

    rows = outbound(engine)
    zone = ZoneInfo(settings.helpline.timezone)
    markers = [
        marker(language, row.received_at.astimezone(zone).date())
        for language, row in zip(("nl", "en"), rows, strict=True)
    ]
    delivered = [text_of(bytes(m.content)) for m in recorder.messages]  # type: ignore[arg-type]
    codes = []
    for language, text, mark in zip(("nl", "en"), delivered, markers, strict=True):
        found = CODE.findall(text)
        assert len(found) == 1 and mark not in text and "[[" not in text
        _, *words = found[0].split("-")
        assert set(words) <= set(claims.words(language))
        codes.append(found[0])
    assert codes[0] != codes[1]  # the second reply adds a code of its own

    # What is kept: the marker, in the database, the console's thread and the Sent copies.
    copies = [text_of(raw) for raw in await whole_messages(mailbox.server, sent_folder)]
    assert len(copies) == 2
    kept = [r.body_text for r in rows] + [e.body for e in shown.emails] + copies
    for code in codes:
        words = code.split("-", 1)[1]
        assert not [text for text in kept if words in text]
        assert not [
            r for r in caplog.records if r.name != SMTP_SERVER_LOG and words in r.getMessage()
        ]
    assert markers[0] in rows[0].body_text and markers[1] in rows[1].body_text
    assert markers[0] in copies[0] + copies[1] and markers[1] in shown.emails[-1].body
    with session_scope(engine) as session:
        hashes = {c.id: c.code_hash for c in session.exec(select(ClaimCode))}
        detail = json.dumps([e.detail for e in session.exec(select(AuditEvent))])
    assert all(h.startswith("$argon2") for h in hashes.values()) and len(hashes) == 2
    assert not [c for c in codes if c.split("-", 1)[1] in detail]

    # Either code names the thread, typed as a person might.
    monkeypatch.setenv("HELPLINE_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("HELPLINE_DATABASE__URL", settings.database_url)
    for code in codes:
        typed = code.upper().replace("-", " ")
        assert main(["dsr", "open", "access", "--claim-code", typed, "--json"]) == 0
        opened = json.loads(capsys.readouterr().out)
        assert opened["subject"] == "claim code"
        with session_scope(engine) as session:
            request = session.get(DataSubjectRequest, opened["id"])
            assert request is not None and request.conversation_id == rows[0].conversation_id


async def test_a_retry_after_a_temporary_failure_keeps_the_hash_of_the_words_delivered(
    replying: Settings, engine: Engine, secret_key: bytes, smtp: tuple[SmtpRecorder, int]
) -> None:
    from helpline_core.mail.outbox import queue_reply

    recorder, _ = smtp
    recorder.script.append("451 4.3.0 try again later")
    conversation = receive(replying, engine)
    with session_scope(engine) as session:
        queue_reply(session, secret_key, replying, conversation=conversation,
                    body="Your code: [[claim-code]]", counsellor_id=None, actor="t")  # fmt: skip
    first = await process_outbox(replying, engine)
    assert (first.retried, first.sent, recorder.messages) == (1, 0, [])
    (row,) = outbound(engine)
    second = await process_outbox(replying, engine, now=row.next_attempt_at)
    assert second.sent == 1
    (code,) = CODE.findall(text_of(bytes(recorder.messages[0].content)))  # type: ignore[arg-type]
    with session_scope(engine) as session:
        assert claims.find(session, secret_key, code, actor="t") == conversation.id

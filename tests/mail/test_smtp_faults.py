"""A reply is never sent twice (issue 21, point 2): an aiosmtpd server that takes the message
and drops the connection before its answer, or drops before the data, or refuses."""

from __future__ import annotations

import asyncio
import imaplib
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.mail import smtp as smtp_module
from helpline_core.mail.reasons import decode
from helpline_core.mail.sender import process_outbox
from helpline_core.models import OutboxState
from tests.mail.conftest import Mailbox
from tests.mail.servers import DELAY, DROP, SmtpRecorder
from tests.mail.test_bounces import waiting
from tests.mail.test_outbox import receive, reply, replying, row, smtp  # noqa: F401


async def test_connection_lost_after_the_data_is_never_retried_by_itself(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
) -> None:
    conversation = receive(replying, engine)
    email_id = reply(replying, engine, secret_key, conversation)
    smtp[0].script.append(DROP)
    report = await process_outbox(replying, engine)
    assert report.unknown == 1 and report.retried == 0
    assert len(smtp[0].messages) == 1  # the server took it
    # Not in the Sent folder (we copy only after the server's answer): a person decides.
    settled = row(engine, email_id)
    assert settled.outbox_state == OutboxState.FAILED
    unknown = decode(settled.last_error or "")
    assert unknown.code in ("delivery_unknown", "delivery_unknown_no_sent_folder")
    assert unknown.english().startswith("delivery unknown")
    assert conversation.id in waiting(engine)
    for later in (timedelta(minutes=2), timedelta(hours=2)):
        await process_outbox(replying, engine, now=utcnow() + later)
    assert len(smtp[0].messages) == 1  # the visitor got it once


async def test_connection_lost_after_the_data_found_in_sent_is_sent(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    team = replying.team("antwerpen")
    assert team is not None

    def file_a_copy(message: bytes) -> None:
        # Like a provider that files what it accepts in the Sent folder itself.
        client = imaplib.IMAP4("127.0.0.1", mailbox.server.port)
        try:
            client.login(mailbox.server.user, mailbox.server.password)
            client.append(team.mail.sent_folder, "(\\Seen)", None, message)
        finally:
            client.logout()

    smtp[0].on_accept = file_a_copy
    smtp[0].script.append(DROP)
    email_id = reply(replying, engine, secret_key, receive(replying, engine))
    report = await process_outbox(replying, engine)
    assert report.unknown == 1 and report.recovered_sent == 1
    assert row(engine, email_id).outbox_state == OutboxState.SENT
    assert waiting(engine) == {}
    assert len(smtp[0].messages) == 1


async def test_connection_lost_before_the_data_is_retried_and_sent_once(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
) -> None:
    email_id = reply(replying, engine, secret_key, receive(replying, engine))
    smtp[0].rcpt_script.append(DROP)
    first = await process_outbox(replying, engine)
    assert first.retried == 1 and first.unknown == 0 and smtp[0].messages == []
    assert row(engine, email_id).outbox_state == OutboxState.QUEUED
    later = await process_outbox(replying, engine, now=utcnow() + timedelta(minutes=2))
    assert later.sent == 1 and len(smtp[0].messages) == 1


async def test_a_server_slower_than_our_timeout_after_the_data_is_not_retried(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(smtp_module, "TIMEOUT_SECONDS", 0.5)
    smtp[0].script.append(f"{DELAY}2")
    smtp[0].received, smtp[0].loop = asyncio.Event(), asyncio.get_running_loop()
    email_id = reply(replying, engine, secret_key, receive(replying, engine))
    report = await process_outbox(replying, engine)
    assert report.unknown == 1 and report.retried == 0
    assert row(engine, email_id).outbox_state == OutboxState.FAILED
    await asyncio.wait_for(smtp[0].received.wait(), 10)  # the slow server took it
    await process_outbox(replying, engine, now=utcnow() + timedelta(hours=2))
    assert len(smtp[0].messages) == 1  # and the visitor gets it once

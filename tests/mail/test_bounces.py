"""Bounces, final refusals and automatic mail (issue 21, points 4 and 5), read from pymap and
Dovecot, our replies sent through aiosmtpd."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.reasons import decode
from helpline_core.mail.sender import process_outbox
from helpline_core.models import Conversation, EmailMessage, MailKind, OutboxState
from helpline_core.services import mail as mail_service
from tests.mail import bounce_corpus, mail_corpus
from tests.mail.conftest import Mailbox
from tests.mail.servers import SmtpRecorder
from tests.mail.test_imap_sync import sync
from tests.mail.test_outbox import replying, row, smtp  # noqa: F401  (fixtures)
from tests.mail.test_reply_recipients import VISITOR, answer, conversation_ids, sent


def conversation(engine: Engine, conversation_id: int) -> Conversation:
    with session_scope(engine) as session:
        found = session.get(Conversation, conversation_id)
        assert found is not None
        return found


def waiting(engine: Engine) -> dict[int, str | None]:
    """The team's list as a counsellor sees it: conversation id -> the reason shown."""
    with session_scope(engine) as session:
        items = mail_service.list_email_conversations(session, team_ids=None)
        by_public = {c.public_id: c.id or 0 for c in session.exec(select(Conversation))}
        return {by_public[item.public_id]: item.attention for item in items}


def inbound(engine: Engine) -> list[EmailMessage]:
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(EmailMessage)
                .where(EmailMessage.direction == "in")
                .order_by(col(EmailMessage.id))
            )
        )


async def answered_visitor(
    settings: Settings, engine: Engine, key: bytes, mailbox: Mailbox
) -> tuple[int, EmailMessage]:
    await mailbox.deliver(mail_corpus.simple("<b1@visitor.example>"))
    await sync(settings, engine)
    (conversation_id,) = conversation_ids(engine)
    reply = answer(settings, engine, key, conversation_id)
    assert (await process_outbox(settings, engine)).sent == 1
    assert waiting(engine) == {}
    return conversation_id, reply


@pytest.mark.parametrize("form", ["rfc3464", "qmail"])
async def test_a_bounce_marks_the_reply_undelivered_and_brings_the_visitor_back(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
    form: str,
) -> None:
    conversation_id, reply = await answered_visitor(replying, engine, secret_key, mailbox)
    builder = bounce_corpus.dsn if form == "rfc3464" else bounce_corpus.qmail_failure
    await mailbox.deliver(builder(reply.message_id))
    report = await sync(replying, engine)
    assert report.new_conversations == []  # no conversation with the mailer daemon
    assert conversation_ids(engine) == [conversation_id]
    bounce = inbound(engine)[-1]
    assert bounce.kind == MailKind.BOUNCE and bounce.due_at is None
    assert bounce.conversation_id == conversation_id
    returned = row(engine, reply.id or 0)
    assert returned.outbox_state == OutboxState.UNDELIVERED
    stored = waiting(engine)[conversation_id]
    assert stored is not None
    why = decode(stored)
    assert why.code in ("bounced", "returned") and why.english().startswith("not delivered")
    assert decode(returned.last_error or "") == why  # the reply says the same
    if form == "rfc3464":
        assert why.code == "bounced" and why.params == {"status": "5.1.1"}
    assert conversation(engine, conversation_id).answered_in_time is None
    # Answering goes to the visitor, never to the daemon; it clears the reason.
    answer(replying, engine, secret_key, conversation_id)
    await process_outbox(replying, engine)
    assert sent(smtp[0])[0] == [VISITOR]
    assert waiting(engine) == {}


async def test_a_delay_notice_changes_nothing(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    mailbox: Mailbox,
) -> None:
    conversation_id, reply = await answered_visitor(replying, engine, secret_key, mailbox)
    await mailbox.deliver(bounce_corpus.dsn(reply.message_id, action="delayed", status="4.4.1"))
    await sync(replying, engine)
    assert row(engine, reply.id or 0).outbox_state == OutboxState.SENT
    assert waiting(engine) == {}
    assert inbound(engine)[-1].conversation_id == conversation_id


async def test_a_final_smtp_refusal_brings_the_visitor_back(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    await mailbox.deliver(mail_corpus.simple("<r550@visitor.example>"))
    await sync(replying, engine)
    (conversation_id,) = conversation_ids(engine)
    smtp[0].script.append("550 5.1.1 no such mailbox")
    reply = answer(replying, engine, secret_key, conversation_id)
    assert conversation(engine, conversation_id).answered_in_time is True
    assert (await process_outbox(replying, engine)).failed == 1
    assert row(engine, reply.id or 0).outbox_state == OutboxState.FAILED
    stored = waiting(engine)[conversation_id]
    assert stored is not None
    assert (decode(stored).code, decode(stored).params) == ("smtp_refused", {"status": 550})
    assert conversation(engine, conversation_id).answered_in_time is None


async def test_automatic_mail_runs_no_clock(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    mailbox: Mailbox,
) -> None:
    conversation_id, reply = await answered_visitor(replying, engine, secret_key, mailbox)
    answered_at = conversation(engine, conversation_id).answered_at
    await mailbox.deliver(bounce_corpus.out_of_office(reply.message_id), bounce_corpus.newsletter())
    report = await sync(replying, engine)
    out_of_office, newsletter = inbound(engine)[-2:]
    # The out-of-office joins the thread; the clock is not restarted.
    assert out_of_office.conversation_id == conversation_id
    assert out_of_office.kind == MailKind.AUTOMATIC and out_of_office.due_at is None
    assert conversation(engine, conversation_id).answered_at == answered_at
    # The newsletter gets a thread of its own, not due, not in the waiting list.
    assert newsletter.kind == MailKind.AUTOMATIC
    (news_conversation,) = report.new_conversations
    assert conversation(engine, news_conversation).due_at is None
    assert waiting(engine) == {}

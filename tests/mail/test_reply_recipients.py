"""Replies go to the right person (issue 21, points 1, 3 and 6): read from a real IMAP server
(pymap and Dovecot), sent through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage as MimeMessage

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.outbox import OutboxError, queue_reply
from helpline_core.mail.sender import process_outbox
from helpline_core.models import Conversation, EmailMessage
from helpline_core.services import mail as mail_service
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox
from tests.mail.servers import SmtpRecorder
from tests.mail.test_imap_sync import sync
from tests.mail.test_outbox import replying, smtp  # noqa: F401  (fixtures)

VISITOR = "anna.test@visitor.example"


def conversation_ids(engine: Engine) -> list[int]:
    with session_scope(engine) as session:
        return [
            c.id or 0 for c in session.exec(select(Conversation).order_by(col(Conversation.id)))
        ]


def answer(
    settings: Settings, engine: Engine, key: bytes, conversation_id: int, choose: int | None = None
) -> EmailMessage:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        return queue_reply(
            session, key, settings, conversation=conversation, body="Dag, we lezen je.",
            counsellor_id=None, actor="counsellor:test", answer=choose,
        )  # fmt: skip


def thread(engine: Engine, key: bytes, conversation_id: int) -> mail_service.EmailThread:
    with session_scope(engine) as session:
        conversation = session.get(Conversation, conversation_id)
        assert conversation is not None
        return mail_service.read_thread(
            session, key, public_id=conversation.public_id, team_ids=None, actor="test"
        )


def sent(recorder: SmtpRecorder, index: int = -1) -> tuple[list[str], MimeMessage]:
    envelope = recorder.messages[index]
    message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
    assert isinstance(message, MimeMessage)
    return list(envelope.rcpt_tos), message


async def test_forward_answered_by_someone_else_never_takes_over_the_conversation(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    await mailbox.deliver(mail_corpus.simple("<v1@visitor.example>"))
    await sync(replying, engine)
    (conversation_id,) = conversation_ids(engine)
    ours = answer(replying, engine, secret_key, conversation_id)
    assert (await process_outbox(replying, engine)).sent == 1
    # Anna forwards our reply to a friend, who answers it: it refers to our Message-ID.
    await mailbox.deliver(
        mail_corpus.simple(
            "<friend-1@other.example>", subject="Re: Fwd: Re: Hulp gevraagd",
            sender="Bert Friend <bert@other.example>", In_Reply_To=ours.message_id,
            References=f"<v1@visitor.example> {ours.message_id}",
        )
    )  # fmt: skip
    await sync(replying, engine)
    assert conversation_ids(engine) == [conversation_id]  # shown in the thread
    shown = thread(engine, secret_key, conversation_id)
    # (Found by sender: Dovecot's INTERNALDATE has whole seconds, so it may sort before ours.)
    (friend,) = [e for e in shown.emails if e.from_address == "bert@other.example"]
    assert friend.other_sender
    assert [e.other_sender for e in shown.emails if e.direction == "in"].count(True) == 1
    # The counsellor sees who the next reply goes to: Anna, not the friend.
    assert shown.recipients == (VISITOR,)
    answer(replying, engine, secret_key, conversation_id)
    await process_outbox(replying, engine)
    recipients, message = sent(smtp[0])
    assert recipients == [VISITOR] and message["To"] == VISITOR
    assert message["In-Reply-To"] == "<v1@visitor.example>"
    # Only a deliberate choice answers the friend.
    answer(replying, engine, secret_key, conversation_id, choose=friend.id)
    await process_outbox(replying, engine)
    assert sent(smtp[0])[0] == ["bert@other.example"]


async def test_same_subject_from_someone_else_starts_its_own_conversation(
    mailbox: Mailbox, engine: Engine
) -> None:
    web_form = "Contactformulier <noreply@form.example>"
    await mailbox.deliver(
        mail_corpus.simple(
            "<f1@form.example>", subject="Contactformulier", sender=web_form,
            Reply_To="anna.test@visitor.example",
        ),
        mail_corpus.simple(
            "<f2@form.example>", subject="Contactformulier", sender=web_form,
            Reply_To="carl@visitor.example",
        ),
    )  # fmt: skip
    await sync(mailbox.settings, engine)
    assert len(conversation_ids(engine)) == 2


async def test_reply_to_and_every_from_address_get_the_reply(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    await mailbox.deliver(
        mail_corpus.simple(
            "<form-1@form.example>", subject="Vraag via het formulier",
            sender="Website <noreply@form.example>", Reply_To="Anna <anna.test@visitor.example>",
        ),
        mail_corpus.simple(
            "<two-1@visitor.example>", subject="Wij samen",
            sender="anna.test@visitor.example, Dirk <dirk@visitor.example>",
        ),
    )  # fmt: skip
    await sync(replying, engine)
    form, both = conversation_ids(engine)
    assert thread(engine, secret_key, form).recipients == (VISITOR,)
    assert thread(engine, secret_key, both).recipients == (VISITOR, "dirk@visitor.example")
    answer(replying, engine, secret_key, form)
    answer(replying, engine, secret_key, both)
    assert (await process_outbox(replying, engine)).sent == 2
    assert sorted(sent(smtp[0], 0)[0] + sent(smtp[0], 1)[0]) == sorted(
        [VISITOR, VISITOR, "dirk@visitor.example"]
    )
    assert "noreply" not in str(sent(smtp[0], 0)[1]["To"]) + str(sent(smtp[0], 1)[1]["To"])


async def test_references_follow_rfc_5322_when_the_answer_has_no_references(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    await mailbox.deliver(mail_corpus.simple("<r1@visitor.example>"))
    await sync(replying, engine)
    (conversation_id,) = conversation_ids(engine)
    first = answer(replying, engine, secret_key, conversation_id)
    await process_outbox(replying, engine)
    # Anna's client sets In-Reply-To only.
    await mailbox.deliver(
        mail_corpus.simple(
            "<r2@visitor.example>", subject="Re: Hulp gevraagd", In_Reply_To=first.message_id
        )
    )
    await sync(replying, engine)
    answer(replying, engine, secret_key, conversation_id)
    await process_outbox(replying, engine)
    _, message = sent(smtp[0])
    assert message["In-Reply-To"] == "<r2@visitor.example>"
    assert str(message["References"]).split() == [first.message_id, "<r2@visitor.example>"]


@pytest.mark.parametrize("mail", ["bounce", "newsletter"])
async def test_nothing_to_answer_in_a_thread_of_a_daemon_or_a_newsletter(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    mailbox: Mailbox,
    mail: str,
) -> None:
    from tests.mail import bounce_corpus

    raw = (
        bounce_corpus.dsn("<not-ours@elsewhere.example>")
        if mail == "bounce"
        else bounce_corpus.newsletter()
    )
    await mailbox.deliver(raw)
    await sync(replying, engine)
    (conversation_id,) = conversation_ids(engine)
    assert thread(engine, secret_key, conversation_id).recipients == ()
    with pytest.raises(OutboxError, match="no email from a person"):
        answer(replying, engine, secret_key, conversation_id)


async def test_a_sender_with_a_quoted_local_part_is_answered(
    replying: Settings,  # noqa: F811
    engine: Engine,
    secret_key: bytes,
    smtp: tuple[SmtpRecorder, int],  # noqa: F811
    mailbox: Mailbox,
) -> None:
    # RFC 5322 allows "anna test"@visitor.example; such a sender was quarantined as having none.
    quoted = '"anna test"@visitor.example'
    await mailbox.deliver(
        mail_corpus.simple(
            "<quoted-1@visitor.example>", subject="Een vraag", sender=f"Anna Test <{quoted}>"
        )
    )
    await sync(replying, engine)
    (only,) = conversation_ids(engine)
    assert thread(engine, secret_key, only).recipients == (quoted,)
    answer(replying, engine, secret_key, only)
    assert (await process_outbox(replying, engine)).sent == 1
    recipients, message = sent(smtp[0])
    assert recipients == [quoted]
    assert quoted in str(message["To"])

"""Issue 17 through a real mailbox (pymap and Dovecot): real-world faults, reused Message-IDs
and the deletion of one of two threads that share one; the counsellor's view is asserted."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.db import session_scope
from helpline_core.mail.dedup import REUSED_ID_NOTE
from helpline_core.mail.delete import purge_marked
from helpline_core.models import Conversation, EmailMessage
from helpline_core.services import mail as mail_service
from helpline_core.services.mail import ThreadEmail
from tests.mail import mail_corpus, real_world
from tests.mail.conftest import Mailbox
from tests.mail.test_imap_sync import sync

SHARED = "<shared@example.org>"


def counsellor_view(engine: Engine, key: bytes, message_id: str) -> list[ThreadEmail]:
    """What a counsellor reads: the thread of each stored email with this Message-ID."""
    with session_scope(engine) as session:
        public_ids = [
            conversation.public_id
            for conversation in session.exec(
                select(Conversation)
                .join(EmailMessage, EmailMessage.conversation_id == Conversation.id)  # type: ignore[arg-type]
                .where(EmailMessage.message_id == message_id)
                .order_by(EmailMessage.id)  # type: ignore[arg-type]
            )
        ]
        return [
            email
            for public_id in dict.fromkeys(public_ids)
            for email in mail_service.read_thread(
                session, key, public_id=public_id, team_ids=None, actor="counsellor:test"
            ).emails
        ]


async def test_real_world_faults_are_shown(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    cases = real_world.cases()
    await mailbox.deliver(*(case.raw for case in cases))
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.duplicates, report.quarantined) == (len(cases), 0, 0)
    for case in cases:
        message_id = next(
            line.split(b":", 1)[1].strip().decode()
            for line in case.raw.splitlines()
            if line.lower().startswith(b"message-id:")
        )
        view = counsellor_view(engine, secret_key, message_id)
        assert len(view) == 1, (case.name, [e.subject for e in view])
        (email,) = view
        if case.subject is not None:
            assert email.subject == case.subject, case.name
        if case.from_name is not None:
            assert email.from_name == case.from_name, case.name
        if case.from_address is not None:
            assert email.from_address == case.from_address, case.name
        for text in case.body_contains:
            assert text in email.body, case.name
        if case.problem_contains:
            assert any(case.problem_contains in p for p in email.problems), case.name


async def test_reused_message_id_is_stored_apart_and_deleted_apart(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    anna = mail_corpus.simple(SHARED, subject="Thuis", body="Anna vertelt over thuis.")
    bob = mail_corpus.simple(
        SHARED, subject="School", body="Bob vertelt over school.", sender="Bob <bob@v.example>"
    )
    # Anna's mail delivered twice (the same bytes): one message. Bob's: another message.
    await mailbox.deliver(anna, bob, anna)
    report = await sync(mailbox.settings, engine)
    assert (report.stored, report.duplicates, report.quarantined) == (2, 1, 0)
    first, second = counsellor_view(engine, secret_key, SHARED)
    assert (first.from_address, first.body) == (
        "anna.test@visitor.example",
        "Anna vertelt over thuis.",
    )
    assert (second.from_address, second.body) == ("bob@v.example", "Bob vertelt over school.")
    assert REUSED_ID_NOTE in second.problems and REUSED_ID_NOTE not in first.problems
    with session_scope(engine) as session:
        rows = session.exec(select(EmailMessage).order_by(EmailMessage.id)).all()  # type: ignore[arg-type]
        anna_thread, bob_thread = rows[0].conversation_id, rows[1].conversation_id
        assert anna_thread != bob_thread
        public_id = session.get(Conversation, anna_thread).public_id  # type: ignore[union-attr]

    # Anna answers herself, In-Reply-To the shared id: her thread, not Bob's.
    await mailbox.deliver(
        mail_corpus.simple(
            "<anna-2@v.example>", subject="Re: Thuis", body="Nog iets.", In_Reply_To=SHARED
        )
    )
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        answer = session.exec(
            select(EmailMessage).where(EmailMessage.message_id == "<anna-2@v.example>")
        ).one()
        assert answer.conversation_id == anna_thread

    # "Please don't keep my email" for Anna's thread: Bob's mail stays, in the mailbox and here.
    with session_scope(engine) as session:
        mail_service.request_deletion(
            session, secret_key, public_id=public_id, team_ids=None, actor="counsellor:test"
        )
    deleted = await purge_marked(mailbox.settings, engine, secret_key)
    assert (deleted.conversations, deleted.emails, deleted.expunged) == (1, 2, 3)
    assert await mailbox.server.message_ids(mailbox.folder) == [SHARED]
    (left,) = counsellor_view(engine, secret_key, SHARED)
    assert left.from_address == "bob@v.example" and left.body == "Bob vertelt over school."
    with session_scope(engine) as session:
        assert [row.conversation_id for row in session.exec(select(EmailMessage))] == [bob_thread]

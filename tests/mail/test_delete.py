"""Deleting a thread on request (E3): expunged from the IMAP mailbox, deleted from the database."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.mail.delete import purge_marked
from helpline_core.mail.sender import process_outbox
from helpline_core.mail.store import attachment_path
from helpline_core.models import Attachment, AuditEvent, ClaimCode, Conversation, EmailMessage
from helpline_core.services import mail as mail_service
from helpline_core.services.rights import claims
from tests.mail import mail_corpus
from tests.mail.conftest import Mailbox, with_mailbox
from tests.mail.test_imap_sync import sync


async def test_thread_is_expunged_and_deleted(
    mailbox: Mailbox,
    sending_mailbox: tuple[Settings, str],
    engine: Engine,
    secret_key: bytes,
    tmp_path: Path,
) -> None:
    settings, sent_folder = sending_mailbox
    await mailbox.deliver(
        mail_corpus.big_attachment(50_000),  # has an attachment file on disk
        mail_corpus.simple("<keep@visitor.example>", subject="Iemand anders"),
    )
    await sync(settings, engine)
    with session_scope(engine) as session:
        target = session.exec(
            select(Conversation).where(Conversation.subject == "grote bijlage")
        ).one()
        # The reply gives a claim code; the other thread has one too, which must stay.
        mail_service.reply(
            session, secret_key, settings, public_id=target.public_id,
            body="Antwoord [[claim-code]]", team_ids=None, counsellor_id=None,
            actor="counsellor:test",
        )  # fmt: skip
        other = session.exec(select(Conversation).where(Conversation.id != target.id)).one()
        claims.issue(session, secret_key, conversation=other.public_id, language="nl", actor="t")
        (attachment,) = session.exec(select(Attachment)).all()
    assert (await process_outbox(settings, engine)).sent == 1
    stored_file = attachment_path(settings, attachment.stored_name)
    assert stored_file.exists()
    with session_scope(engine) as session:
        mail_service.request_deletion(
            session,
            secret_key,
            public_id=target.public_id,
            team_ids=None,
            actor="counsellor:test",
        )
    # Marked: gone from the lists at once.
    with session_scope(engine) as session:
        listed = mail_service.list_email_conversations(
            session, team_ids=None, include_answered=True
        )
        assert target.public_id not in [item.public_id for item in listed]
    report = await purge_marked(settings, engine, secret_key)
    assert (report.conversations, report.emails, report.expunged, report.pending) == (1, 2, 2, 0)
    assert await mailbox.server.message_ids(mailbox.folder) == ["<keep@visitor.example>"]
    assert await mailbox.server.message_ids(sent_folder) == []
    assert not stored_file.exists()
    with session_scope(engine) as session:
        remaining = session.exec(select(EmailMessage)).all()
        assert [email.message_id for email in remaining] == ["<keep@visitor.example>"]
        stub = session.get(Conversation, target.id)
        assert stub is not None and stub.subject is None
        assert session.exec(select(ClaimCode.conversation_id)).all() == [other.id]
        events = list(
            session.exec(select(AuditEvent).where(AuditEvent.object_id == target.public_id))
        )
        details = " ".join(event.detail for event in session.exec(select(AuditEvent)))
    by_action = {event.action: json.loads(event.detail) for event in events}
    assert "email.delete_requested" in by_action
    assert by_action["email.thread_deleted"] == {
        "attachments": 1, "emails": 2, "expunged": 2, "claim_codes": 1, "left_in_mailbox": 0,
    }  # fmt: skip
    assert "Antwoord" not in details and "visitor.example" not in details
    # Done once: nothing left to do.
    assert (await purge_marked(settings, engine, secret_key)).conversations == 0


async def test_deletion_waits_for_an_unreachable_mailbox(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    # No Message-ID: found again by its stored UID.
    await mailbox.deliver(mail_corpus.simple(message_id="", subject="zonder id"))
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        conversation = session.exec(select(Conversation)).one()
        mail_service.request_deletion(
            session, secret_key, public_id=conversation.public_id, team_ids=None, actor="t"
        )
    down: Settings = with_mailbox(mailbox.settings, imap_port=1)
    pending = await purge_marked(down, engine, secret_key)
    assert pending.pending == 1 and pending.conversations == 0
    with session_scope(engine) as session:
        assert len(session.exec(select(EmailMessage)).all()) == 1
    done = await purge_marked(mailbox.settings, engine, secret_key)
    assert (done.conversations, done.expunged) == (1, 1)
    assert await mailbox.server.message_ids(mailbox.folder) == []


REUSED = "<reused@mailer.example>"


async def _two_threads(
    mailbox: Mailbox, engine: Engine, key: bytes, anna: str, other: str
) -> dict[str, int]:
    """Two threads under one Message-ID ("oud" from `anna`, "nieuw" from `other`), read and
    then stored without their UIDs (as mail read before UIDs were kept): found by Message-ID
    only. Returns each subject's UID in the folder."""
    await mailbox.deliver(
        mail_corpus.simple(REUSED, subject="oud", sender=anna),
        mail_corpus.simple(REUSED, subject="nieuw", sender=other),
    )
    await sync(mailbox.settings, engine)
    with session_scope(engine) as session:
        placed = {}
        for email in session.exec(select(EmailMessage)):
            assert email.subject is not None and email.imap_uid is not None
            placed[email.subject] = email.imap_uid
            email.imap_uid = None
            session.add(email)
        threads = session.exec(select(Conversation)).all()
        assert len(threads) == 2
        old = next(c for c in threads if c.subject == "oud")
        mail_service.request_deletion(
            session, key, public_id=old.public_id, team_ids=None, actor="t"
        )
    return placed


async def test_a_thread_is_told_apart_from_another_senders_under_its_message_id(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """The thread to delete and another sender's thread share a Message-ID and neither has a
    known UID: the search adds this thread's sender, so only its mail leaves the folder."""
    placed = await _two_threads(
        mailbox, engine, secret_key, "Anna <anna@visitor.example>", "Bert <bert@visitor.example>"
    )
    report = await purge_marked(mailbox.settings, engine, secret_key)
    assert (report.conversations, report.emails, report.expunged, report.left) == (1, 1, 1, 0)
    assert await mailbox.server.uids(mailbox.folder) == [placed["nieuw"]]
    with session_scope(engine) as session:
        assert [e.subject for e in session.exec(select(EmailMessage))] == ["nieuw"]


async def test_a_message_the_search_cannot_tell_apart_stays_and_is_left_for_a_person(
    mailbox: Mailbox, engine: Engine, secret_key: bytes
) -> None:
    """The same sender's other thread shares the Message-ID and neither has a known UID: no
    search tells them apart, so both stay in the mailbox; the thread's rows go, and the report
    and the audit event count one message left for a person (no address)."""
    placed = await _two_threads(
        mailbox, engine, secret_key, "Anna <anna@visitor.example>", "Anna <anna@visitor.example>"
    )
    report = await purge_marked(mailbox.settings, engine, secret_key)
    assert (report.conversations, report.emails, report.expunged, report.left) == (1, 1, 0, 1)
    assert await mailbox.server.uids(mailbox.folder) == sorted(placed.values())
    with session_scope(engine) as session:
        assert [e.subject for e in session.exec(select(EmailMessage))] == ["nieuw"]
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "email.thread_deleted")
        ).one()
    assert json.loads(event.detail)["left_in_mailbox"] == 1
    assert "visitor.example" not in event.detail

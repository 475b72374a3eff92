"""Store one inbound email: dedup by Message-ID, thread it, start or restart the answer clock.

Threading: a mail joins the team's email conversation that holds one of the Message-IDs in its
In-Reply-To or References; failing that, the newest conversation of the same sender whose
subject (without Re:/Fwd: prefixes) is the same, within the email retention period. Otherwise it
opens a new conversation, due `calendar.working_days_to_answer` working days after receipt.

The clock: a new mail in a conversation that was already answered restarts it (the visitor wrote
again and is owed a new answer); a mail in a conversation still waiting for an answer keeps the
earlier, stricter due time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session, col, func, select

from helpline_core.calendar import email_due_at
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.mail.parse import ParsedEmail, Quarantine, parse_message, thread_subject
from helpline_core.mail.store import write_attachment
from helpline_core.models import (
    Attachment,
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    QuarantinedEmail,
    Team,
)

FALLBACK_CANDIDATES = 50


@dataclass(frozen=True)
class IngestResult:
    kind: Literal["stored", "duplicate", "quarantined"]
    email_id: int | None = None
    conversation_id: int | None = None
    new_conversation: bool = False
    reason: str = ""


def quarantine(
    session: Session,
    *,
    mailbox: str,
    raw: bytes,
    reason: str,
    uidvalidity: int | None = None,
    uid: int | None = None,
) -> IngestResult:
    """Keep the raw bytes with the reason, so nothing is lost (E4)."""
    row = QuarantinedEmail(
        mailbox=mailbox, imap_uidvalidity=uidvalidity, imap_uid=uid, reason=reason, raw=raw
    )
    session.add(row)
    session.flush()
    return IngestResult("quarantined", email_id=row.id, reason=reason)


def ingest_message(
    session: Session,
    settings: Settings,
    *,
    team: Team,
    raw: bytes,
    uidvalidity: int | None = None,
    uid: int | None = None,
    received_at: datetime | None = None,
) -> IngestResult:
    """Parse and store one message in the caller's transaction."""
    assert team.id is not None
    parsed = parse_message(raw, settings.mail)
    if isinstance(parsed, Quarantine):
        return quarantine(
            session,
            mailbox=team.code,
            raw=raw,
            reason=parsed.reason,
            uidvalidity=uidvalidity,
            uid=uid,
        )
    if _is_duplicate(session, team.code, parsed.message_id):
        return IngestResult("duplicate", reason="Message-ID already stored")
    received = received_at or utcnow()
    conversation = find_thread(session, settings, team.id, parsed, received)
    new = conversation is None
    if conversation is None:
        conversation = Conversation(
            public_id=str(uuid.uuid4()),
            channel=Channel.EMAIL,
            status=ConversationStatus.QUEUED,
            team_id=team.id,
            subject=parsed.subject or None,
            created_at=received,
        )
    _run_clock(conversation, settings, received)
    conversation.last_activity_at = max(received, conversation.last_activity_at or received)
    session.add(conversation)
    session.flush()
    assert conversation.id is not None
    email = EmailMessage(
        conversation_id=conversation.id,
        direction=EmailDirection.INBOUND,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references) or None,
        subject=parsed.subject,
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        to_addresses=", ".join(parsed.to_addresses) or None,
        header_date=parsed.header_date,
        received_at=received,
        body_text=parsed.body_text,
        problems="\n".join(parsed.problems) or None,
        mailbox=team.code,
        imap_uidvalidity=uidvalidity,
        imap_uid=uid,
        raw_size=len(raw),
    )
    session.add(email)
    session.flush()
    assert email.id is not None
    _store_attachments(session, settings, email.id, parsed)
    return IngestResult("stored", email.id, conversation.id, new)


def _is_duplicate(session: Session, mailbox: str, message_id: str) -> bool:
    found = session.exec(
        select(EmailMessage.id)
        .where(EmailMessage.message_id == message_id)
        .where(EmailMessage.mailbox == mailbox)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .limit(1)
    ).first()
    return found is not None


def _run_clock(conversation: Conversation, settings: Settings, received: datetime) -> None:
    waiting = conversation.due_at is not None and conversation.answered_at is None
    if waiting:
        return
    conversation.due_at = email_due_at(received, settings.calendar, settings.helpline.timezone)
    conversation.answered_at = None
    conversation.answered_in_time = None
    if conversation.status == ConversationStatus.ENDED:
        conversation.status = ConversationStatus.QUEUED
        conversation.ended_at = None


def find_thread(
    session: Session, settings: Settings, team_id: int, parsed: ParsedEmail, received: datetime
) -> Conversation | None:
    """The team's live email conversation this mail belongs to, if any."""
    ids = parsed.thread_ids
    if ids:
        statement = (
            select(Conversation)
            .join(EmailMessage, col(EmailMessage.conversation_id) == col(Conversation.id))
            .where(col(EmailMessage.message_id).in_(ids))
            .where(Conversation.team_id == team_id)
            .where(Conversation.channel == Channel.EMAIL)
            .where(col(Conversation.delete_requested_at).is_(None))
            .order_by(col(EmailMessage.received_at).desc())
            .limit(1)
        )
        found = session.exec(statement).first()
        if found is not None:
            return found
    key = thread_subject(parsed.subject)
    if not key or not parsed.from_address:
        return None
    since = received - timedelta(days=31 * settings.retention.email_months)
    candidates = session.exec(
        select(EmailMessage, Conversation)
        .join(Conversation, col(EmailMessage.conversation_id) == col(Conversation.id))
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .where(func.lower(col(EmailMessage.from_address)) == parsed.from_address.lower())
        .where(Conversation.team_id == team_id)
        .where(Conversation.channel == Channel.EMAIL)
        .where(col(Conversation.delete_requested_at).is_(None))
        .where(col(EmailMessage.received_at) >= since)
        .order_by(col(EmailMessage.received_at).desc())
        .limit(FALLBACK_CANDIDATES)
    ).all()
    for email, conversation in candidates:
        if thread_subject(email.subject or "") == key:
            return conversation
    return None


def _store_attachments(
    session: Session, settings: Settings, email_id: int, parsed: ParsedEmail
) -> None:
    for item in parsed.attachments:
        stored_name, digest = "", ""
        if item.content is not None:
            stored_name, digest = write_attachment(settings, item.content)
        session.add(
            Attachment(
                email_id=email_id,
                # Dropped attachments get a unique placeholder name: no file behind it.
                stored_name=stored_name or f"dropped-{uuid.uuid4().hex}",
                original_name=item.original_name,
                declared_type=item.declared_type,
                detected_type=item.detected_type,
                size=item.size,
                sha256=digest,
                dropped_reason=item.dropped_reason,
            )
        )
    session.flush()

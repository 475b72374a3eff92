"""The outbox: queue a reply, build its MIME message, and move it through its states.

States: QUEUED -> SENDING -> SENT, or back to QUEUED (temporary failure, with back-off), or
FAILED (final failure, attempts used up, or delivery unknown after a crash). A row is claimed
by a conditional UPDATE (QUEUED -> SENDING), so two workers never send the same reply, and the
claim is committed before the SMTP transaction starts: a crash leaves the row in SENDING, never
in QUEUED, so it is never sent a second time. `next_attempt_at` of a SENDING row is its lease;
see `sender.recover_interrupted` for what happens when the lease runs out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import update
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.models import (
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    OutboxState,
    Team,
)
from helpline_core.services import audit

SENDING_LEASE = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=1)
MAX_REFERENCES = 20


class OutboxError(ValueError):
    """A reply cannot be queued; the message says why (for the counsellor)."""


class HeaderInjection(OutboxError):
    """A header value holds CR or LF: refused, never folded or cleaned."""


def check_header(name: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise HeaderInjection(f"{name} holds a line break")
    return value


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each temporary failure, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def reply_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if not subject:
        return "Re: uw bericht"
    return subject if subject[:3].casefold() == "re:" else f"Re: {subject}"


def queue_reply(
    session: Session,
    key: bytes,
    settings: Settings,
    *,
    conversation: Conversation,
    body: str,
    counsellor_id: int | None,
    actor: str,
    now: datetime | None = None,
) -> EmailMessage:
    """Put a reply in the outbox and stop the conversation's answer clock (E2)."""
    now = now or utcnow()
    if conversation.channel != Channel.EMAIL or conversation.id is None:
        raise OutboxError("not an email conversation")
    if conversation.delete_requested_at is not None:
        raise OutboxError("this conversation is marked for deletion")
    if not body.strip():
        raise OutboxError("the reply is empty")
    team = session.get(Team, conversation.team_id) if conversation.team_id else None
    team_settings = settings.team(team.code) if team else None
    if team is None or team_settings is None or not team_settings.mail.from_address:
        raise OutboxError("this team has no From address for email configured")
    last = session.exec(
        select(EmailMessage)
        .where(EmailMessage.conversation_id == conversation.id)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .order_by(col(EmailMessage.received_at).desc(), col(EmailMessage.id).desc())
        .limit(1)
    ).first()
    if last is None or not last.from_address:
        raise OutboxError("there is no email to answer in this conversation")
    references = (last.references or "").split()
    references = [*references, last.message_id][-MAX_REFERENCES:]
    domain = team_settings.mail.from_address.rpartition("@")[2] or "helpline.invalid"
    reply = EmailMessage(
        conversation_id=conversation.id,
        direction=EmailDirection.OUTBOUND,
        message_id=make_msgid(domain=domain),
        in_reply_to=check_header("In-Reply-To", last.message_id),
        references=check_header("References", " ".join(references)),
        subject=check_header("Subject", reply_subject(last.subject or conversation.subject or "")),
        from_address=check_header("From", team_settings.mail.from_address),
        from_name=check_header("From", team_settings.mail.from_name) or None,
        to_addresses=check_header("To", last.from_address),
        received_at=now,  # for an outbound row: when it was written; also its Date header
        body_text=body.replace("\r\n", "\n"),
        mailbox=team.code,
        counsellor_id=counsellor_id,
        outbox_state=OutboxState.QUEUED,
        next_attempt_at=now,
    )
    session.add(reply)
    _mark_emails_answered(session, conversation.id, now)
    if conversation.answered_at is None:
        conversation.answered_at = now
        conversation.answered_in_time = conversation.due_at is None or now <= conversation.due_at
    conversation.last_activity_at = now
    if conversation.status == ConversationStatus.QUEUED:
        conversation.status = ConversationStatus.ACTIVE
    session.add(conversation)
    session.flush()
    audit.record(
        session,
        key,
        actor=actor,
        action="email.reply_queued",
        object_type="conversation",
        object_id=conversation.public_id,
        detail={"email_id": reply.id, "in_time": conversation.answered_in_time},
    )
    return reply


def build_mime(reply: EmailMessage) -> MimeMessage:
    """The message exactly as it goes out; rebuilt identically on every attempt."""
    message = MimeMessage()
    message["From"] = formataddr(
        (reply.from_name or "", check_header("From", reply.from_address or ""))
    )
    message["To"] = check_header("To", reply.to_addresses or "")
    message["Subject"] = check_header("Subject", reply.subject or "")
    message["Date"] = format_datetime(reply.received_at)
    message["Message-ID"] = check_header("Message-ID", reply.message_id)
    if reply.in_reply_to:
        message["In-Reply-To"] = check_header("In-Reply-To", reply.in_reply_to)
    if reply.references:
        message["References"] = check_header("References", reply.references)
    message.set_content(reply.body_text)
    return message


def claim(session: Session, email_id: int, now: datetime) -> bool:
    """QUEUED -> SENDING with a lease; False when another worker got there first."""
    result = session.execute(
        update(EmailMessage)
        .where(col(EmailMessage.id) == email_id)
        .where(col(EmailMessage.outbox_state) == OutboxState.QUEUED)
        .values(
            outbox_state=OutboxState.SENDING,
            attempts=col(EmailMessage.attempts) + 1,
            next_attempt_at=now + SENDING_LEASE,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def due_ids(session: Session, now: datetime, limit: int = 20) -> list[int]:
    rows = session.exec(
        select(EmailMessage.id)
        .where(EmailMessage.outbox_state == OutboxState.QUEUED)
        .where(col(EmailMessage.next_attempt_at) <= now)
        .order_by(col(EmailMessage.next_attempt_at))
        .limit(limit)
    )
    return [row for row in rows if row is not None]


def stale_sending(session: Session, now: datetime) -> list[EmailMessage]:
    return list(
        session.exec(
            select(EmailMessage)
            .where(EmailMessage.outbox_state == OutboxState.SENDING)
            .where(col(EmailMessage.next_attempt_at) < now)
        )
    )


def mark_sent(session: Session, email_id: int, now: datetime, note: str | None = None) -> None:
    reply = session.get(EmailMessage, email_id)
    assert reply is not None
    reply.outbox_state = OutboxState.SENT
    reply.sent_at = now
    reply.next_attempt_at = None
    reply.last_error = note
    session.add(reply)


def mark_failed_attempt(
    session: Session, email_id: int, now: datetime, error: str, *, final: bool, max_attempts: int
) -> OutboxState:
    """Back to QUEUED after a back-off, or FAILED when final or out of attempts."""
    reply = session.get(EmailMessage, email_id)
    assert reply is not None
    reply.last_error = error
    if final or reply.attempts >= max_attempts:
        reply.outbox_state = OutboxState.FAILED
        reply.next_attempt_at = None
    else:
        reply.outbox_state = OutboxState.QUEUED
        reply.next_attempt_at = now + backoff(reply.attempts)
    session.add(reply)
    return reply.outbox_state


def requeue(session: Session, key: bytes, email_id: int, *, actor: str) -> EmailMessage:
    """A person decided a FAILED reply should be tried again (e.g. after checking it never left)."""
    reply = session.get(EmailMessage, email_id)
    if reply is None or reply.direction != EmailDirection.OUTBOUND:
        raise OutboxError(f"no outgoing email {email_id}")
    if reply.outbox_state != OutboxState.FAILED:
        raise OutboxError(f"email {email_id} is {reply.outbox_state}, not failed")
    reply.outbox_state = OutboxState.QUEUED
    reply.attempts = 0
    reply.next_attempt_at = utcnow()
    session.add(reply)
    audit.record(
        session, key, actor=actor, action="email.requeued", object_type="email", object_id=email_id
    )
    return reply


def _mark_emails_answered(session: Session, conversation_id: int | None, now: datetime) -> None:
    """A reply answers every inbound email of the thread still waiting; each keeps its verdict."""
    waiting = session.exec(
        select(EmailMessage).where(
            EmailMessage.conversation_id == conversation_id,
            EmailMessage.direction == EmailDirection.INBOUND,
            col(EmailMessage.answered_at).is_(None),
        )
    ).all()
    for email in waiting:
        email.answered_at = now
        email.answered_in_time = email.due_at is None or now <= email.due_at
        session.add(email)

"""The outbox: queue a reply, build its MIME message, and move it through its states.

States: QUEUED -> SENDING -> SENT, or back to QUEUED (a temporary failure before the message
data was sent, with back-off), or FAILED (final refusal, attempts used up, or delivery unknown
after a crash or a connection lost after the data was sent); SENT -> UNDELIVERED when a bounce
returns it. FAILED and UNDELIVERED put the conversation back in front of a person
(`needs_person`: the conversation's `attention` and its answer clock). A row is claimed
by a conditional UPDATE (QUEUED -> SENDING), so two workers never send the same reply, and the
claim is committed before the SMTP transaction starts: a crash leaves the row in SENDING, never
in QUEUED, so it is never sent a second time. `next_attempt_at` of a SENDING row is its lease;
see `sender.recover_interrupted` for what happens when the lease runs out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, formataddr, make_msgid
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.mail.reasons import Reason
from helpline_core.models import (
    Channel,
    Conversation,
    ConversationStatus,
    EmailDirection,
    EmailMessage,
    MailKind,
    OutboxState,
    Team,
)
from helpline_core.services import audit
from helpline_core.services.rights import email_claims

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


def answered_email(
    session: Session, conversation: Conversation, email_id: int | None = None
) -> EmailMessage:
    """The email a reply answers: `email_id` when a counsellor chose one (an inbound email of
    this conversation from a person), else the correspondent's newest; never a bounce or
    automatic mail, so that a reply never goes to a mailer daemon or a newsletter."""
    statement = (
        select(EmailMessage)
        .where(EmailMessage.conversation_id == conversation.id)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .where(EmailMessage.kind == MailKind.PERSON)
        .order_by(
            col(EmailMessage.other_sender),  # the correspondent's mail before any other's
            col(EmailMessage.received_at).desc(),
            col(EmailMessage.id).desc(),
        )
    )
    if email_id is not None:
        statement = statement.where(EmailMessage.id == email_id)
    found = session.exec(statement.limit(1)).first()
    if found is None or not found.from_address:
        if email_id is not None:
            raise OutboxError("that email cannot be answered (not a person's mail here)")
        raise OutboxError("there is no email from a person to answer in this conversation")
    return found


def recipients(email: EmailMessage) -> list[str]:
    """Who a reply to `email` goes to: its Reply-To, else its From addresses (mail.classify)."""
    stored = [a.strip() for a in (email.reply_to or "").split(",") if a.strip()]
    return stored or [email.from_address or ""]


def reply_references(parent: EmailMessage) -> list[str]:
    """RFC 5322 3.6.4: the parent's References (or, without them, its In-Reply-To), then the
    parent's Message-ID; the oldest trimmed when long."""
    earlier = (parent.references or "").split() or (parent.in_reply_to or "").split()
    return [*[i for i in earlier if i != parent.message_id], parent.message_id][-MAX_REFERENCES:]


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
    answer: int | None = None,
) -> EmailMessage:
    """Put a reply in the outbox and stop the conversation's answer clock (E2). It answers
    `answered_email(answer)`: by default the correspondent's newest mail."""
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
    last = answered_email(session, conversation, answer)
    day = now.astimezone(ZoneInfo(settings.helpline.timezone)).date()
    body, claim = email_claims.reserve(session, key, conversation, body, day, actor=actor)
    references = reply_references(last)
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
        to_addresses=check_header("To", ", ".join(recipients(last))),
        received_at=now,  # for an outbound row: when it was written; also its Date header
        body_text=body.replace("\r\n", "\n"),
        mailbox=team.code,
        counsellor_id=counsellor_id,
        outbox_state=OutboxState.QUEUED,
        next_attempt_at=now,
        claim_code_id=claim.id if claim else None,
    )
    session.add(reply)
    _mark_emails_answered(session, conversation.id, now)
    if conversation.answered_at is None:
        conversation.answered_at = now
        conversation.answered_in_time = conversation.due_at is None or now <= conversation.due_at
    conversation.last_activity_at = now
    conversation.attention = None  # a person has acted on it
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
        detail={
            "email_id": reply.id,
            "in_time": conversation.answered_in_time,
            "recipients": len(recipients(last)),
            "answers": last.id,
            "claim_code": claim is not None,
        },
    )
    return reply


def build_mime(reply: EmailMessage, body: str | None = None) -> MimeMessage:
    """The message exactly as it goes out; rebuilt identically on every attempt. `body`
    replaces the stored body (a claim code's words, sent but never stored)."""
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
    message.set_content(reply.body_text if body is None else body)
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


def mark_sent(session: Session, email_id: int, now: datetime, note: Reason | None = None) -> None:
    """SENT; `note` (sent_copy_failed, recovered_sent) says how, for an admin."""
    reply = session.get(EmailMessage, email_id)
    assert reply is not None
    reply.outbox_state = OutboxState.SENT
    reply.sent_at = now
    reply.next_attempt_at = None
    reply.last_error = note.encode() if note else None
    session.add(reply)


def mark_failed_attempt(
    session: Session,
    email_id: int,
    now: datetime,
    error: Reason,
    *,
    final: bool,
    max_attempts: int,
) -> OutboxState:
    """Back to QUEUED after a back-off, or FAILED (for a person) when final or out of attempts;
    `error` is a delivery code of mail.reasons (the server's words are its detail)."""
    reply = session.get(EmailMessage, email_id)
    assert reply is not None
    reply.last_error = error.encode()
    if final or reply.attempts >= max_attempts:
        needs_person(session, reply, error, now, state=OutboxState.FAILED)
    else:
        reply.outbox_state = OutboxState.QUEUED
        reply.next_attempt_at = now + backoff(reply.attempts)
    session.add(reply)
    state = reply.outbox_state
    assert state is not None
    return state


def needs_person(
    session: Session, reply: EmailMessage, reason: Reason, now: datetime, *, state: OutboxState
) -> None:
    """A reply that did not (or may not have) reach(ed) its recipient: the reply gets `state`
    and the reason (a delivery code of mail.reasons), and its conversation is unanswered again,
    with the same reason as its `attention`, so that it is back in the team's list (E2: the
    visitor has no answer). The emails it answered are unanswered again too; their due times
    stay, so lateness shows."""
    reply.outbox_state = state
    reply.next_attempt_at = None
    reply.last_error = reason.encode()
    session.add(reply)
    conversation = session.get(Conversation, reply.conversation_id)
    if conversation is None:
        return
    conversation.attention = reason.encode()
    conversation.answered_at = None
    conversation.answered_in_time = None
    conversation.last_activity_at = max(now, conversation.last_activity_at or now)
    session.add(conversation)
    answered = session.exec(
        select(EmailMessage).where(
            EmailMessage.conversation_id == conversation.id,
            EmailMessage.direction == EmailDirection.INBOUND,
            col(EmailMessage.answered_at) >= reply.received_at,
        )
    ).all()
    for email in answered:
        email.answered_at = None
        email.answered_in_time = None
        session.add(email)


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
    """A reply answers every person's inbound email of the thread still waiting; each keeps its
    verdict (automatic mail and bounces were never owed an answer)."""
    waiting = session.exec(
        select(EmailMessage).where(
            EmailMessage.conversation_id == conversation_id,
            EmailMessage.direction == EmailDirection.INBOUND,
            EmailMessage.kind == MailKind.PERSON,
            col(EmailMessage.answered_at).is_(None),
        )
    ).all()
    for email in waiting:
        email.answered_at = now
        email.answered_in_time = email.due_at is None or now <= email.due_at
        session.add(email)

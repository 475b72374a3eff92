"""Email use cases for the console (through the relay) and the CLI.

The relay decides who may call these (S1: a counsellor sees their team's work); these functions
take the allowed team ids and write the audit events. Every text field returned comes from
`helpline_core.mail.parse`, which already removed control characters; front ends must still
show it as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.mail import outbox
from helpline_core.mail.delete import mark_for_deletion
from helpline_core.models import (
    Attachment,
    Channel,
    Conversation,
    EmailDirection,
    EmailMessage,
    MailKind,
    QuarantinedEmail,
    Team,
)
from helpline_core.services import audit
from helpline_core.services.retention.rules import Limits
from helpline_core.services.retention.visible import email_visible


class MailNotFound(LookupError):
    """No such email conversation for these teams (also when it exists for another team)."""


@dataclass(frozen=True)
class EmailConversationSummary:
    public_id: str
    team_code: str
    subject: str
    sender_name: str | None
    sender_address: str | None
    last_received_at: datetime | None
    due_at: datetime | None
    seconds_left: int | None  # negative: overdue
    overdue: bool
    answered_at: datetime | None
    answered_in_time: bool | None
    counsellor_id: int | None
    emails: int
    attention: str | None = None  # why a person must look again (a reply not delivered)


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    name: str | None
    declared_type: str | None
    detected_type: str | None
    size: int
    dropped_reason: str | None


@dataclass(frozen=True)
class ThreadEmail:
    id: int
    direction: str  # "in" or "out"
    from_name: str | None
    from_address: str | None
    to: str | None
    subject: str
    at: datetime
    body: str
    problems: tuple[str, ...]
    attachments: tuple[AttachmentInfo, ...]
    outbox_state: str | None
    last_error: str | None
    kind: str = "person"  # person, automatic or bounce (models.MailKind)
    other_sender: bool = False  # not the conversation's correspondent
    reply_to: tuple[str, ...] = ()  # who a reply to this email goes to


@dataclass(frozen=True)
class EmailThread:
    summary: EmailConversationSummary
    emails: tuple[ThreadEmail, ...]
    # Who the next reply goes to by default (the correspondent), and the email it answers;
    # empty when nothing here may be answered (only bounces or automatic mail).
    recipients: tuple[str, ...] = ()
    answers: int | None = None


@dataclass(frozen=True)
class QuarantineItem:
    id: int
    mailbox: str
    reason: str
    size: int
    received_at: datetime
    resolved: bool


def _retained(limits: Limits | None) -> Any:
    """Emails still inside their retention period (all when no limits are given)."""
    return true() if limits is None else email_visible(limits)


def _summary(
    session: Session,
    conversation: Conversation,
    team_code: str,
    now: datetime,
    limits: Limits | None = None,
) -> EmailConversationSummary:
    last = session.exec(
        select(EmailMessage)
        .where(EmailMessage.conversation_id == conversation.id)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .where(_retained(limits))
        # The correspondent's mail names the conversation, not a forward's or a daemon's.
        .order_by(
            col(EmailMessage.kind) != MailKind.PERSON,
            col(EmailMessage.other_sender),
            col(EmailMessage.received_at).desc(),
        )
        .limit(1)
    ).first()
    count = session.exec(
        select(func.count())
        .where(EmailMessage.conversation_id == conversation.id)
        .where(_retained(limits))
    ).one()
    waiting = conversation.answered_at is None and conversation.due_at is not None
    left = (
        int((conversation.due_at - now).total_seconds())
        if waiting and conversation.due_at
        else None
    )
    return EmailConversationSummary(
        public_id=conversation.public_id,
        team_code=team_code,
        subject=conversation.subject or "",
        sender_name=last.from_name if last else None,
        sender_address=last.from_address if last else None,
        last_received_at=last.received_at if last else None,
        due_at=conversation.due_at,
        seconds_left=left,
        overdue=left is not None and left < 0,
        answered_at=conversation.answered_at,
        answered_in_time=conversation.answered_in_time,
        counsellor_id=conversation.counsellor_id,
        emails=int(count),
        attention=conversation.attention,
    )


def _waiting() -> Any:
    """An email thread owed an answer: unanswered with a clock, or needing a person again (a
    reply not delivered). Automatic mail alone runs no clock."""
    return col(Conversation.answered_at).is_(None) & (
        col(Conversation.due_at).is_not(None) | col(Conversation.attention).is_not(None)
    )


def _listed(
    statement: Any,
    team_ids: Sequence[int] | None,
    include_answered: bool,
    limits: Limits | None = None,
) -> Any:
    """`statement` limited to the email threads the list shows (with `limits`, only threads
    that still hold an email within retention)."""
    statement = statement.where(Conversation.channel == Channel.EMAIL).where(
        col(Conversation.delete_requested_at).is_(None)
    )
    if team_ids is not None:
        statement = statement.where(col(Conversation.team_id).in_(list(team_ids)))
    if not include_answered:
        statement = statement.where(_waiting())
    if limits is not None:
        statement = statement.where(
            exists()
            .where(col(EmailMessage.conversation_id) == col(Conversation.id))
            .where(_retained(limits))
        )
    return statement


def list_email_conversations(
    session: Session,
    *,
    team_ids: Sequence[int] | None,
    include_answered: bool = False,
    now: datetime | None = None,
    limit: int = 200,
    offset: int = 0,
    limits: Limits | None = None,
) -> list[EmailConversationSummary]:
    """Email threads waiting for an answer, overdue first (earliest due time first); a thread
    that needs a person again (`attention`: a reply not delivered) is waiting too. Threads of
    automatic mail only run no clock and are listed only with `include_answered`. The `limit`
    threads from position `offset` (0-based); `count_email_conversations` gives how many there
    are in all. With `limits`, a thread all of whose emails are past retention is not listed."""
    now = now or utcnow()
    statement = _listed(
        select(Conversation, Team).join(Team, col(Team.id) == col(Conversation.team_id)),
        team_ids,
        include_answered,
        limits,
    )
    # Waiting before the rest; then the earliest due time first (none last on every
    # database), so overdue work leads.
    statement = (
        statement.order_by(
            ~_waiting(),
            col(Conversation.due_at).is_(None),
            col(Conversation.due_at),
            col(Conversation.id),
        )
        .offset(offset)
        .limit(limit)
    )
    return [_summary(session, c, team.code, now, limits) for c, team in session.exec(statement)]


def count_email_conversations(
    session: Session,
    *,
    team_ids: Sequence[int] | None,
    include_answered: bool = False,
    limits: Limits | None = None,
) -> int:
    """How many threads `list_email_conversations` would list without a limit."""
    statement = _listed(
        select(func.count(col(Conversation.id))), team_ids, include_answered, limits
    )
    return int(session.exec(statement).one())


def _conversation(
    session: Session, public_id: str, team_ids: Sequence[int] | None
) -> tuple[Conversation, Team]:
    found = session.exec(
        select(Conversation, Team)
        .join(Team, col(Team.id) == col(Conversation.team_id))
        .where(Conversation.public_id == public_id)
        .where(Conversation.channel == Channel.EMAIL)
        .where(col(Conversation.delete_requested_at).is_(None))
    ).first()
    if found is None or (team_ids is not None and found[0].team_id not in team_ids):
        raise MailNotFound("no such email conversation")
    return found


def read_thread(
    session: Session,
    key: bytes,
    *,
    public_id: str,
    team_ids: Sequence[int] | None,
    actor: str,
    now: datetime | None = None,
    limits: Limits | None = None,
) -> EmailThread:
    """The whole thread, oldest first, without emails past retention (`limits`). Audited:
    reading email is reading sensitive data."""
    conversation, team = _conversation(session, public_id, team_ids)
    emails = []
    rows = session.exec(
        select(EmailMessage)
        .where(EmailMessage.conversation_id == conversation.id)
        .where(_retained(limits))
        .order_by(col(EmailMessage.received_at), col(EmailMessage.id))
    )
    for email in rows:
        attachments = tuple(
            AttachmentInfo(
                a.id or 0,
                a.original_name,
                a.declared_type,
                a.detected_type,
                a.size,
                a.dropped_reason,
            )
            for a in session.exec(select(Attachment).where(Attachment.email_id == email.id))
        )
        emails.append(
            ThreadEmail(
                id=email.id or 0,
                direction=str(email.direction),
                from_name=email.from_name,
                from_address=email.from_address,
                to=email.to_addresses,
                subject=email.subject or "",
                at=email.received_at,
                body=email.body_text,
                problems=tuple((email.problems or "").splitlines()),
                attachments=attachments,
                outbox_state=str(email.outbox_state) if email.outbox_state else None,
                last_error=email.last_error,
                kind=str(email.kind),
                other_sender=email.other_sender,
                reply_to=tuple(outbox.recipients(email)),
            )
        )
    audit.record(
        session,
        key,
        actor=actor,
        action="email.thread_read",
        object_type="conversation",
        object_id=conversation.public_id,
        detail={"emails": len(emails)},
    )
    if limits is not None and not emails:
        raise MailNotFound("no such email conversation")  # every email is past retention
    try:
        answers = outbox.answered_email(session, conversation)
        recipients, answer_id = tuple(outbox.recipients(answers)), answers.id
    except outbox.OutboxError:
        recipients, answer_id = (), None
    return EmailThread(
        _summary(session, conversation, team.code, now or utcnow(), limits),
        tuple(emails),
        recipients,
        answer_id,
    )


def reply(
    session: Session,
    key: bytes,
    settings: Settings,
    *,
    public_id: str,
    body: str,
    team_ids: Sequence[int] | None,
    counsellor_id: int | None,
    actor: str,
    answer: int | None = None,
) -> int:
    """Queue a reply (the worker sends it); returns the outgoing email's id. Stops the clock.
    `answer`: the email a counsellor chose to answer (its sender gets the reply); by default
    the correspondent's newest mail (outbox.answered_email)."""
    conversation, _ = _conversation(session, public_id, team_ids)
    row = outbox.queue_reply(
        session, key, settings, conversation=conversation, body=body,
        counsellor_id=counsellor_id, actor=actor, answer=answer,
    )  # fmt: skip
    assert row.id is not None
    return row.id


def request_deletion(
    session: Session, key: bytes, *, public_id: str, team_ids: Sequence[int] | None, actor: str
) -> None:
    """The sender asked us not to keep their email (E3); the worker expunges and deletes it."""
    conversation, _ = _conversation(session, public_id, team_ids)
    mark_for_deletion(session, key, conversation=conversation, actor=actor)


def list_quarantine(
    session: Session,
    *,
    mailboxes: Sequence[str] | None = None,
    include_resolved: bool = False,
    limits: Limits | None = None,
) -> list[QuarantineItem]:
    """What could not be ingested, with the reason (no content: reading raw mail is separate)."""
    # Six columns: beyond sqlmodel's typed select, so plain SQLAlchemy here.
    statement = sa_select(
        col(QuarantinedEmail.id),
        col(QuarantinedEmail.mailbox),
        col(QuarantinedEmail.reason),
        func.length(col(QuarantinedEmail.raw)),
        col(QuarantinedEmail.received_at),
        col(QuarantinedEmail.resolved_at),
    ).order_by(col(QuarantinedEmail.received_at).desc())
    if mailboxes is not None:
        statement = statement.where(col(QuarantinedEmail.mailbox).in_(list(mailboxes)))
    if not include_resolved:
        statement = statement.where(col(QuarantinedEmail.resolved_at).is_(None))
    if limits is not None:
        statement = statement.where(col(QuarantinedEmail.received_at) > limits.email)
    return [
        QuarantineItem(row_id or 0, mailbox, reason, int(size or 0), received, resolved is not None)
        for row_id, mailbox, reason, size, received, resolved in session.execute(statement)
    ]


def read_quarantined(session: Session, key: bytes, *, item_id: int, actor: str) -> bytes:
    """The raw bytes of a quarantined email, for a person to inspect. Audited."""
    row = session.get(QuarantinedEmail, item_id)
    if row is None:
        raise MailNotFound(f"no quarantined email {item_id}")
    audit.record(
        session, key, actor=actor, action="email.quarantine_read",
        object_type="quarantined_email", object_id=item_id,
    )  # fmt: skip
    return row.raw

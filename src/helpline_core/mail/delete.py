""" "Please don't keep my email" (E3): remove a thread from the mailbox and the database.

Two steps, so that a person's request survives a mail server that is down:
1. `mark_for_deletion` records the request (audited); the thread leaves every list at once and
   no reply can be queued to it.
2. `purge_marked` flags the thread's messages \\Deleted in the team's folder (and Sent folder)
   and expunges them, found by stored UID (same UIDVALIDITY) and by Message-ID search; only
   then are the emails, attachment files and quarantine-free rows deleted from the database.
   Only this thread's messages: senders reuse Message-IDs, so a search never takes a UID that
   another stored or quarantined email holds, and a Message-ID that another thread shares is
   searched together with this thread's sender address (FROM).
   While the mailbox cannot be reached the request stays pending and is retried.

Expiry after `retention.email_months` is not done here but per email by the retention module
(services.retention), which the worker, `mail sync` and `helpline purge` call.

What remains is a content-free conversation row (channel, team, dates, answered in time) so the
anonymised figures still count the contact; subject, addresses, bodies, files and the thread's
claim codes are gone.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.config import MailboxSettings, Settings
from helpline_core.db import session_scope
from helpline_core.mail.imap import (
    MailLoginFailed,
    MailServerUnreachable,
    connect_imap,
    logout_quietly,
)
from helpline_core.mail.store import remove_attachment
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
from helpline_core.services import audit
from helpline_core.services.retention import claim_codes
from helpline_core.services.retention.mailbox import remove_messages

log = logging.getLogger("helpline.mail")


class DeletionError(ValueError):
    """The thread cannot be marked (not email, unknown)."""


@dataclass
class DeleteReport:
    conversations: int = 0
    emails: int = 0
    expunged: int = 0
    pending: int = 0


@dataclass(frozen=True)
class _Target:
    conversation_id: int
    public_id: str
    team_code: str
    inbound: list[tuple[str, int | None, int | None]]  # message_id, uidvalidity, uid
    outbound: list[str]
    # Message-IDs this thread shares with other emails of the mailbox, with this thread's
    # sender of each; and the (uidvalidity, uid) of those other emails and of quarantined mail.
    shared: dict[str, str | None] = field(default_factory=dict)
    foreign: set[tuple[int | None, int | None]] = field(default_factory=set)


def mark_for_deletion(
    session: Session,
    key: bytes,
    *,
    conversation: Conversation,
    actor: str,
    now: datetime | None = None,
) -> None:
    if conversation.channel != Channel.EMAIL:
        raise DeletionError("only email threads are deleted this way")
    if conversation.delete_requested_at is None:
        conversation.delete_requested_at = now or utcnow()
        session.add(conversation)
    audit.record(
        session,
        key,
        actor=actor,
        action="email.delete_requested",
        object_type="conversation",
        object_id=conversation.public_id,
    )


def _targets(engine: Engine, only: str | None) -> list[_Target]:
    with session_scope(engine) as session:
        statement = (
            select(Conversation, Team)
            .join(Team, col(Team.id) == col(Conversation.team_id))
            .where(Conversation.channel == Channel.EMAIL)
            .where(col(Conversation.delete_requested_at).is_not(None))
        )
        if only is not None:
            statement = statement.where(Conversation.public_id == only)
        targets = []
        for conversation, team in session.exec(statement):
            emails = list(
                session.exec(
                    select(EmailMessage).where(EmailMessage.conversation_id == conversation.id)
                )
            )
            if not emails and conversation.subject is None:
                continue  # already done
            assert conversation.id is not None
            inbound = [e for e in emails if e.direction == EmailDirection.INBOUND]
            shared, foreign = _others(session, team.code, conversation.id, inbound)
            targets.append(
                _Target(
                    conversation.id,
                    conversation.public_id,
                    team.code,
                    [(e.message_id, e.imap_uidvalidity, e.imap_uid) for e in inbound],
                    [e.message_id for e in emails if e.direction == EmailDirection.OUTBOUND],
                    shared,
                    foreign,
                )
            )
        return targets


def _others(
    session: Session, mailbox: str, conversation_id: int, inbound: list[EmailMessage]
) -> tuple[dict[str, str | None], set[tuple[int | None, int | None]]]:
    """What a Message-ID search must leave alone: the Message-IDs of `inbound` that emails of
    other threads in the mailbox also have (with this thread's sender of each), and the UIDs
    of those emails and of the mailbox's quarantined mail."""
    ids = {email.message_id for email in inbound}
    others = session.exec(
        select(EmailMessage)
        .where(col(EmailMessage.message_id).in_(ids))
        .where(EmailMessage.mailbox == mailbox)
        .where(EmailMessage.conversation_id != conversation_id)
    ).all()
    senders = {email.message_id: email.from_address for email in inbound}
    shared = {other.message_id: senders[other.message_id] for other in others}
    foreign = {(other.imap_uidvalidity, other.imap_uid) for other in others}
    quarantined = session.exec(
        select(QuarantinedEmail.imap_uidvalidity, QuarantinedEmail.imap_uid).where(
            QuarantinedEmail.mailbox == mailbox
        )
    ).all()
    foreign.update((validity, uid) for validity, uid in quarantined)
    return shared, foreign


async def _clean_mailbox(
    mailbox: MailboxSettings,
    target: _Target,
    ssl_context: ssl.SSLContext | None,
    environ: Mapping[str, str] | None,
) -> int:
    client = await connect_imap(mailbox, ssl_context=ssl_context, environ=environ)
    try:
        ids = [message_id for message_id, _, _ in target.inbound]
        known = [(validity, uid) for _, validity, uid in target.inbound]
        count = await remove_messages(
            client, mailbox.imap_folder, ids, known, target.shared, target.foreign
        )
        if mailbox.sent_folder and target.outbound:
            count += await remove_messages(client, mailbox.sent_folder, target.outbound, [])
        return count
    finally:
        await logout_quietly(client)


def _delete_rows(
    settings: Settings, engine: Engine, key: bytes, target: _Target, expunged: int, actor: str
) -> int:
    with session_scope(engine) as session:
        emails = list(
            session.exec(
                select(EmailMessage).where(EmailMessage.conversation_id == target.conversation_id)
            )
        )
        files: list[str] = []
        for email in emails:
            for attachment in session.exec(
                select(Attachment).where(Attachment.email_id == email.id)
            ):
                files.append(attachment.stored_name)
                session.delete(attachment)
        session.flush()
        for email in emails:
            session.delete(email)
        session.flush()
        # A claim code for this thread would still "find" it: it goes with the emails.
        codes = claim_codes.delete_for(session, [target.conversation_id])
        conversation = session.get(Conversation, target.conversation_id)
        assert conversation is not None
        conversation.subject = None
        conversation.nickname = None
        conversation.status = ConversationStatus.ENDED
        conversation.ended_at = conversation.ended_at or utcnow()
        session.add(conversation)
        audit.record(
            session,
            key,
            actor=actor,
            action="email.thread_deleted",
            object_type="conversation",
            object_id=target.public_id,
            detail={
                "emails": len(emails),
                "expunged": expunged,
                "attachments": len(files),
                "claim_codes": len(codes),
            },
        )
    # Files go after the commit: a rolled-back deletion must not lose them.
    for name in files:
        remove_attachment(settings, name)
    return len(emails)


async def purge_marked(
    settings: Settings,
    engine: Engine,
    key: bytes,
    *,
    only: str | None = None,
    actor: str = "mail-worker",
    ssl_context: ssl.SSLContext | None = None,
    environ: Mapping[str, str] | None = None,
) -> DeleteReport:
    """Carry out pending deletion requests (or only the one for conversation `only`)."""
    report = DeleteReport()
    for target in await asyncio.to_thread(_targets, engine, only):
        team = settings.team(target.team_code)
        expunged = 0
        if team is not None and team.mail.imap_host:
            try:
                expunged = await _clean_mailbox(team.mail, target, ssl_context, environ)
            except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
                log.warning(
                    "team %s: deletion waits for the mailbox (%s)",
                    target.team_code,
                    type(error).__name__,
                )
                report.pending += 1
                continue
        deleted = await asyncio.to_thread(
            _delete_rows, settings, engine, key, target, expunged, actor
        )
        report.conversations += 1
        report.emails += deleted
        report.expunged += expunged
    return report

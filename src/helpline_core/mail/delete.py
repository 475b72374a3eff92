""" "Please don't keep my email" (E3): remove a thread from the mailbox and the database.

Two steps, so that a person's request survives a mail server that is down:
1. `mark_for_deletion` records the request (audited); the thread leaves every list at once and
   no reply can be queued to it.
2. `purge_marked` flags the thread's messages \\Deleted in the team's folder (and Sent folder)
   and expunges them, found by stored UID (same UIDVALIDITY) and by Message-ID search; only
   then are the emails, attachment files and quarantine-free rows deleted from the database.
   Only this thread's messages: senders reuse Message-IDs, and the guard the retention purge
   uses (mail/expunge.py, `may_go`) keeps other threads' and quarantined mail. A message it
   cannot tell from another thread's stays in the mailbox, counted in `DeleteReport.left` and
   the audit event (for a person); the thread's rows go all the same.
   While the mailbox cannot be reached the request stays pending and is retried.

Expiry after `retention.email_months` is not done here but per email by the retention module
(services.retention), which the worker, `mail sync` and `helpline purge` call.

What remains is a content-free conversation row (channel, team, dates, answered in time) so the
anonymised figures still count the contact; subject, addresses, bodies, files and the thread's
claim codes are gone, and so is the sender's address on the row (`correspondent`).
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
from helpline_core.mail.expunge import Going, Removal, Staying, remove_messages, staying_mail
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
    Team,
)
from helpline_core.services import audit
from helpline_core.services.retention import claim_codes
from helpline_core.services.retention.emails import THREAD_STRIPPED

log = logging.getLogger("helpline.mail")


class DeletionError(ValueError):
    """The thread cannot be marked (not email, unknown)."""


@dataclass
class DeleteReport:
    """`left`: messages that stayed in the mailbox because a search cannot tell them from
    another thread's mail (mail/expunge.py), for a person."""

    conversations: int = 0
    emails: int = 0
    expunged: int = 0
    pending: int = 0
    left: int = 0


@dataclass(frozen=True)
class _Target:
    conversation_id: int
    public_id: str
    team_code: str
    inbound: list[Going]
    outbound: list[Going]
    # What the searches must leave alone: other threads' emails with these Message-IDs and
    # the mailbox's quarantined mail.
    staying: Staying = field(default_factory=Staying)


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
            if not emails and all(getattr(conversation, n) is None for n in THREAD_STRIPPED):
                continue  # already done
            assert conversation.id is not None
            ids = [e.message_id for e in emails]
            targets.append(
                _Target(
                    conversation.id,
                    conversation.public_id,
                    team.code,
                    [_going(e) for e in emails if e.direction == EmailDirection.INBOUND],
                    [_going(e) for e in emails if e.direction == EmailDirection.OUTBOUND],
                    staying_mail(session, team.code, ids, leaving=conversation.id),
                )
            )
        return targets


def _going(email: EmailMessage) -> Going:
    return Going(email.message_id, email.from_address, email.imap_uidvalidity, email.imap_uid)


async def _clean_mailbox(
    mailbox: MailboxSettings,
    target: _Target,
    ssl_context: ssl.SSLContext | None,
    environ: Mapping[str, str] | None,
) -> Removal:
    client = await connect_imap(mailbox, ssl_context=ssl_context, environ=environ)
    try:
        # Inbound mail is searched by Message-ID even where its UID places it: that also
        # finds a second delivered copy.
        removal = await remove_messages(
            client, mailbox.imap_folder, target.inbound, target.staying, search_placed=True
        )
        if mailbox.sent_folder and target.outbound:
            sent = await remove_messages(
                client, mailbox.sent_folder, target.outbound, target.staying.elsewhere()
            )
            removal = Removal(removal.removed + sent.removed, removal.left + sent.left)
        return removal
    finally:
        await logout_quietly(client)


def _delete_rows(
    settings: Settings, engine: Engine, key: bytes, target: _Target, removal: Removal, actor: str
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
        # Nothing of the sender stays on the row: not their subject, nor their address.
        for name in THREAD_STRIPPED:
            setattr(conversation, name, None)
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
                "expunged": removal.removed,
                "left_in_mailbox": removal.left,
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
        removal = Removal()
        if team is not None and team.mail.imap_host:
            try:
                removal = await _clean_mailbox(team.mail, target, ssl_context, environ)
            except (MailServerUnreachable, MailLoginFailed, OSError, TimeoutError) as error:
                log.warning(
                    "team %s: deletion waits for the mailbox (%s)",
                    target.team_code,
                    type(error).__name__,
                )
                report.pending += 1
                continue
        if removal.left:
            # Counts only: the messages' ids and senders are personal data.
            log.warning(
                "team %s: %d message(s) of a deleted thread left for a person",
                target.team_code,
                removal.left,
            )
        deleted = await asyncio.to_thread(
            _delete_rows, settings, engine, key, target, removal, actor
        )
        report.conversations += 1
        report.emails += deleted
        report.expunged += removal.removed
        report.left += removal.left
    return report

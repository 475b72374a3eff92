"""Email retention (E3, E4): each email goes `email_months` after its receipt, whatever its
thread does, with its attachment files and its copies in the mailbox (the team's folder and its
Sent folder); quarantined raw mail too. The database rows go first, in short batches; what the
disk and the mailboxes still hold is written down in the same transaction (`PendingDeletion`) and
removed afterwards by `files` and `mailbox`, so a run killed at any point is finished by the next.
A mailbox row keeps the email's Message-ID and sender, to find it where no UID places it; the
sender is personal data and lives only as long as that row.
A thread whose last email went loses its claim codes in the same transaction, and its row
keeps nothing of the sender: no subject, no address (`correspondent`), no note on their mail.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    Attachment,
    Channel,
    ClaimCode,
    Conversation,
    EmailDirection,
    EmailMessage,
    PendingDeletion,
    QuarantinedEmail,
)
from helpline_core.services.retention import claim_codes
from helpline_core.services.retention.batches import DEFAULT_BATCH, each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, email_expired, quarantine_expired

# What an email row still says while it waits for its DELETE in the same transaction.
_WIPED = {
    "body_text": "",
    "subject": None,
    "from_address": None,
    "from_name": None,
    "to_addresses": None,
    "references": None,
    "problems": None,
    "last_error": None,
}

# What an email conversation row keeps of its sender once no email of it is left: nothing. The
# row stays (the contact's registration points at it); its ids, dates and language say no one.
THREAD_STRIPPED = {
    "subject": None,
    "nickname": None,
    "correspondent": None,
    "attention": None,
    "ip_hash": None,
    "intake_age_group": None,
    "intake_region": None,
    "intake_sex": None,
    "intake_role": None,
}


def _with_sent_folder(settings: Settings) -> list[str]:
    return [t.code for t in settings.teams if t.mail.imap_host and t.mail.sent_folder]


def _with_mailbox(settings: Settings) -> list[str]:
    return [t.code for t in settings.teams if t.mail.imap_host]


def plan(session: Session, settings: Settings, limits: Limits) -> ClassReport:
    """Emails that would go at `limits.now`: rows, attachment files, mailbox copies, holds."""
    report = ClassReport("emails")
    rule = email_expired(limits)
    measure(session, report, rule, col(EmailMessage.received_at))
    ids = select(col(EmailMessage.id)).where(rule).scalar_subquery()
    report.files = int(
        session.exec(select(func.count()).where(col(Attachment.email_id).in_(ids))).one()
    )
    report.add("attachments", report.files)
    inbound = (
        (col(EmailMessage.direction) == EmailDirection.INBOUND)
        & col(EmailMessage.imap_uid).is_not(None)
        & col(EmailMessage.mailbox).in_(_with_mailbox(settings))
    )
    outbound = (col(EmailMessage.direction) == EmailDirection.OUTBOUND) & col(
        EmailMessage.mailbox
    ).in_(_with_sent_folder(settings))
    report.mailbox = int(
        session.exec(select(func.count()).where(rule).where(inbound | outbound)).one()
    )
    report.add("claim_codes", _codes_of_emptied_threads(session, rule))
    report.add("threads_cleared", count_left_behind(session))
    report.held = int(
        session.exec(select(func.count()).where(email_expired(limits, held=True))).one()
    )
    return report


def _codes_of_emptied_threads(session: Session, rule: Any) -> int:
    """Claim codes of the threads whose every email matches `rule` (they would be emptied)."""
    going = select(col(EmailMessage.id)).where(rule)
    touched, staying = aliased(EmailMessage), aliased(EmailMessage)
    threads = (
        select(col(touched.conversation_id))
        .where(col(touched.id).in_(going))
        .where(
            ~exists()
            .where(col(staying.conversation_id) == col(touched.conversation_id))
            .where(col(staying.id).not_in(going))
        )
    )
    return int(
        session.exec(select(func.count()).where(col(ClaimCode.conversation_id).in_(threads))).one()
    )


def plan_quarantine(session: Session, settings: Settings, limits: Limits) -> ClassReport:
    report = ClassReport("quarantine")
    rule = quarantine_expired(limits)
    measure(session, report, rule, col(QuarantinedEmail.received_at))
    report.mailbox = int(
        session.exec(
            select(func.count())
            .where(rule)
            .where(col(QuarantinedEmail.imap_uid).is_not(None))
            .where(col(QuarantinedEmail.mailbox).in_(_with_mailbox(settings)))
        ).one()
    )
    return report


def _imap_row(settings: Settings, code: str | None, **fields: Any) -> PendingDeletion | None:
    """The mailbox copy to remove, or None where the team reads no mailbox (nothing there)."""
    team = settings.team(code) if code else None
    if team is None or not team.mail.imap_host:
        return None
    return PendingDeletion(kind="imap", mailbox=team.code, **fields)


def purge(
    engine: Engine,
    settings: Settings,
    limits: Limits,
    *,
    size: int = DEFAULT_BATCH,
    scope: Any = None,
) -> ClassReport:
    """Delete expired emails from the database; their files and mailbox copies become pending.
    `scope` (a condition on EmailMessage) narrows the run, as erasure (R6) does."""
    report = ClassReport("emails")
    expired = email_expired(limits) if scope is None else and_(email_expired(limits), scope)

    def apply(session: Session, ids: list[int]) -> None:
        # The sender tells a copy in the mailbox from kept mail that reuses its Message-ID
        # (mail/expunge.py): read before the statement below blanks it.
        senders = {
            email_id: sender
            for email_id, sender in session.execute(
                select(col(EmailMessage.id), col(EmailMessage.from_address)).where(
                    col(EmailMessage.id).in_(ids)
                )
            )
        }
        # The rule and the hold are evaluated in this statement; the rest follows its result.
        rows = session.execute(
            update(EmailMessage)
            .where(col(EmailMessage.id).in_(ids))
            .where(expired)
            .values(**_WIPED)
            .returning(
                col(EmailMessage.id),
                col(EmailMessage.conversation_id),
                col(EmailMessage.direction),
                col(EmailMessage.mailbox),
                col(EmailMessage.imap_uidvalidity),
                col(EmailMessage.imap_uid),
                col(EmailMessage.message_id),
            )
        ).all()
        if not rows:
            return
        gone = [row[0] for row in rows]
        names = session.execute(
            delete(Attachment)
            .where(col(Attachment.email_id).in_(gone))
            .returning(col(Attachment.stored_name))
        ).scalars()
        files = [PendingDeletion(kind="file", stored_name=name) for name in names]
        session.add_all(files)
        report.files += len(files)
        report.add("attachments", len(files))
        for email_id, _, direction, code, validity, uid, message_id in rows:
            team = settings.team(code) if code else None
            sender = senders.get(email_id)
            if direction == EmailDirection.INBOUND and team is not None:
                pending = _imap_row(
                    settings, code, folder=team.mail.imap_folder, uidvalidity=validity, uid=uid,
                    message_id=message_id, from_address=sender,
                )  # fmt: skip
            elif team is not None and team.mail.sent_folder:
                pending = _imap_row(
                    settings, code, folder=team.mail.sent_folder, message_id=message_id,
                    from_address=sender,
                )  # fmt: skip
            else:
                pending = None
            if pending is not None:
                session.add(pending)
                report.mailbox += 1
        session.execute(delete(EmailMessage).where(col(EmailMessage.id).in_(gone)))
        report.rows += len(gone)
        emptied = _strip_empty_threads(session, {row[1] for row in rows}, limits)
        report.add("threads_emptied", len(emptied))
        report.add("claim_codes", len(claim_codes.delete_for(session, emptied)))

    each_batch(engine, EmailMessage.id, expired, apply, size=size)
    if scope is None:
        report.add("threads_cleared", sweep_threads(engine))
    return report


def _strip_empty_threads(session: Session, conversation_ids: set[int], limits: Limits) -> list[int]:
    """A thread whose last email went keeps a content-free row (for the registration); returns
    the ids of the threads emptied now."""
    result = session.execute(
        update(Conversation)
        .where(col(Conversation.id).in_(sorted(conversation_ids)))
        .where(col(Conversation.purged_at).is_(None))
        .where(~exists().where(col(EmailMessage.conversation_id) == col(Conversation.id)))
        .values(**THREAD_STRIPPED, purged_at=limits.now)
        .returning(col(Conversation.id))
    )
    return [int(row_id) for row_id in result.scalars()]


def _left_behind() -> Any:
    """Email threads emptied (by the purge or a deletion on request) whose row still names the
    sender: stripped before the address went with the rest."""
    return and_(
        col(Conversation.channel) == Channel.EMAIL,
        or_(col(Conversation.purged_at).is_not(None),
            col(Conversation.delete_requested_at).is_not(None)),
        or_(*(col(getattr(Conversation, name)).is_not(None) for name in THREAD_STRIPPED)),
        ~exists().where(col(EmailMessage.conversation_id) == col(Conversation.id)),
    )  # fmt: skip


def count_left_behind(session: Session) -> int:
    return int(session.exec(select(func.count()).where(_left_behind())).one())


def sweep_threads(engine: Engine, scope: Any = None) -> int:
    """Strip what emptied threads still hold of their sender (`scope`: a condition on
    Conversation, as erasure passes). Returns how many rows were cleared."""
    rule = _left_behind() if scope is None else and_(_left_behind(), scope)
    with session_scope(engine) as session:
        result = session.execute(update(Conversation).where(rule).values(**THREAD_STRIPPED))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_quarantine(
    engine: Engine,
    settings: Settings,
    limits: Limits,
    *,
    size: int = DEFAULT_BATCH,
    scope: Any = None,
) -> ClassReport:
    """Delete expired quarantined raw mail; its mailbox copy becomes pending. `scope` (a
    condition on QuarantinedEmail) narrows the run, as erasure (R6) does."""
    report = ClassReport("quarantine")
    expired = (
        quarantine_expired(limits) if scope is None else and_(quarantine_expired(limits), scope)
    )

    def apply(session: Session, ids: list[int]) -> None:
        rows = session.execute(
            delete(QuarantinedEmail)
            .where(col(QuarantinedEmail.id).in_(ids))
            .where(expired)
            .returning(
                col(QuarantinedEmail.mailbox),
                col(QuarantinedEmail.imap_uidvalidity),
                col(QuarantinedEmail.imap_uid),
            )
        ).all()
        report.rows += len(rows)
        for code, validity, uid in rows:
            team = settings.team(code)
            if uid is None or team is None:
                continue
            pending = _imap_row(
                settings, code, folder=team.mail.imap_folder, uidvalidity=validity, uid=uid
            )
            if pending is not None:
                session.add(pending)
                report.mailbox += 1

    each_batch(engine, QuarantinedEmail.id, expired, apply, size=size)
    return report

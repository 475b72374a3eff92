"""Erasure earlier than the retention period (R6, GDPR art. 17): the subject's chats, emails
and case files are deleted by the retention purge's own per-class code (retention/chats,
emails, cases) with limits at this moment and the subject's ids as scope, under the purge lock.
A case file under legal hold keeps itself and its contacts (the rules' hold check), and the
request is refused for that part with the hold's reason; the register and audit log stay (a
legal duty to account for the request). The subject's earlier rights exports (files written for
any request about the same case files, contacts or address) go at once too, not after
`exports.keep_days`, and so do the claim codes of the erased contacts (retention/claim_codes.py,
the purge's own deletion): afterwards a code the subject kept finds nothing. Wrong-code attempts
are kept by source, not by code; those counted under the address the request names go too.
Quarantined raw mail that is the subject's (`Scope.quarantine_ids`, by its own header
fields) goes with its mailbox copy, by the purge's quarantine code. `plan` shows what would go
before anything does.

The mailbox copies of the subject's emails are removed by the purge's mailbox code, which says
what it could not do: copies a search cannot tell from mail kept for someone else stay, for a
person (`mailbox_left`, per team), and a mailbox not reached keeps its deletions, which the next
purge run retries (`mailboxes_waiting`). Both are in the result, the request's note and the
audit event, as counts per team code: an erasure is never reported as complete while copies
may sit in a mailbox."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    CaseFile,
    CaseStatus,
    ClaimAttempt,
    ClaimCode,
    Conversation,
    DataSubjectRequest,
    EmailMessage,
    ExportRecord,
    Message,
    QuarantinedEmail,
    RequestKind,
    RequestStatus,
)
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue
from helpline_core.services.retention import cases, chats, claim_codes, emails
from helpline_core.services.retention.exports import remove_recorded
from helpline_core.services.retention.files import remove_pending_files
from helpline_core.services.retention.lock import purge_lock
from helpline_core.services.retention.mailbox import clear_mailboxes, last_row
from helpline_core.services.retention.rules import Limits, held_case_file
from helpline_core.services.rights import claims, register
from helpline_core.services.rights.subject import Scope, scope_of


@dataclass
class ErasurePlan:
    """What erasure removes and keeps (counts; the held files by public id with the reason)."""

    case_files: int = 0
    conversations: int = 0
    messages: int = 0
    emails: int = 0
    # Of `emails`: the subject's own mail (and the replies to them) in threads that belong to
    # someone else; those threads and their other mail stay. Held: in a thread under legal hold.
    emails_in_others_threads: int = 0
    emails_held_in_others_threads: int = 0
    quarantined: int = 0  # the subject's mail kept raw in quarantine (unparsed or refused)
    exports: int = 0  # earlier rights export files of the subject
    claim_codes: int = 0  # codes given for the erased contacts (chat end, email reply, CLI)
    held: dict[str, str] = field(default_factory=dict)  # case public id -> hold reason
    done: bool = False
    mailbox_removed: int = 0  # mailbox copies expunged
    # Team code -> the subject's messages that stayed in that mailbox, for a person to remove.
    mailbox_left: dict[str, int] = field(default_factory=dict)
    # Team code -> mailbox deletions waiting for the next purge run (mailbox not reached).
    mailboxes_waiting: dict[str, int] = field(default_factory=dict)

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def _limits(now: datetime) -> Limits:
    """Everything before `now` has "expired": the scope decides what goes."""
    moment = now + timedelta(microseconds=1)
    return Limits(
        now=now, chat=moment, email=moment, case_cutoff=moment, case_recent=moment,
        case_old=moment, block=now, audit=now, exports=now, requests=now, complaints=now,
    )  # fmt: skip


def _split(
    session: Session, scope: Scope
) -> tuple[list[int], list[int], dict[str, str], list[int]]:
    """(files to erase, conversations to erase, held files' public id -> reason, the subject's
    own emails in other people's threads that no legal hold keeps)."""
    held: dict[str, str] = {}
    erasable: list[int] = []
    for row in session.exec(select(CaseFile).where(col(CaseFile.id).in_(scope.case_file_ids))):
        assert row.id is not None
        if row.legal_hold:
            held[row.public_id] = row.legal_hold_reason or "legal hold"
        else:
            erasable.append(row.id)
    held_ids = set(scope.case_file_ids) - set(erasable)
    contacts = [
        c.id
        for c in session.exec(
            select(Conversation).where(col(Conversation.id).in_(scope.conversation_ids))
        )
        if c.id is not None and c.case_file_id not in held_ids
    ]
    elsewhere = session.exec(
        select(col(EmailMessage.id))
        .join(Conversation, col(Conversation.id) == col(EmailMessage.conversation_id))
        .where(col(EmailMessage.id).in_(scope.email_ids))
        .where(~held_case_file(col(Conversation.case_file_id)))
    ).all()
    return erasable, contacts, held, [int(i) for i in elsewhere if i is not None]


def subject_exports(session: Session, row: DataSubjectRequest, scope: Scope) -> list[ExportRecord]:
    """The rights exports still on disk whose request concerned this subject: the same case
    file, contact or sender address (the requests are few; each one's scope is worked out)."""
    found = []
    records = session.exec(
        select(ExportRecord)
        .where(col(ExportRecord.deleted_at).is_(None))
        .where(col(ExportRecord.request_id).is_not(None))
        .order_by(col(ExportRecord.id))
    ).all()
    for record in records:
        earlier = session.get(DataSubjectRequest, record.request_id)
        if earlier is None:
            continue
        theirs = scope_of(session, earlier)
        same_address = row.subject_email is not None and earlier.subject_email == row.subject_email
        if (
            earlier.id == row.id
            or same_address
            or theirs.case_file_ids & scope.case_file_ids
            or theirs.conversation_ids & scope.conversation_ids
            or theirs.email_ids & scope.email_ids
            or theirs.quarantine_ids & scope.quarantine_ids
        ):
            found.append(record)
    return found


def plan(session: Session, request_id: int) -> ErasurePlan:
    """Count what erasing this request's subject would remove, and what a hold keeps."""
    row = register.get(session, request_id)
    if RequestKind(row.kind) != RequestKind.ERASURE:
        raise InvalidValue(f"request {request_id} is not an erasure request")
    scope = scope_of(session, row)
    files, contacts, held, elsewhere = _split(session, scope)
    return ErasurePlan(
        exports=len(subject_exports(session, row, scope)),
        case_files=len(files),
        conversations=len(contacts),
        messages=int(
            session.exec(
                select(func.count()).where(col(Message.conversation_id).in_(contacts))
            ).one()
        ),
        emails=len(elsewhere)
        + int(
            session.exec(
                select(func.count()).where(col(EmailMessage.conversation_id).in_(contacts))
            ).one()
        ),
        emails_in_others_threads=len(elsewhere),
        emails_held_in_others_threads=len(scope.email_ids) - len(elsewhere),
        quarantined=len(scope.quarantine_ids),
        claim_codes=len(_codes(session, contacts)),
        held=held,
    )


def _codes(session: Session, contacts: list[int]) -> list[int]:
    """Ids of the claim codes given for these contacts."""
    found = session.exec(
        select(col(ClaimCode.id)).where(col(ClaimCode.conversation_id).in_(contacts))
    )
    return [code_id for code_id in found if code_id is not None]


def _remove_claim_codes(
    engine: Engine,
    key: bytes,
    actor: Actor,
    request_id: int,
    address: str | None,
    contacts: list[int],
    before: list[int],
) -> None:
    """After the purge: delete what is left of the contacts' claim codes (the chat purge took
    those of the chats it stripped, the email purge those of the threads it emptied; a contact
    stripped earlier may still have some), then audit each code gone, by id only. Wrong-code
    attempts counted under the address the request names (its keyed hash) go too."""
    with session_scope(engine) as session:
        claim_codes.delete_for(session, contacts)
        left = set(_codes(session, contacts))
        for code_id in before:
            if code_id not in left:
                audit.record(
                    session, key, actor=actor.name, action="claim.erased", object_type="claim",
                    object_id=code_id, detail={"request": request_id},
                )  # fmt: skip
        if address is not None:
            mine = claims.source_hash(key, address)
            session.execute(delete(ClaimAttempt).where(col(ClaimAttempt.source_hash) == mine))


def _remove_exports(
    engine: Engine, key: bytes, actor: Actor, request_id: int, ids: list[int], now: datetime
) -> None:
    """Remove the subject's earlier rights export files now, each audited (ids only). The ids
    are found before the purge, which unlinks requests from the files it deletes. A copy of
    held data goes too: the hold keeps the original, not copies handed out."""
    with session_scope(engine) as session:
        for record in session.exec(select(ExportRecord).where(col(ExportRecord.id).in_(ids))):
            remove_recorded(session, record, now)
            audit.record(
                session, key, actor=actor.name, action="export.erased", object_type="export",
                object_id=record.id or 0, detail={"request": request_id, "kind": record.kind},
            )  # fmt: skip


def elsewhere_note(result: ErasurePlan) -> str:
    """What the erasure does in other people's threads ("" if the subject wrote in none)."""
    parts = []
    if result.emails_in_others_threads:
        parts.append(
            f"{result.emails_in_others_threads} of the emails are the subject's own in other "
            "people's threads: only those go, the threads and their other mail stay"
        )
    if result.emails_held_in_others_threads:
        parts.append(
            f"{result.emails_held_in_others_threads} email(s) of the subject in other people's "
            "threads kept under legal hold"
        )
    return "".join(f"; {part}" for part in parts)


def mailbox_note(result: ErasurePlan) -> str:
    """What the erasure could not do in the mailboxes, for the request's note ("" if nothing)."""
    parts = [
        f"{count} message(s) stayed in mailbox {code}: a search cannot tell them from mail "
        "kept for someone else; a person must remove them"
        for code, count in sorted(result.mailbox_left.items())
    ] + [
        f"mailbox {code} not reached: {count} deletion(s) wait for the next purge run"
        for code, count in sorted(result.mailboxes_waiting.items())
    ]
    return "".join(f"; {part}" for part in parts)


async def erase(
    settings: Settings, engine: Engine, key: bytes, *, actor: Actor, request_id: int
) -> ErasurePlan:
    """Carry out a verified erasure request. Refused (status refused, with the hold's reason)
    when everything is under legal hold; done in part, with the kept part named, otherwise.
    InvalidValue if the request is not a verified erasure request."""
    with session_scope(engine) as session:
        result = plan(session, request_id)
        row = register.get(session, request_id)
        register.require_open(row)
        scope = scope_of(session, row)
        files, contacts, _, elsewhere = _split(session, scope)
        quarantined = list(scope.quarantine_ids)
        exported = [r.id for r in subject_exports(session, row, scope) if r.id is not None]
        codes = _codes(session, contacts)
        address = row.subject_email
    now = utcnow()
    limits = _limits(now)
    with purge_lock(engine):
        # Rows above this are the subject's: only the purge writes them, and it waits for the lock.
        before = await asyncio.to_thread(last_row, engine)
        if files:
            with session_scope(engine) as session:
                # An open file is closed now: the purge's rule deletes closed files only.
                for item in session.exec(select(CaseFile).where(col(CaseFile.id).in_(files))):
                    if item.status == CaseStatus.OPEN:
                        item.status, item.closed_at = CaseStatus.CLOSED, now
                        session.add(item)
        await asyncio.to_thread(
            chats.purge, engine, limits, scope=col(Conversation.id).in_(contacts)
        )
        # The subject's threads whole; in other people's threads only their own mail, whose
        # mailbox copies alone become pending (the thread and its other mail stay).
        mine = or_(
            col(EmailMessage.conversation_id).in_(contacts), col(EmailMessage.id).in_(elsewhere)
        )
        await asyncio.to_thread(emails.purge, engine, settings, limits, scope=mine)
        await asyncio.to_thread(
            emails.purge_quarantine, engine, settings, limits,
            scope=col(QuarantinedEmail.id).in_(quarantined),
        )  # fmt: skip
        # Threads emptied before the address went with the rest (an earlier purge) lose it now.
        await asyncio.to_thread(emails.sweep_threads, engine, col(Conversation.id).in_(contacts))
        await asyncio.to_thread(cases.purge, engine, limits, scope=col(CaseFile.id).in_(files))
        await asyncio.to_thread(
            _remove_claim_codes, engine, key, actor, request_id, address, contacts, codes
        )
        await asyncio.to_thread(remove_pending_files, settings, engine)
        mailboxes = await clear_mailboxes(settings, engine, after=before)
        await asyncio.to_thread(_remove_exports, engine, key, actor, request_id, exported, now)
    result.done = True
    result.mailbox_removed = mailboxes.removed
    result.mailbox_left, result.mailboxes_waiting = mailboxes.left, mailboxes.waiting
    with session_scope(engine) as session:
        row = register.get(session, request_id)
        detail: dict[str, audit.DetailValue] = {
            k: v for k, v in result.as_data().items() if isinstance(v, int)
        }
        # Counts only, as the purge's event: never an address or a Message-ID.
        detail["mailbox_left"] = sum(result.mailbox_left.values())
        detail["mailboxes_waiting"] = len(result.mailboxes_waiting)
        audit.record(
            session, key, actor=actor.name, action="dsr.erasure", object_type="dsr",
            object_id=request_id, detail=detail,
        )  # fmt: skip
        note = (
            f"erased: {result.case_files} case files, {result.conversations} contacts, "
            f"{result.messages} messages, {result.emails} emails, {result.exports} export "
            f"files, {result.claim_codes} claim codes, {result.quarantined} quarantined emails"
        )
        note += elsewhere_note(result) + mailbox_note(result)
        if result.held and not files and not contacts and not elsewhere and not quarantined:
            register.refuse(
                session, key, actor=actor, row=row,
                reason="kept under legal hold: " + "; ".join(result.held.values()),
            )  # fmt: skip
        else:
            if result.held:
                note += "; kept under legal hold: " + "; ".join(result.held.values())
            register.done(session, key, actor=actor, row=row, note=note)
        if RequestStatus(row.status) == RequestStatus.DONE:
            row.decision_note = note
            session.add(row)
    return result

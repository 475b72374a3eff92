"""Whose data a request is about: the case file ids and conversation ids of its one subject.
Only rows linked by id to the subject are ever collected, never a search by name or date, so
a second person with a similar name, date or counsellor cannot slip in. A subject named by
address owns the threads they are the correspondent of; in a thread owned by someone else only
their own mail (and the replies sent to them there) is theirs, for the export and the erasure
alike. Mail kept in quarantine (unparsed, so in no thread) is the subject's when its own header
fields name the subject's address (`mail.raw_owner`): the address a request names, else the
correspondents of the subject's threads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from helpline_core.mail.raw_owner import SCANNED_BYTES, owner_addresses
from helpline_core.models import (
    Conversation,
    DataSubjectRequest,
    EmailDirection,
    EmailMessage,
    MailKind,
    QuarantinedEmail,
)


@dataclass(frozen=True)
class Scope:
    """`conversation_ids`: the subject's own contacts, whole. `email_ids`: the subject's own
    mail in threads that belong to someone else (GDPR art. 15(4), 17: only those emails are
    theirs; the thread, its other mail and its registration are the other person's).
    `quarantine_ids`: quarantined raw mail that is the subject's (`mail.raw_owner`)."""

    case_file_ids: frozenset[int]
    conversation_ids: frozenset[int]
    email_ids: frozenset[int] = frozenset()
    quarantine_ids: frozenset[int] = frozenset()


def _addresses(value: str | None) -> list[str]:
    return [part.strip().lower() for part in (value or "").split(",") if part.strip()]


def _owns(thread: Conversation, mine: list[EmailMessage], address: str) -> bool:
    """Whether a thread the address wrote into is the subject's: the address is its
    correspondent, or it has none, or the subject's own person mail was taken as the
    correspondent's (their Reply-To is the correspondent: not marked `other_sender`)."""
    owners = _addresses(thread.correspondent)
    if not owners or address in owners:
        return True
    return any(e.kind == MailKind.PERSON and not e.other_sender for e in mine)


def _by_address(session: Session, address: str) -> tuple[set[int], set[int]]:
    """(the threads the address owns, its own emails in threads owned by someone else: its
    inbound mail, the helpline's replies that went to it there, and the bounces of mail to
    it)."""
    inbound = session.exec(
        select(EmailMessage)
        .where(EmailMessage.direction == EmailDirection.INBOUND)
        .where(func.lower(col(EmailMessage.from_address)) == address)
    ).all()
    written: dict[int, list[EmailMessage]] = {}
    for email in inbound:
        written.setdefault(email.conversation_id, []).append(email)
    owned: set[int] = set()
    elsewhere: set[int] = set()
    for thread in session.exec(select(Conversation).where(col(Conversation.id).in_(written))):
        assert thread.id is not None
        if _owns(thread, written[thread.id], address):
            owned.add(thread.id)
        else:
            elsewhere.update(e.id for e in written[thread.id] if e.id is not None)
            replies = session.exec(
                select(EmailMessage)
                .where(EmailMessage.conversation_id == thread.id)
                .where(EmailMessage.direction == EmailDirection.OUTBOUND)
            )
            elsewhere.update(
                e.id for e in replies if e.id is not None and address in _addresses(e.to_addresses)
            )
    # Bounces of the helpline's mail to the address (mail.bounce `recipients`), wherever they
    # were filed: with the reply they return, or in a thread of their own when none matched.
    bounced = session.exec(
        select(EmailMessage)
        .where(EmailMessage.kind == MailKind.BOUNCE)
        .where(func.lower(col(EmailMessage.returned_to)).contains(address, autoescape=True))
    ).all()
    # A bounce with no recipients read (stored before migration 0018, or a report that names
    # none in a form mail.bounce reads) is the address's when its text names the address.
    unread = session.exec(
        select(EmailMessage)
        .where(EmailMessage.kind == MailKind.BOUNCE)
        .where(or_(col(EmailMessage.returned_to).is_(None), col(EmailMessage.returned_to) == ""))
        .where(func.lower(col(EmailMessage.body_text)).contains(address, autoescape=True))
    ).all()
    elsewhere.update(
        e.id
        for e in bounced
        if e.id is not None
        and e.conversation_id not in owned
        and address in _addresses(e.returned_to)
    )
    elsewhere.update(
        e.id
        for e in unread
        if e.id is not None and e.conversation_id not in owned and _names(e.body_text, address)
    )
    return owned, elsewhere


def _names(text: str, address: str) -> bool:
    """Does `text` name `address` (lower case) as a whole address, not inside a longer one
    ("anna@x.org" is not named by "hanna@x.org" or "anna@x.org.uk")? Case is ignored."""
    pattern = rf"(?<![\w.+%-]){re.escape(address)}(?![\w-]|\.\w)"
    return re.search(pattern, text.lower()) is not None


def _quarantined(session: Session, addresses: set[str]) -> frozenset[int]:
    """Ids of the quarantined mail that belongs to one of `addresses` (lower-cased). Quarantine
    holds only what could not be read, so it is scanned whole, a row's first bytes at a time."""
    if not addresses:
        return frozenset()
    rows = session.exec(
        select(
            col(QuarantinedEmail.id), func.substr(col(QuarantinedEmail.raw), 1, SCANNED_BYTES)
        ).order_by(col(QuarantinedEmail.id))
    )
    return frozenset(
        row_id
        for row_id, head in rows
        if row_id is not None and owner_addresses(bytes(head)) & addresses
    )


def _correspondents(session: Session, conversations: set[int]) -> set[str]:
    """The addresses the subject's own threads were written from."""
    found = session.exec(
        select(col(Conversation.correspondent))
        .where(col(Conversation.id).in_(conversations))
        .where(col(Conversation.correspondent).is_not(None))
    ).all()
    return {address for value in found for address in _addresses(value)}


def scope_of(session: Session, row: DataSubjectRequest) -> Scope:
    """The subject's case files and contacts: a file with its linked contacts; an email sender's
    own threads (see `_owns`) with their files, and their own mail in other people's threads;
    a claimed conversation with its file and that file's contacts."""
    conversations: set[int] = set()
    files: set[int] = set()
    emails: set[int] = set()
    if row.case_file_id is not None:
        files.add(row.case_file_id)
    elif row.subject_email is not None:
        owned, emails = _by_address(session, row.subject_email.lower())
        conversations.update(owned)
    elif row.conversation_id is not None:
        conversations.add(row.conversation_id)
    if conversations:
        linked = session.exec(
            select(col(Conversation.case_file_id)).where(col(Conversation.id).in_(conversations))
        ).all()
        files.update(int(i) for i in linked if i is not None)
    if files:
        contacts = session.exec(
            select(col(Conversation.id)).where(col(Conversation.case_file_id).in_(files))
        ).all()
        conversations.update(int(i) for i in contacts if i is not None)
    # A thread the subject owns through their file is theirs whole.
    inside = session.exec(
        select(col(EmailMessage.id))
        .where(col(EmailMessage.id).in_(emails))
        .where(col(EmailMessage.conversation_id).in_(conversations))
    ).all()
    # Named by address: that address alone (a thread it owns may list others as correspondents).
    addresses = (
        {row.subject_email.lower()}
        if row.subject_email is not None
        else _correspondents(session, conversations)
    )
    return Scope(
        frozenset(files),
        frozenset(conversations),
        frozenset(emails - set(inside)),
        _quarantined(session, addresses),
    )

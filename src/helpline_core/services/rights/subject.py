"""Whose data a request is about: the case file ids and conversation ids of its one subject.
Only rows linked by id to the subject are ever collected, never a search by name or date, so
a second person with a similar name, date or counsellor cannot slip in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from helpline_core.models import (
    Conversation,
    DataSubjectRequest,
    EmailDirection,
    EmailMessage,
)


@dataclass(frozen=True)
class Scope:
    case_file_ids: frozenset[int]
    conversation_ids: frozenset[int]


def scope_of(session: Session, row: DataSubjectRequest) -> Scope:
    """The subject's case files and contacts: a file with its linked contacts; an email sender's
    threads (inbound mail from that address) with their files; a claimed conversation with its
    file and that file's contacts."""
    conversations: set[int] = set()
    files: set[int] = set()
    if row.case_file_id is not None:
        files.add(row.case_file_id)
    elif row.subject_email is not None:
        threads = session.exec(
            select(col(EmailMessage.conversation_id))
            .where(EmailMessage.direction == EmailDirection.INBOUND)
            .where(func.lower(col(EmailMessage.from_address)) == row.subject_email)
            .distinct()
        ).all()
        conversations.update(int(i) for i in threads)
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
    return Scope(frozenset(files), frozenset(conversations))

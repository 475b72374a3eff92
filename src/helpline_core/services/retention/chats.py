"""Chat retention (C5): a chat's transcript, nickname, IP hash, intake answers and resume
sessions go `chat_months` after it ended. The conversation row stays, stripped and marked
`purged_at`, so the contact's registration (no text, no identifier) keeps pointing at it."""

from __future__ import annotations

from sqlalchemy import delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.models import ChatSession, Conversation, Message
from helpline_core.services.retention.batches import DEFAULT_BATCH, candidates, in_transactions
from helpline_core.services.retention.report import ClassReport, as_utc
from helpline_core.services.retention.rules import Limits, chat_ended_at, chat_expired

STRIPPED = {
    "nickname": None,
    "ip_hash": None,
    "intake_age_group": None,
    "intake_region": None,
    "intake_sex": None,
    "intake_role": None,
    "subject": None,
}


def plan(session: Session, limits: Limits) -> ClassReport:
    """What `purge` would strip at `limits.now`, and what a legal hold keeps."""
    report = ClassReport("chats")
    expired = chat_expired(limits)
    count, oldest, newest = session.exec(
        select(func.count(), func.min(chat_ended_at()), func.max(chat_ended_at())).where(expired)
    ).one()
    report.rows = int(count)
    report.seen(as_utc(oldest))
    report.seen(as_utc(newest))
    ids = select(col(Conversation.id)).where(expired).scalar_subquery()
    report.add(
        "messages",
        session.exec(select(func.count()).where(col(Message.conversation_id).in_(ids))).one(),
    )
    report.add(
        "sessions",
        session.exec(select(func.count()).where(col(ChatSession.conversation_id).in_(ids))).one(),
    )
    report.held = int(
        session.exec(select(func.count()).where(chat_expired(limits, held=True))).one()
    )
    return report


def purge(engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH) -> ClassReport:
    """Strip expired chats, `size` conversations per transaction. Returns what went."""
    report = ClassReport("chats")
    rule = chat_expired(limits)

    def step(session: Session, after: int) -> list[int]:
        # The rule (hold included) is evaluated here, in the statement that strips the rows,
        # which also picks them (one statement per batch, not a separate look first); the
        # messages and sessions of exactly those rows go in the same transaction.
        picked = candidates(Conversation.id, rule, after, size).correlate(None)
        stripped = [
            int(row_id)
            for row_id in session.execute(
                update(Conversation)
                .where(col(Conversation.id).in_(picked.scalar_subquery()))
                .where(rule)
                .values(**STRIPPED, purged_at=limits.now)
                .returning(col(Conversation.id))
            ).scalars()
        ]
        if stripped:
            report.rows += len(stripped)
            report.add("messages", _deleted(session, Message, stripped))
            report.add("sessions", _deleted(session, ChatSession, stripped))
        return stripped

    in_transactions(engine, step)
    return report


def _deleted(session: Session, table: type[Message] | type[ChatSession], ids: list[int]) -> int:
    result = session.execute(delete(table).where(col(table.conversation_id).in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

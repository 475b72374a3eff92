"""Chat retention (C5): a chat's transcript, nickname, IP hash, intake answers and resume
sessions go `chat_months` after it ended. The conversation row stays, stripped and marked
`purged_at`, so the contact's registration (no text, no identifier) keeps pointing at it. Its
claim codes go in the same transaction (retention/claim_codes.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, func, literal, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.models import ChatSession, Conversation, Message
from helpline_core.services.retention import claim_codes
from helpline_core.services.retention.batches import DEFAULT_BATCH, candidates, in_transactions
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import (
    Limits,
    chat_ended_at,
    chat_expired,
    chat_expired_by_time,
)

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
    measure(session, report, expired, chat_ended_at())
    ids = select(col(Conversation.id)).where(expired).scalar_subquery()
    report.add(
        "messages",
        session.exec(select(func.count()).where(col(Message.conversation_id).in_(ids))).one(),
    )
    report.add(
        "sessions",
        session.exec(select(func.count()).where(col(ChatSession.conversation_id).in_(ids))).one(),
    )
    report.add("claim_codes", claim_codes.count(session, claim_codes.of(ids)))
    report.add("claim_codes", claim_codes.count(session, claim_codes.left_behind()))
    report.held = int(
        session.exec(select(func.count()).where(chat_expired(limits, held=True))).one()
    )
    return report


def purge(
    engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH, scope: Any = None
) -> ClassReport:
    """Strip expired chats, `size` conversations per transaction. Returns what went. `scope`
    (a condition on Conversation) narrows the run: erasure (R6) passes one subject's
    conversations with limits at its moment, so it deletes through this same code. A run over
    everything also removes claim codes left behind by stripping done before codes went too."""
    report = ClassReport("chats")
    rule = chat_expired(limits) if scope is None else and_(chat_expired(limits), scope)
    by_time = chat_expired_by_time(limits)
    by_time = by_time if scope is None else and_(by_time, scope)

    def step(session: Session, after: int) -> int | None:
        # Candidates by time only, in id order (the planner walks the primary key and stops);
        # the whole rule, hold included, is evaluated in the statement that strips the rows,
        # and the messages and sessions of exactly those rows go in the same transaction.
        picked = candidates(Conversation.id, by_time, after, size)
        strip = (
            update(Conversation)
            .where(rule)
            .values(**STRIPPED, purged_at=limits.now)
            .returning(col(Conversation.id))
        )
        if session.get_bind().dialect.name == "postgresql":
            last, stripped, messages, sessions, codes = _in_one_statement(session, picked, strip)
        else:
            ids = [int(row_id) for row_id in session.exec(picked)]
            last = ids[-1] if ids else None
            strip = strip.where(col(Conversation.id).in_(ids))
            stripped = [int(row_id) for row_id in session.execute(strip).scalars()] if ids else []
            messages = _deleted(session, Message, stripped) if stripped else 0
            sessions = _deleted(session, ChatSession, stripped) if stripped else 0
            codes = len(claim_codes.delete_for(session, stripped))
        report.rows += len(stripped)
        report.add("messages", messages)
        report.add("sessions", sessions)
        report.add("claim_codes", codes)
        return last

    in_transactions(engine, step)
    if scope is None:
        report.add("claim_codes", claim_codes.sweep(engine))
    return report


def _deleted(session: Session, table: type[Message] | type[ChatSession], ids: list[int]) -> int:
    result = session.execute(delete(table).where(col(table.conversation_id).in_(ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _in_one_statement(
    session: Session, picked: Any, strip: Any
) -> tuple[int | None, list[int], int, int, int]:
    """PostgreSQL: pick, strip, and delete the messages, sessions and claim codes of what was
    stripped, in one statement (data-modifying CTEs): one round trip per batch instead of five,
    which counts on a loaded machine. Returns (last id looked at, stripped ids, messages,
    sessions, claim codes)."""
    chosen = picked.cte("picked")
    stripped = strip.where(col(Conversation.id).in_(select(chosen.c.id))).cte("stripped")
    ids = select(stripped.c.id)
    messages = (
        delete(Message).where(col(Message.conversation_id).in_(ids)).returning(literal(1))
    ).cte("messages")
    sessions = (
        delete(ChatSession).where(col(ChatSession.conversation_id).in_(ids)).returning(literal(1))
    ).cte("sessions")
    codes = claim_codes.deletion_cte(ids)
    # sqlalchemy's own select: sqlmodel's overloads stop at four columns.
    row = session.execute(
        sa_select(
            select(func.max(chosen.c.id)).scalar_subquery(),
            select(func.array_agg(stripped.c.id)).scalar_subquery(),
            select(func.count()).select_from(messages).scalar_subquery(),
            select(func.count()).select_from(sessions).scalar_subquery(),
            select(func.count()).select_from(codes).scalar_subquery(),
        )
    ).one()
    last = int(row[0]) if row[0] is not None else None
    return last, [int(i) for i in row[1] or []], int(row[2]), int(row[3]), int(row[4])

"""Blocks of misusing visitors (C7): keyed hashes of the IP and of the chat session, a reason,
who set it and an expiry (default from config; permanent only by a team lead or admin)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.models import Block, ChatSession, Conversation
from helpline_core.services import audit


class BlockError(Exception):
    """A block request a rule refuses; the message is for a person."""


@dataclass(frozen=True)
class BlockView:
    id: int
    reason: str
    set_by: str
    created_at: datetime
    expires_at: datetime | None
    lifted_at: datetime | None
    conversation: str | None
    active: bool


def add_block(
    session: Session,
    key: bytes,
    *,
    conversation_id: int,
    reason: str,
    hours: int | None,
    default_hours: int,
    permanent: bool,
    may_block_permanently: bool,
    set_by_id: int | None,
    set_by_name: str,
    session_hash: str | None = None,
    scope: str = "session",
) -> Block:
    """Block the visitor of a conversation (C7).

    scope "session" (the default) blocks their chat session, i.e. their browser's cookie (its
    latest hash), and nobody else. scope "address" also blocks the keyed hash of their IP
    address: everyone behind it (a shared home, school or shelter network) is refused while it
    lasts, so it is a deliberate choice, with a shorter default (the caller's default_hours).
    Raises BlockError without a reason, for a permanent block without the right, or an unknown
    conversation or scope.
    """
    if scope not in ("session", "address"):
        raise BlockError("scope is session or address")
    reason = reason.strip()
    if not reason:
        raise BlockError("a block needs a reason")
    if permanent and not may_block_permanently:
        raise BlockError("only a team lead or admin can block permanently")
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise BlockError("no such conversation")
    if session_hash is None:
        latest = session.exec(
            select(ChatSession)
            .where(ChatSession.conversation_id == conversation_id)
            .order_by(col(ChatSession.id).desc())
        ).first()
        session_hash = latest.token_hash if latest else None
    now = utcnow()
    block = Block(
        ip_hash=conversation.ip_hash if scope == "address" else None,
        session_hash=session_hash,
        conversation_id=conversation_id,
        reason=reason[:500],
        set_by=set_by_id,
        set_by_name=set_by_name[:64],
        created_at=now,
        expires_at=None if permanent else now + timedelta(hours=hours or default_hours),
    )
    session.add(block)
    session.flush()
    audit.record(
        session,
        key,
        actor=set_by_name,
        action="block.add",
        object_type="block",
        object_id=str(block.id),
        detail={"conversation": conversation.public_id, "permanent": permanent, "scope": scope},
    )
    return block


def active_block(
    session: Session,
    *,
    ip_hash: str | None,
    session_hash: str | None,
    now: datetime | None = None,
    conversation_id: int | None = None,
) -> Block | None:
    """The block in force for this address, session or (resumed) conversation, if any (the
    longest one)."""
    now = now or utcnow()
    conditions = []
    if ip_hash:
        conditions.append(col(Block.ip_hash) == ip_hash)
    if session_hash:
        conditions.append(col(Block.session_hash) == session_hash)
    if conversation_id is not None:
        conditions.append(col(Block.conversation_id) == conversation_id)
    if not conditions:
        return None
    blocks = session.exec(
        select(Block)
        .where(or_(*conditions))
        .where(col(Block.lifted_at).is_(None))
        .where(or_(col(Block.expires_at).is_(None), col(Block.expires_at) > now))
    ).all()
    if not blocks:
        return None
    return max(blocks, key=lambda b: b.expires_at or datetime.max.replace(tzinfo=now.tzinfo))


def blocks_session(session: Session, session_hash: str, now: datetime | None = None) -> bool:
    """Whether a block in force names this chat session (its cookie is then kept as it is, so
    the block follows the browser from one connection to the next)."""
    return active_block(session, ip_hash=None, session_hash=session_hash, now=now) is not None


def list_blocks(session: Session, *, include_inactive: bool = False) -> list[BlockView]:
    now = utcnow()
    rows = session.exec(select(Block).order_by(col(Block.created_at).desc())).all()
    public = {
        c.id: c.public_id
        for c in session.exec(
            select(Conversation).where(
                col(Conversation.id).in_({r.conversation_id for r in rows if r.conversation_id})
            )
        )
    }
    views = []
    for row in rows:
        active = row.lifted_at is None and (row.expires_at is None or row.expires_at > now)
        if not active and not include_inactive:
            continue
        assert row.id is not None
        views.append(
            BlockView(
                id=row.id,
                reason=row.reason,
                set_by=row.set_by_name,
                created_at=row.created_at,
                expires_at=row.expires_at,
                lifted_at=row.lifted_at,
                conversation=public.get(row.conversation_id) if row.conversation_id else None,
                active=active,
            )
        )
    return views


def lift_block(session: Session, key: bytes, block_id: int, *, actor: str) -> Block:
    block = session.get(Block, block_id)
    if block is None:
        raise BlockError(f"no block with id {block_id}")
    if block.lifted_at is not None:
        raise BlockError(f"block {block_id} was already lifted")
    block.lifted_at = utcnow()
    block.lifted_by = actor[:64]
    session.add(block)
    audit.record(
        session, key, actor=actor, action="block.lift", object_type="block", object_id=block_id
    )
    return block

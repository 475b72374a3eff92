"""Claim codes go with the conversation they lead to (R1-R6, C5, E3): a code whose chat was
stripped or whose email thread was emptied would otherwise still "find" a conversation that no
longer holds anything of the subject, and answer "yes, this is someone's" to whoever holds it.

One deletion, used by the chat and email purges (in the transaction that strips the rows), by
"please don't keep my email" (mail/delete.py) and by erasure (rights/erasure.py). A code that an
email reply still names (`EmailMessage.claim_code_id`) stays until that email goes: the reply is
the one place the code was sent, and its row is the foreign key's other end."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, exists, func, literal
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.models import ClaimCode, Conversation, EmailMessage
from helpline_core.services.retention.batches import delete_each_batch


def unreferenced() -> Any:
    """True for a claim code no stored email reply names."""
    return ~exists().where(col(EmailMessage.claim_code_id) == col(ClaimCode.id))


def of(conversation_ids: Any) -> Any:
    """The condition for the claim codes of these conversations (a list or a subquery) that no
    email still names: what may be deleted."""
    return and_(col(ClaimCode.conversation_id).in_(conversation_ids), unreferenced())


def delete_for(session: Session, conversation_ids: Iterable[int]) -> list[int]:
    """Delete the claim codes of these conversations (none an email still names); returns the
    deleted codes' ids (for an audit record: ids only)."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return []
    gone = session.execute(delete(ClaimCode).where(of(ids)).returning(col(ClaimCode.id)))
    return sorted(int(code_id) for code_id in gone.scalars())


def deletion_cte(conversation_ids: Any, name: str = "claim_codes") -> Any:
    """PostgreSQL: the same deletion as a data-modifying CTE, one row per code deleted, for the
    chat purge's single statement."""
    return (delete(ClaimCode).where(of(conversation_ids)).returning(literal(1))).cte(name)


def count(session: Session, condition: Any) -> int:
    """How many claim codes match `condition` (`of(...)`, `left_behind()`): for plans."""
    return int(session.exec(select(func.count()).select_from(ClaimCode).where(condition)).one())


def left_behind() -> Any:
    """Codes of conversations already stripped (`purged_at`) before codes went with them, and of
    threads emptied on the sender's request: nothing is left for them to lead to."""
    stripped = select(col(Conversation.id)).where(
        col(Conversation.purged_at).is_not(None)
        | (
            col(Conversation.delete_requested_at).is_not(None)
            & ~exists().where(col(EmailMessage.conversation_id) == col(Conversation.id))
        )
    )
    return of(stripped)


def sweep(engine: Engine) -> int:
    """Delete every code `left_behind` names, in batches; returns how many went."""
    return delete_each_batch(engine, ClaimCode, left_behind())

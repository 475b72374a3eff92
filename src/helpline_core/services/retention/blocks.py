"""Block retention (C7): a block goes `block_days_after_expiry` after it expired or was lifted."""

from __future__ import annotations

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from helpline_core.models import Block
from helpline_core.services.retention.batches import DEFAULT_BATCH, each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, block_expired

_ENDED = func.coalesce(col(Block.lifted_at), col(Block.expires_at))


def plan(session: Session, limits: Limits) -> ClassReport:
    report = ClassReport("blocks")
    measure(session, report, block_expired(limits), _ENDED)
    return report


def purge(engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH) -> ClassReport:
    report = ClassReport("blocks")

    def apply(session: Session, ids: list[int]) -> None:
        result = session.execute(
            delete(Block).where(col(Block.id).in_(ids)).where(block_expired(limits))
        )
        report.rows += int(result.rowcount or 0)  # type: ignore[attr-defined]

    each_batch(engine, Block.id, block_expired(limits), apply, size=size)
    return report

"""Block retention (C7): a block goes `block_days_after_expiry` after it expired or was lifted."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from helpline_core.models import Block
from helpline_core.services.retention.batches import DEFAULT_BATCH, delete_each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, block_expired

_ENDED = func.coalesce(col(Block.lifted_at), col(Block.expires_at))


def plan(session: Session, limits: Limits) -> ClassReport:
    report = ClassReport("blocks")
    measure(session, report, block_expired(limits), _ENDED)
    return report


def purge(engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH) -> ClassReport:
    report = ClassReport("blocks")
    report.rows = delete_each_batch(engine, Block, block_expired(limits), size=size)
    return report

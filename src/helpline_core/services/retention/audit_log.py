"""Audit-log retention (S1): events older than `audit_years` go, oldest first, and an anchor
records where the remaining chain starts, so `helpline audit verify` still proves the rest.

The anchor holds the first kept event's position and the hash that event must follow, with a
keyed tag over both: moving the anchor (to hide removed events) needs the installation secret.
Before events go, their part of the chain is checked, so a purge never erases tampering.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.db import session_scope
from helpline_core.models import AuditAnchor, AuditEvent
from helpline_core.secrets import derive
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits

GENESIS = "0" * 64  # the chain's start before any purge (as services.audit)
BATCH = 1000


class AuditChainBroken(Exception):
    """The events to be purged, or the anchor, do not verify: nothing is deleted."""


@dataclass(frozen=True)
class ChainStart:
    """Where `audit.verify` starts: the first kept event's id and the hash it must follow."""

    first_id: int
    prev_hash: str
    intact: bool = True


def anchor_tag(key: bytes, first_id: int, prev_hash: str) -> str:
    message = f"{first_id}:{prev_hash}".encode()
    return hmac.new(derive(key, "audit-anchor"), message, hashlib.sha256).hexdigest()


def chain_start(session: Session, key: bytes) -> ChainStart:
    """The start of the chain: event 1 after GENESIS, or the anchor a purge left (checked)."""
    anchor = session.get(AuditAnchor, 1)
    if anchor is None:
        return ChainStart(1, GENESIS)
    intact = hmac.compare_digest(anchor.tag, anchor_tag(key, anchor.first_id, anchor.prev_hash))
    return ChainStart(anchor.first_id, anchor.prev_hash, intact)


def plan(session: Session, limits: Limits) -> ClassReport:
    report = ClassReport("audit")
    measure(session, report, col(AuditEvent.at) <= limits.audit, col(AuditEvent.at))
    return report


def purge(engine: Engine, key: bytes, limits: Limits, *, size: int = BATCH) -> ClassReport:
    """Delete the oldest events up to the first one still inside `audit_years`, `size` per
    transaction, moving the anchor in the same transaction. Raises AuditChainBroken."""
    report = ClassReport("audit")
    while True:
        with session_scope(engine) as session:
            gone = _one_batch(session, key, limits, size)
        if not gone:
            return report
        report.rows += gone


def _one_batch(session: Session, key: bytes, limits: Limits, size: int) -> int:
    from helpline_core.services.audit import compute_hash  # audit imports this module

    start = chain_start(session, key)
    if not start.intact:
        raise AuditChainBroken("the audit anchor was altered")
    events = session.exec(
        select(AuditEvent)
        .where(col(AuditEvent.id) >= start.first_id)
        .order_by(col(AuditEvent.id))
        .limit(size)
    ).all()
    expected_id, prev_hash, last = start.first_id, start.prev_hash, None
    for event in events:
        if event.at > limits.audit:
            break  # the chain is cut only at its start: the rest stays whole
        if (
            event.id != expected_id
            or event.prev_hash != prev_hash
            or not hmac.compare_digest(compute_hash(key, event), event.hash)
        ):
            raise AuditChainBroken(f"audit event {expected_id} does not verify; nothing purged")
        expected_id, prev_hash, last = event.id + 1, event.hash, event
    if last is None:
        return 0
    result = session.execute(
        delete(AuditEvent)
        .where(col(AuditEvent.id) >= start.first_id)
        .where(col(AuditEvent.id) <= last.id)
        .where(col(AuditEvent.at) <= limits.audit)
    )
    gone = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if gone != last.id - start.first_id + 1:
        raise AuditChainBroken("audit events changed during the purge; nothing purged")
    anchor = session.get(AuditAnchor, 1) or AuditAnchor(id=1, prev_hash=GENESIS, tag="")
    anchor.first_id = last.id + 1
    anchor.prev_hash = last.hash
    anchor.tag = anchor_tag(key, anchor.first_id, anchor.prev_hash)
    anchor.updated_at = utcnow()
    session.add(anchor)
    return gone

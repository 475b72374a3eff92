"""Retention of the register of data-subject requests (R1-R6): a request done or refused goes
`request_years` after it was closed, with its history; open requests, and those of a case file
under legal hold, stay. A rights export row keeps its own trace, without the link. The audit
log's `dsr.*` events (ids only) follow the audit log's own period. Wrong claim-code attempts (a
keyed hash of their source) go once their 15-minute window has passed, even when no code was
tried since."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from helpline_core.models import ClaimAttempt, DataSubjectRequest, ExportRecord, RequestEvent
from helpline_core.services.retention.batches import DEFAULT_BATCH, delete_each_batch, each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, request_closed_at, request_expired
from helpline_core.services.rights.claims import WINDOW


def plan(session: Session, limits: Limits) -> ClassReport:
    """What `purge` would delete at `limits.now`, and what a legal hold keeps."""
    report = ClassReport("requests")
    expired = request_expired(limits)
    measure(session, report, expired, request_closed_at())
    ids = select(col(DataSubjectRequest.id)).where(expired).scalar_subquery()
    report.add(
        "events",
        session.exec(select(func.count()).where(col(RequestEvent.request_id).in_(ids))).one(),
    )
    report.held = int(
        session.exec(select(func.count()).where(request_expired(limits, held=True))).one()
    )
    report.add("claim_attempts", session.exec(select(func.count()).where(_stale(limits))).one())
    return report


def _stale(limits: Limits) -> Any:
    return col(ClaimAttempt.at) <= limits.now - WINDOW


def purge(engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH) -> ClassReport:
    """Delete expired requests with their history, `size` per transaction."""
    report = ClassReport("requests")

    def apply(session: Session, ids: list[int]) -> None:
        # The rule is evaluated again here, and decides which of the candidates go.
        gone = [
            i
            for i in session.exec(
                select(col(DataSubjectRequest.id))
                .where(col(DataSubjectRequest.id).in_(ids))
                .where(request_expired(limits))
            ).all()
            if i is not None
        ]
        if not gone:
            return
        events = session.execute(delete(RequestEvent).where(col(RequestEvent.request_id).in_(gone)))
        report.add("events", int(events.rowcount or 0))  # type: ignore[attr-defined]
        session.execute(
            update(ExportRecord)
            .where(col(ExportRecord.request_id).in_(gone))
            .values(request_id=None)
        )
        session.execute(delete(DataSubjectRequest).where(col(DataSubjectRequest.id).in_(gone)))
        report.rows += len(gone)

    each_batch(engine, DataSubjectRequest.id, request_expired(limits), apply, size=size)
    report.add("claim_attempts", delete_each_batch(engine, ClaimAttempt, _stale(limits), size=size))
    return report

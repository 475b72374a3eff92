"""Retention of the complaints register (R7): a resolved complaint goes `complaint_years` after
it was resolved; open complaints, and those of a case file under legal hold, stay."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from helpline_core.models import Complaint
from helpline_core.services.retention.batches import DEFAULT_BATCH, delete_each_batch
from helpline_core.services.retention.report import ClassReport, measure
from helpline_core.services.retention.rules import Limits, complaint_expired


def plan(session: Session, limits: Limits) -> ClassReport:
    """What `purge` would delete at `limits.now`, and what a legal hold keeps."""
    report = ClassReport("complaints")
    measure(session, report, complaint_expired(limits), col(Complaint.resolved_at))
    held = ClassReport("complaints")
    measure(session, held, complaint_expired(limits, held=True), col(Complaint.resolved_at))
    report.held = held.rows
    return report


def purge(engine: Engine, limits: Limits, *, size: int = DEFAULT_BATCH) -> ClassReport:
    """Delete expired complaints, `size` per transaction."""
    report = ClassReport("complaints")
    report.rows = delete_each_batch(engine, Complaint, complaint_expired(limits), size=size)
    return report

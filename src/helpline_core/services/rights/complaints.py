"""The complaints register (R7): received, listed, resolved; linked to a case file when there
is one. Audited with ids only (a complaint's summary is text)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.models import CaseFile, Complaint
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue, NotFound
from helpline_core.services.cases.entries import checked_text


@dataclass(frozen=True)
class ComplaintView:
    id: int
    case: str | None
    status: str
    received_at: datetime
    summary: str
    resolved_at: datetime | None
    resolution: str | None


def _view(session: Session, row: Complaint) -> ComplaintView:
    assert row.id is not None
    case = session.get(CaseFile, row.case_file_id) if row.case_file_id else None
    return ComplaintView(
        row.id, case.public_id if case else None, row.status, row.received_at, row.summary,
        row.resolved_at, row.resolution,
    )  # fmt: skip


def add(
    session: Session, key: bytes, *, actor: Actor, summary: str, case: str | None = None
) -> ComplaintView:
    """Register a complaint received now; NotFound for an unknown case file."""
    row = Complaint(summary=checked_text(summary, "summary"), received_by=actor.name)
    if case:
        found = session.exec(select(CaseFile).where(CaseFile.public_id == case)).first()
        if found is None:
            raise NotFound("no such case file")
        row.case_file_id = found.id
    session.add(row)
    session.flush()
    assert row.id is not None
    audit.record(session, key, actor=actor.name, action="complaint.add",
                 object_type="complaint", object_id=row.id)  # fmt: skip
    return _view(session, row)


def list_complaints(session: Session, *, open_only: bool = False) -> list[ComplaintView]:
    statement = select(Complaint)
    if open_only:
        statement = statement.where(Complaint.status == "open")
    rows = session.exec(statement.order_by(col(Complaint.received_at))).all()
    return [_view(session, row) for row in rows]


def resolve(
    session: Session, key: bytes, *, actor: Actor, complaint: int, resolution: str
) -> ComplaintView:
    """Close a complaint with how it was resolved; InvalidValue if resolved already."""
    row = session.get(Complaint, complaint)
    if row is None:
        raise NotFound(f"no complaint {complaint}")
    if row.status != "open":
        raise InvalidValue(f"complaint {complaint} is resolved already")
    row.status, row.resolved_at, row.resolved_by = "resolved", utcnow(), actor.name
    row.resolution = checked_text(resolution, "resolution")
    session.add(row)
    audit.record(session, key, actor=actor.name, action="complaint.resolve",
                 object_type="complaint", object_id=complaint)  # fmt: skip
    return _view(session, row)

"""The register of data-subject requests and the complaints register have their own retention
(`retention.request_years`, `retention.complaint_years`; DESIGN's lifecycle table: "as the case
file"): one second either side of the limit, open ones and a held file's kept, shown in the dry
run, audited with counts (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from helpline_core.config import Settings
from helpline_core.db import session_scope
from helpline_core.models import (
    AuditEvent,
    ClaimAttempt,
    Complaint,
    DataSubjectRequest,
    ExportRecord,
    RequestEvent,
    RequestStatus,
)
from helpline_core.services.retention.rules import limits_at
from helpline_core.services.rights.claims import WINDOW
from tests.retention import seed
from tests.retention.conftest import SECOND, local, purge

NOW = local(2036, 10, 26, 12, 0)


def request(
    engine: Engine, closed: datetime | None, *, status: RequestStatus = RequestStatus.DONE,
    case_file_id: int | None = None,
) -> int:  # fmt: skip
    """A request received a month before `closed` (None: still open), with two events."""
    received = (closed or NOW).replace(month=1)
    with session_scope(engine) as session:
        row = DataSubjectRequest(
            status=status, received_at=received, due_at=received, case_file_id=case_file_id
        )
        if status == RequestStatus.DONE:
            row.done_at = row.decided_at = closed
        elif status == RequestStatus.REFUSED:
            row.decided_at = closed
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add(RequestEvent(request_id=row.id, status=RequestStatus.RECEIVED, at=received,
                                 actor="admin:a"))  # fmt: skip
        session.add(RequestEvent(request_id=row.id, status=status, at=closed or received,
                                 actor="admin:a"))  # fmt: skip
        return row.id


def complaint(engine: Engine, resolved: datetime | None, case_file_id: int | None = None) -> int:
    with session_scope(engine) as session:
        row = Complaint(summary="te traag", case_file_id=case_file_id,
                        received_at=(resolved or NOW).replace(month=1))  # fmt: skip
        if resolved is not None:
            row.status, row.resolved_at, row.resolution = "resolved", resolved, "excuses"
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_requests_and_complaints_go_one_second_past_their_limits(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    assert limits.requests == limits.complaints == local(2026, 10, 26, 12, 0)
    held = seed.case_file(engine, None, hold=True)
    gone = request(engine, limits.requests - SECOND)
    refused = request(engine, limits.requests, status=RequestStatus.REFUSED)
    kept = request(engine, limits.requests + SECOND)
    still_open = request(engine, None, status=RequestStatus.VERIFIED)
    on_hold = request(engine, limits.requests - SECOND, case_file_id=held)
    with session_scope(engine) as session:
        session.add(ExportRecord(kind="rights", path="/nowhere/a.json", actor="t",
                                 created_at=limits.requests, request_id=gone))  # fmt: skip
    old_complaint = complaint(engine, limits.complaints - SECOND)
    kept_complaint = complaint(engine, limits.complaints + SECOND)
    open_complaint = complaint(engine, None)
    held_complaint = complaint(engine, limits.complaints - SECOND, case_file_id=held)
    with session_scope(engine) as session:  # wrong claim codes: gone once their window passed
        session.add(ClaimAttempt(source_hash="a" * 64, at=NOW - WINDOW))
        session.add(ClaimAttempt(source_hash="b" * 64, at=NOW - WINDOW + SECOND))

    planned = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert (planned.classes["requests"].rows, planned.classes["requests"].held) == (2, 1)
    assert planned.classes["requests"].related == {"events": 4, "claim_attempts": 1}
    assert (planned.classes["complaints"].rows, planned.classes["complaints"].held) == (1, 1)
    with session_scope(engine) as session:
        assert len(session.exec(select(DataSubjectRequest)).all()) == 5  # nothing gone yet

    result = purge(settings, engine, secret_key, NOW)
    assert (result.classes["requests"].rows, result.classes["complaints"].rows) == (2, 1)
    assert result.classes["requests"].held == 1
    with session_scope(engine) as session:
        left = sorted(i for i in session.exec(select(DataSubjectRequest.id)).all())
        assert left == sorted([kept, still_open, on_hold])
        events = session.exec(
            select(RequestEvent.request_id).where(col(RequestEvent.request_id).in_([gone, refused]))
        ).all()
        assert events == []
        record = session.exec(select(ExportRecord)).one()
        assert record.request_id is None  # the export's own trace stays, unlinked
        complaints = sorted(i for i in session.exec(select(Complaint.id)).all())
        assert complaints == sorted([kept_complaint, open_complaint, held_complaint])
        assert old_complaint not in complaints
        assert session.exec(select(ClaimAttempt.source_hash)).all() == ["b" * 64]
        done = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
        assert '"requests": 2' in done.detail and '"complaints": 1' in done.detail
        assert '"requests.events": 4' in done.detail


def test_a_request_counts_from_when_it_was_done_and_only_once_closed(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    # Decided before the limit, carried out one second inside it: kept, by the later date.
    done_late = request(engine, limits.requests + SECOND)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, done_late)
        assert row is not None
        row.decided_at = limits.requests - 3600 * SECOND
        session.add(row)
    # Decided long ago but not closed (still being carried out): kept whatever the date.
    in_progress = request(engine, None, status=RequestStatus.VERIFIED)
    with session_scope(engine) as session:
        row = session.get(DataSubjectRequest, in_progress)
        assert row is not None
        row.decided_at = limits.requests - 3600 * SECOND
        session.add(row)
    result = purge(settings, engine, secret_key, NOW)
    assert result.classes["requests"].rows == 0
    with session_scope(engine) as session:
        assert sorted(session.exec(select(DataSubjectRequest.id)).all()) == sorted(
            [done_late, in_progress]
        )


def test_complaints_go_exactly_at_their_limit_only_when_resolved_and_not_held(
    settings: Settings, engine: Engine, secret_key: bytes
) -> None:
    limits = limits_at(settings, NOW)
    held = seed.case_file(engine, None, hold=True)
    exact = complaint(engine, limits.complaints)
    older = complaint(engine, limits.complaints - SECOND)
    on_hold = complaint(engine, limits.complaints - SECOND, case_file_id=held)
    reopened = complaint(engine, limits.complaints - SECOND)
    with session_scope(engine) as session:  # resolved once, then taken up again
        row = session.get(Complaint, reopened)
        assert row is not None
        row.status = "open"
        session.add(row)
    planned = purge(settings, engine, secret_key, NOW, dry_run=True)
    assert (planned.classes["complaints"].rows, planned.classes["complaints"].held) == (2, 1)
    purge(settings, engine, secret_key, NOW)
    with session_scope(engine) as session:
        left = sorted(session.exec(select(Complaint.id)).all())
    assert left == sorted([on_hold, reopened])
    assert exact not in left and older not in left

"""The register of data-subject requests (R1-R6): open one naming its subject, list with the
deadline (`rights.answer_days` calendar days from receipt, the policy's 14; GDPR art. 12(3)),
and every state change (received, verified, granted, refused with the reason, done) kept in
`RequestEvent` with who and when, and audited (ids only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case as sql_case
from sqlmodel import Session, col, select

from helpline_core import terminal
from helpline_core.clock import utcnow
from helpline_core.config import Settings
from helpline_core.models import (
    CaseFile,
    DataSubjectRequest,
    RequestEvent,
    RequestKind,
    RequestStatus,
)
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue, NotFound
from helpline_core.services.cases.entries import checked_text

CLOSED = (RequestStatus.REFUSED, RequestStatus.DONE)
LANGUAGES = ("nl", "fr", "en")
MAX_NOTE = 2000


@dataclass(frozen=True)
class EventView:
    status: str
    at: datetime
    actor: str
    note: str | None


@dataclass(frozen=True)
class RequestView:
    """A request as the register shows it; `days_left` counts calendar days in the helpline's
    time zone (negative: overdue)."""

    id: int
    kind: str
    status: str
    case: str | None
    subject_email: str | None
    by_claim_code: bool
    language: str
    received_at: datetime
    due_at: datetime
    days_left: int
    overdue: bool
    verified_at: datetime | None
    verified_by: str | None
    verification_method: str | None
    decided_at: datetime | None
    decision_note: str | None
    done_at: datetime | None
    history: tuple[EventView, ...] = ()


def due_at(settings: Settings, received: datetime) -> datetime:
    """The answer deadline: `answer_days` calendar days after receipt (same time of day)."""
    return received + timedelta(days=settings.rights.answer_days)


def days_left(settings: Settings, due: datetime, now: datetime) -> int:
    """Calendar days from today to the due day, both in the helpline's time zone."""
    zone = ZoneInfo(settings.helpline.timezone)
    return (due.astimezone(zone).date() - now.astimezone(zone).date()).days


def view(
    session: Session, settings: Settings, row: DataSubjectRequest, now: datetime, *, full: bool
) -> RequestView:
    assert row.id is not None
    case = session.get(CaseFile, row.case_file_id) if row.case_file_id else None
    history: tuple[EventView, ...] = ()
    if full:
        events = session.exec(
            select(RequestEvent)
            .where(RequestEvent.request_id == row.id)
            .order_by(col(RequestEvent.id))
        ).all()
        history = tuple(EventView(str(e.status), e.at, e.actor, e.note) for e in events)
    status = RequestStatus(row.status)
    return RequestView(
        id=row.id,
        kind=str(row.kind),
        status=str(status),
        case=case.public_id if case else None,
        subject_email=row.subject_email,
        by_claim_code=row.conversation_id is not None and row.case_file_id is None,
        language=row.language,
        received_at=row.received_at,
        due_at=row.due_at,
        days_left=days_left(settings, row.due_at, now),
        overdue=status not in CLOSED and row.due_at < now,
        verified_at=row.verified_at,
        verified_by=row.verified_by,
        verification_method=row.verification_method,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        done_at=row.done_at,
        history=history,
    )


def change(
    session: Session,
    key: bytes,
    actor: Actor,
    row: DataSubjectRequest,
    status: RequestStatus,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> None:
    """Record one state change: the row's status, a history event and an audit event (ids)."""
    assert row.id is not None
    at = now or utcnow()
    row.status = status
    session.add(row)
    session.add(RequestEvent(request_id=row.id, status=status, at=at, actor=actor.name, note=note))
    audit.record(
        session, key, actor=actor.name, action=f"dsr.{status}", object_type="dsr",
        object_id=row.id, detail={"kind": str(row.kind)}, at=at,
    )  # fmt: skip


def open_request(
    session: Session,
    key: bytes,
    settings: Settings,
    *,
    actor: Actor,
    kind: RequestKind,
    case: str | None = None,
    email: str | None = None,
    conversation_id: int | None = None,
    language: str = "nl",
    now: datetime | None = None,
) -> DataSubjectRequest:
    """Register a request received now naming exactly one subject: a case file (public id), an
    email sender's address, or the conversation a claim code belongs to (see `claims.find`).
    InvalidValue for no or several subjects, a bad address or language; NotFound for a file."""
    named = [x for x in (case, email, conversation_id) if x is not None]
    if len(named) != 1:
        raise InvalidValue("name the subject once: --case, --claim-code or --email")
    if language not in LANGUAGES:
        raise InvalidValue(f"language: one of {', '.join(LANGUAGES)}")
    at = now or utcnow()
    row = DataSubjectRequest(kind=kind, received_at=at, due_at=due_at(settings, at))
    row.language = language
    if case is not None:
        found = session.exec(select(CaseFile).where(CaseFile.public_id == case)).first()
        if found is None:
            raise NotFound("no such case file")
        row.case_file_id = found.id
    elif email is not None:
        address = email.strip().lower()
        # Controls, bidi and zero-width characters (an address pasted from a hostile email) can
        # never be a sender's address: they would restyle or reorder later listings of the
        # register, or make an address that looks like a sender's yet never matches it.
        if (
            "@" not in address
            or len(address) > 320
            or any(c.isspace() for c in address)
            or not terminal.is_plain_line(address)
        ):
            raise InvalidValue(
                "email: not an address (one @, no spaces, no control, zero-width or bidi "
                "characters)"
            )
        row.subject_email = address
    else:
        row.conversation_id = conversation_id
    session.add(row)
    session.flush()
    change(session, key, actor, row, RequestStatus.RECEIVED, now=at)
    return row


def get(session: Session, request_id: int) -> DataSubjectRequest:
    """The request with this id; NotFound otherwise."""
    row = session.get(DataSubjectRequest, request_id)
    if row is None:
        raise NotFound(f"no request {request_id}")
    return row


def list_requests(
    session: Session,
    settings: Settings,
    *,
    open_only: bool = False,
    overdue_only: bool = False,
    now: datetime | None = None,
) -> list[RequestView]:
    """The register: overdue requests first, then by due date (not audited: no content)."""
    at = now or utcnow()
    statement = select(DataSubjectRequest)
    if open_only or overdue_only:
        statement = statement.where(col(DataSubjectRequest.status).not_in(list(CLOSED)))
    if overdue_only:
        statement = statement.where(col(DataSubjectRequest.due_at) < at)
    late = sql_case(
        (
            (col(DataSubjectRequest.due_at) < at)
            & col(DataSubjectRequest.status).not_in(list(CLOSED)),
            0,
        ),
        else_=1,
    )
    rows = session.exec(
        statement.order_by(late, col(DataSubjectRequest.due_at), col(DataSubjectRequest.id))
    ).all()
    return [view(session, settings, row, at, full=False) for row in rows]


def show(
    session: Session, settings: Settings, request_id: int, now: datetime | None = None
) -> RequestView:
    """One request with its history."""
    return view(session, settings, get(session, request_id), now or utcnow(), full=True)


def require_open(row: DataSubjectRequest, *, verified: bool = True) -> None:
    """InvalidValue when the request is closed, or (with `verified`) not verified yet: every
    right is granted "only if we are absolutely sure of your identity" (the policy)."""
    status = RequestStatus(row.status)
    if status in CLOSED:
        raise InvalidValue(f"request {row.id} is {status} already")
    if verified and status == RequestStatus.RECEIVED:
        raise InvalidValue(f"request {row.id}: verify the subject's identity first")


def grant(
    session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest, note: str | None
) -> None:
    """Grant a verified request (before carrying it out). InvalidValue if not verified."""
    require_open(row)
    row.decided_at = utcnow()
    row.decision_note = checked_text(note, "note", MAX_NOTE) if note else None
    row.handled_by = actor.name
    change(session, key, actor, row, RequestStatus.GRANTED, row.decision_note)


def refuse(
    session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest, reason: str
) -> None:
    """Refuse with a stated reason (shown to the subject with the supervisory authorities)."""
    require_open(row, verified=False)
    row.decided_at = utcnow()
    row.decision_note = checked_text(reason, "reason", MAX_NOTE)
    row.handled_by = actor.name
    change(session, key, actor, row, RequestStatus.REFUSED, row.decision_note)


def done(
    session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest, note: str | None
) -> None:
    """Mark a granted (or verified) request carried out."""
    require_open(row)
    if row.decided_at is None:
        row.decided_at = utcnow()
        row.handled_by = actor.name
        change(session, key, actor, row, RequestStatus.GRANTED)
    row.done_at = utcnow()
    change(session, key, actor, row, RequestStatus.DONE, note)

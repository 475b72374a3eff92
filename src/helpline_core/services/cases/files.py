"""Case files (F1): open one from a contact, find the team's files, link further contacts, close
and reopen (reopening resets the retention clock, F4), and legal holds.

Codes (region, age band, sex, role, themes) come from the registration's code list. Authorisation
is `access.get_file`; every change is audited by `access.record` (ids only).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from helpline_core.clock import utcnow
from helpline_core.codes import UNKNOWN, CodeList
from helpline_core.models import (
    CaseFile,
    CaseStatus,
    Channel,
    ClientRole,
    Conversation,
    DataSubjectRequest,
    Registration,
    RequestStatus,
    Team,
)
from helpline_core.services.actors import Actor, Forbidden, InvalidValue, NotFound
from helpline_core.services.cases.access import get_file, record, visible_files

MAX_PSEUDONYM = 100
MAX_REASON = 500


@dataclass(frozen=True)
class CaseDetails:
    """What a file says about its client (F1): a pseudonym and codes, never a name."""

    pseudonym: str
    region: str = UNKNOWN
    age_group: str = UNKNOWN
    sex: str = UNKNOWN
    role: str = UNKNOWN
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenRequest:
    """A data-subject request on the file not answered yet (R1-R6), so counsellors see it."""

    id: int
    kind: str
    due_at: datetime


@dataclass(frozen=True)
class CaseSummary:
    """A file's header, as every screen shows it (with `restricted`, R4, and the hold)."""

    public_id: str
    pseudonym: str
    team: str | None
    details: CaseDetails
    status: CaseStatus
    opened_at: datetime
    closed_at: datetime | None
    legal_hold: bool
    legal_hold_reason: str | None
    restricted: bool
    open_requests: tuple[OpenRequest, ...] = ()
    reopen_reason: str | None = None


def _check_details(codes: CodeList, details: CaseDetails) -> None:
    name = details.pseudonym.strip()
    if not name or len(name) > MAX_PSEUDONYM:
        raise InvalidValue(f"pseudonym: 1 to {MAX_PSEUDONYM} characters")
    for kind, value in (
        ("regions", details.region),
        ("age_bands", details.age_group),
        ("sexes", details.sex),
        ("roles", details.role),
    ):
        if value not in codes.codes_of(kind):
            raise InvalidValue(
                f"{kind}: '{value[:40]}' is not in code list {codes.version}", "not_in_code_list"
            )
    for theme in details.themes:
        if not codes.is_form(theme):
            raise InvalidValue(
                f"themes: '{theme[:40]}' is not in code list {codes.version}", "not_in_code_list"
            )
    if len(",".join(details.themes)) > 500:
        raise InvalidValue("themes: too many")


def summary(session: Session, row: CaseFile) -> CaseSummary:
    """The header of one file (no audit; callers audit the read they make)."""
    team = session.get(Team, row.team_id) if row.team_id else None
    return CaseSummary(
        public_id=row.public_id,
        pseudonym=row.pseudonym,
        team=team.code if team else None,
        details=CaseDetails(
            pseudonym=row.pseudonym,
            region=row.region or UNKNOWN,
            age_group=row.age_group or UNKNOWN,
            sex=row.sex or UNKNOWN,
            role=str(row.role) if row.role else UNKNOWN,
            themes=tuple(t for t in (row.themes or "").split(",") if t),
        ),
        status=CaseStatus(row.status),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        legal_hold=row.legal_hold,
        legal_hold_reason=row.legal_hold_reason,
        restricted=row.processing_restricted,
        open_requests=_open_requests(session, row.id),
        reopen_reason=row.reopen_reason,
    )


def _open_requests(session: Session, case_file_id: int | None) -> tuple[OpenRequest, ...]:
    rows = session.exec(
        select(DataSubjectRequest)
        .where(DataSubjectRequest.case_file_id == case_file_id)
        .where(col(DataSubjectRequest.status).not_in([RequestStatus.REFUSED, RequestStatus.DONE]))
        .order_by(col(DataSubjectRequest.due_at))
    ).all()
    return tuple(OpenRequest(r.id or 0, str(r.kind), r.due_at) for r in rows)


def _contact_row(session: Session, actor: Actor, contact: str) -> Conversation | Registration:
    """A chat or email conversation (by public id), or a phone registration, that `actor`
    handled or may act on as team lead; NotFound otherwise."""
    conversation = session.exec(
        select(Conversation).where(Conversation.public_id == contact)
    ).first()
    phone = (
        None
        if conversation is not None
        else session.exec(
            select(Registration).where(
                Registration.public_id == contact, Registration.channel == Channel.PHONE
            )
        ).first()
    )
    row: Conversation | Registration | None = conversation or phone
    if row is None:
        raise NotFound("no such contact", "no_such_contact")
    allowed = (
        actor.is_admin
        or (actor.counsellor_id is not None and row.counsellor_id == actor.counsellor_id)
        or (row.team_id is not None and row.team_id == actor.team_id)
    )
    if not allowed:
        raise NotFound("no such contact", "no_such_contact")
    return row


def _attach(session: Session, file: CaseFile, contact: Conversation | Registration) -> None:
    assert file.id is not None
    if isinstance(contact, Conversation):
        contact.case_file_id = file.id
        registration = session.exec(
            select(Registration).where(Registration.contact_id == contact.id)
        ).first()
        if registration is not None:
            registration.case_file_id = file.id
            session.add(registration)
    else:
        contact.case_file_id = file.id
    session.add(contact)


def open_file(
    session: Session,
    key: bytes,
    codes: CodeList,
    *,
    actor: Actor,
    details: CaseDetails,
    contact: str | None = None,
) -> CaseSummary:
    """Open a case file in the actor's team, from a contact (its public id, or a phone
    registration's) when given, which is linked to it. InvalidValue for a bad code."""
    _check_details(codes, details)
    source = _contact_row(session, actor, contact) if contact else None
    team_id = actor.team_id if actor.team_id is not None else getattr(source, "team_id", None)
    row = CaseFile(
        public_id=str(uuid.uuid4()),
        pseudonym=details.pseudonym.strip(),
        team_id=team_id,
        region=details.region,
        age_group=details.age_group,
        sex=details.sex,
        role=ClientRole(details.role) if details.role in set(ClientRole) else None,
        themes=",".join(details.themes) or None,
        created_by=actor.counsellor_id,
    )
    session.add(row)
    session.flush()
    if source is not None:
        _attach(session, row, source)
    record(session, key, actor, "case.open", row, {"from_contact": source is not None})
    return summary(session, row)


def link_contact(session: Session, key: bytes, *, actor: Actor, case: str, contact: str) -> None:
    """Link a further chat, email or phone contact to the file (F1)."""
    row = get_file(session, actor, case)
    _attach(session, row, _contact_row(session, actor, contact))
    record(session, key, actor, "case.link", row, {"contact": contact})


def list_files(
    session: Session, *, actor: Actor, query: str = "", include_closed: bool = True
) -> list[CaseSummary]:
    """The files `actor` may see, newest first; `query` matches a pseudonym (substring, any
    case) or a public id (prefix). Not audited: a list shows headers, not a file's content."""
    statement = visible_files(actor)
    if query:
        needle = query.strip().lower()
        statement = statement.where(
            or_(
                col(CaseFile.pseudonym).ilike(f"%{needle}%"),
                col(CaseFile.public_id).startswith(needle),
            )
        )
    if not include_closed:
        statement = statement.where(CaseFile.status == CaseStatus.OPEN)
    rows = session.exec(statement.order_by(col(CaseFile.opened_at).desc()).limit(500)).all()
    return [summary(session, row) for row in rows]


def close(session: Session, key: bytes, *, actor: Actor, case: str) -> CaseSummary:
    """Close the file; its retention period (F4) runs from now. InvalidValue if closed."""
    row = get_file(session, actor, case)
    if row.status == CaseStatus.CLOSED:
        raise InvalidValue("the file is already closed", "case_closed")
    row.status = CaseStatus.CLOSED
    row.closed_at = utcnow()
    session.add(row)
    record(session, key, actor, "case.close", row)
    return summary(session, row)


def reopen(
    session: Session, key: bytes, *, actor: Actor, case: str, reason: str | None
) -> CaseSummary:
    """Reopen a closed file: the closing date is cleared, so the retention clock starts again
    at the next close (F4). `reason` (staff text, 1 to MAX_REASON characters) is required (the
    CLI's --reason, the console's dialog), kept on the file and shown with it; the audit records
    the reopening by ids only, as for a hold. InvalidValue if the file is open (`case_open`),
    the reason is missing or blank (`reason_missing`) or too long."""
    row = get_file(session, actor, case)
    if row.status == CaseStatus.OPEN:
        raise InvalidValue("the file is already open", "case_open")
    row.reopen_reason = _reason(reason or "")
    row.status = CaseStatus.OPEN
    row.closed_at = None
    session.add(row)
    record(session, key, actor, "case.reopen", row)
    return summary(session, row)


def _reason(reason: str) -> str:
    """A hold's or reopening's reason, trimmed; InvalidValue if empty (`reason_missing`) or
    longer than MAX_REASON characters."""
    reason = reason.strip()
    if not reason:
        raise InvalidValue(f"reason: give one (1 to {MAX_REASON} characters)", "reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidValue(f"reason: 1 to {MAX_REASON} characters", "too_long")
    return reason


def set_hold(
    session: Session, key: bytes, *, actor: Actor, case: str, reason: str | None
) -> CaseSummary:
    """Put a legal hold with its reason on the file (`reason` None: release it). Team leads and
    admins only (Forbidden otherwise): a held file is never purged (R6, F4)."""
    row = get_file(session, actor, case)
    if not actor.is_lead:
        raise Forbidden("only a team lead or an admin sets or releases a legal hold", "lead_only")
    if reason is not None:
        reason = _reason(reason)
    row.legal_hold = reason is not None
    row.legal_hold_reason = reason
    session.add(row)
    record(session, key, actor, "case.hold" if reason else "case.release", row)
    return summary(session, row)

"""What counsellors add to a case file (F1, F2): notes, professional assessments, the client's
statement beside an assessment (never over it), and referrals. Texts are kept as typed;
the audit log gets ids only."""

from __future__ import annotations

from sqlmodel import Session, select

from helpline_core.models import Assessment, CaseNote, ClientStatement, Referral
from helpline_core.services.actors import Actor, InvalidValue, NotFound
from helpline_core.services.cases.access import get_file, record

MAX_BODY = 20_000
MAX_SERVICE = 200


def checked_text(text: str, what: str = "text", limit: int = MAX_BODY) -> str:
    """`text` if it is not blank and at most `limit` characters; InvalidValue naming `what`."""
    if not text.strip():
        raise InvalidValue(f"{what}: empty")
    if len(text) > limit:
        raise InvalidValue(f"{what}: at most {limit} characters")
    return text


def add_note(session: Session, key: bytes, *, actor: Actor, case: str, body: str) -> int:
    """Add a note; returns its id."""
    row = get_file(session, actor, case)
    assert row.id is not None
    note = CaseNote(case_file_id=row.id, counsellor_id=actor.counsellor_id, body=checked_text(body))
    session.add(note)
    session.flush()
    assert note.id is not None
    record(session, key, actor, "case.note", row, {"note": note.id})
    return note.id


def add_assessment(session: Session, key: bytes, *, actor: Actor, case: str, body: str) -> int:
    """Add a professional assessment; returns its id. Assessments are never edited (F2)."""
    row = get_file(session, actor, case)
    assert row.id is not None
    item = Assessment(
        case_file_id=row.id, counsellor_id=actor.counsellor_id, body=checked_text(body)
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(session, key, actor, "case.assessment", row, {"assessment": item.id})
    return item.id


def add_statement(
    session: Session, key: bytes, *, actor: Actor, case: str, assessment: int, body: str
) -> int:
    """Record the client's statement beside assessment `assessment` of this file (F2, R3): a new
    row, the assessment untouched. NotFound if the assessment is not in this file."""
    row = get_file(session, actor, case)
    found = session.exec(
        select(Assessment).where(Assessment.id == assessment, Assessment.case_file_id == row.id)
    ).first()
    if found is None:
        raise NotFound("no such assessment in this file", "no_such_assessment")
    item = ClientStatement(
        assessment_id=assessment, body=checked_text(body), recorded_by=actor.counsellor_id
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(
        session, key, actor, "case.statement", row, {"assessment": assessment, "statement": item.id}
    )
    return item.id


def add_referral(
    session: Session, key: bytes, *, actor: Actor, case: str, service: str, reason: str | None
) -> int:
    """Record a referral to `service` (free text: the service's name) with an optional reason."""
    row = get_file(session, actor, case)
    assert row.id is not None
    item = Referral(
        case_file_id=row.id,
        counsellor_id=actor.counsellor_id,
        service=checked_text(service, "service", MAX_SERVICE).strip(),
        reason=checked_text(reason, "reason") if reason and reason.strip() else None,
    )
    session.add(item)
    session.flush()
    assert item.id is not None
    record(session, key, actor, "case.referral", row, {"referral": item.id})
    return item.id

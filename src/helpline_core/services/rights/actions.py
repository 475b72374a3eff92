"""Carrying out rectification (R3), objection and restriction (R4) and withdrawal of consent
(R5) for a verified request, through the case-file services, so the audit log and the rules
(F2: a statement beside an assessment; F3: no disclosure on a withdrawn consent) are theirs."""

from __future__ import annotations

from sqlmodel import Session

from helpline_core.codes import CodeList
from helpline_core.models import CaseFile, ClientRole, DataSubjectRequest, RequestKind
from helpline_core.services import audit
from helpline_core.services.actors import Actor, InvalidValue
from helpline_core.services.cases import consents, entries
from helpline_core.services.cases.access import get_file
from helpline_core.services.rights import register
from helpline_core.services.rights.subject import scope_of

FIELDS = {"region": "regions", "age_group": "age_bands", "sex": "sexes", "role": "roles"}


def _file_of(session: Session, actor: Actor, row: DataSubjectRequest, *kinds: RequestKind) -> str:
    if RequestKind(row.kind) not in kinds:
        raise InvalidValue(f"request {row.id} is a {row.kind} request")
    register.require_open(row)
    # A subject named by email or claim code: their one case file, if they have exactly one.
    files = sorted(scope_of(session, row).case_file_ids)
    if not files:
        raise InvalidValue(f"request {row.id}: no case file is kept about this subject")
    if len(files) > 1:
        raise InvalidValue(f"request {row.id}: several case files; open one request per file")
    found = session.get(CaseFile, files[0])
    assert found is not None
    return get_file(session, actor, found.public_id).public_id


def rectify(
    session: Session,
    key: bytes,
    codes: CodeList,
    *,
    actor: Actor,
    row: DataSubjectRequest,
    field: str,
    value: str,
) -> str:
    """Correct a factual field (region, age_group, sex, role) of the subject's file to a code
    of the code list; the old value is kept in the audit log (codes only, never text).
    Returns the old value. InvalidValue for another field or a code not in the list."""
    case = _file_of(session, actor, row, RequestKind.RECTIFY)
    if field not in FIELDS:
        raise InvalidValue(f"field: one of {', '.join(FIELDS)}")
    if value not in codes.codes_of(FIELDS[field]):
        raise InvalidValue(f"{field}: '{value[:40]}' is not in code list {codes.version}")
    item = get_file(session, actor, case)
    old = str(getattr(item, field) or "unknown")
    if field == "role":
        # The file's role column holds the client roles; "unknown" and the like leave it empty.
        item.role = ClientRole(value) if value in set(ClientRole) else None
    else:
        setattr(item, field, value)
    session.add(item)
    audit.record(
        session, key, actor=actor.name, action="case.rectify", object_type="case_file",
        object_id=item.public_id,
        detail={"request": row.id or 0, "field": field, "old": old, "new": value},
    )  # fmt: skip
    register.done(session, key, actor=actor, row=row, note=f"{field} rectified")
    return old


def supplement(
    session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest, assessment: int,
    text: str,
) -> int:  # fmt: skip
    """Add the subject's statement beside an assessment (F2, R3); returns its id."""
    case = _file_of(session, actor, row, RequestKind.RECTIFY)
    statement = entries.add_statement(
        session, key, actor=actor, case=case, assessment=assessment, body=text
    )
    register.done(session, key, actor=actor, row=row, note=f"statement {statement} added")
    return statement


def restrict(session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest) -> None:
    """Mark the subject's file restricted (R4, GDPR art. 18 and 21): excluded from training
    and inspection exports, shown as restricted in the console."""
    case = _file_of(session, actor, row, RequestKind.OBJECT, RequestKind.RESTRICT)
    item = get_file(session, actor, case)
    item.processing_restricted = True
    session.add(item)
    audit.record(
        session, key, actor=actor.name, action="case.restrict", object_type="case_file",
        object_id=item.public_id, detail={"request": row.id or 0},
    )  # fmt: skip
    register.done(session, key, actor=actor, row=row, note="processing restricted")


def withdraw(
    session: Session, key: bytes, *, actor: Actor, row: DataSubjectRequest, consent: int
) -> None:
    """Withdraw a consent of the subject's file (R5): it gets its withdrawal time, and no new
    disclosure may rest on it (services/cases/consents)."""
    case = _file_of(session, actor, row, RequestKind.WITHDRAW_CONSENT)
    consents.withdraw_consent(session, key, actor=actor, case=case, consent=consent)
    register.done(session, key, actor=actor, row=row, note=f"consent {consent} withdrawn")
